"""A person's consents as "my data" shows them: the full history with times, what is granted now, and the
withdrawal. Recording and the purposes belong to the first-contact flow (handlers/complaints/pdpa.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.complaints.pdpa import PURPOSES, current_consents, withdraw_consent
from storage.models import Consent, Person


def purpose_label(purpose: str) -> str:
    return next((str(p.label) for p in PURPOSES if p.code == purpose), purpose)


async def consent_history(session: AsyncSession, person: Person) -> Sequence[Consent]:
    """Every answer and withdrawal, oldest first."""
    rows = await session.scalars(
        select(Consent).where(Consent.person_id == person.id).order_by(Consent.created_at, Consent.id)
    )
    return rows.all()


async def granted_purposes(session: AsyncSession, person: Person) -> list[str]:
    """The purposes the person has agreed to and not withdrawn."""
    return [purpose for purpose, granted in (await current_consents(session, person)).items() if granted]


async def withdraw(session: AsyncSession, person: Person, purpose: str, now: datetime) -> None:
    await withdraw_consent(session, person, purpose, now)
