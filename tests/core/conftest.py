"""Core tests talk to people who have already seen the PDPA notice, so the first-contact flow stays out of
the way of what is being tested here (it has its own tests)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.services import Services
from storage.models import Person
from tests.support.chat import Chat


async def known_person(
    services: Services,
    user: str,
    *,
    locale: str = "th",
    role: str = "citizen",
    agency_id: int | None = None,
    display_name: str | None = None,
    phone: str | None = None,
) -> Person:
    """A simulator person who has already read the PDPA notice."""
    async with services.db.write() as session:
        person = Person(
            channel="simulator",
            platform_user_id=user,
            chat_id=user,
            locale=locale,
            role=role,
            agency_id=agency_id,
            display_name=display_name,
            phone=phone,
            pdpa_notice_at=datetime.now(UTC),
        )
        session.add(person)
    return person


@pytest.fixture
async def somchai(services: Services) -> Chat:
    await known_person(services, "somchai")
    return Chat(services, user="somchai")
