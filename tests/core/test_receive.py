"""Issue 11: webhooks that arrive together are stored together (one INSERT, one commit), each still answered
with how many of its events were new, and one webhook whose events the database refuses fails alone."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Sequence

import pytest
from sqlalchemy import select

from bot.core import receive
from bot.core.receive import EventKey, store_inbound
from bot.core.types import Inbound
from bot.services import Services
from storage.db import Database
from storage.models import InboxEvent
from tests.conftest import make_settings
from tests.core.test_exactly_once import text_event as inbox_event
from tests.support.chat import RecordingChannel


@pytest.fixture
async def services(any_database_url: str) -> AsyncIterator[Services]:
    """On SQLite (its one writer) and on PostgreSQL (INSERT … RETURNING of many rows through asyncpg)."""
    built = Services.build(make_settings(any_database_url), channels={"simulator": RecordingChannel()})
    await built.open()
    yield built
    await built.close()


def text_event(user: str, event_id: str) -> Inbound:
    return inbox_event(user, "เมนู", event_id)


async def stored_events(services: Services) -> list[tuple[str, str]]:
    async with services.db.read() as session:
        rows = await session.execute(select(InboxEvent.event_id, InboxEvent.chat_key).order_by(InboxEvent.id))
        return [(event_id, chat) for event_id, chat in rows.all()]


async def test_webhooks_arriving_together_share_one_store(services: Services) -> None:
    await store_inbound(services.db, [text_event("u-old", "ev-old")])
    webhooks = [[text_event(f"u{i}", f"ev-{i}")] for i in range(20)]
    webhooks.append([text_event("u-old", "ev-old")])  # LINE redelivers an event stored before
    webhooks.append([text_event("u3", "ev-3")])  # and one that is in this very batch
    webhooks.append([text_event("u-a", "ev-a"), text_event("u-b", "ev-b")])  # two events in one body

    answers = await asyncio.gather(*(services.inbox.receive(events) for events in webhooks))

    assert answers == [1] * 20 + [0, 0, 2]
    assert services.inbox.stores == 1
    assert services.inbox.received == 24
    stored = await stored_events(services)
    assert [event_id for event_id, _chat in stored] == ["ev-old", *(f"ev-{i}" for i in range(20)), "ev-a", "ev-b"]
    assert stored[1] == ("ev-0", "simulator:u0")
    assert services.inbox_wakeup.is_set()


async def test_webhooks_arriving_during_a_store_go_in_the_next(services: Services) -> None:
    first = asyncio.create_task(services.inbox.receive([text_event("u1", "ev-1")]))
    await asyncio.sleep(0)  # the first store is under way
    later = [asyncio.create_task(services.inbox.receive([text_event(f"v{i}", f"ev-v{i}")])) for i in range(5)]

    assert await first == 1
    assert await asyncio.gather(*later) == [1] * 5
    assert services.inbox.stores == 2
    assert len(await stored_events(services)) == 6


async def test_one_refused_webhook_fails_alone(services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    real_insert = receive.insert_new

    async def refusing(db: Database, inbounds: Sequence[Inbound]) -> Counter[EventKey]:
        if any(inbound.event_id == "ev-poison" for inbound in inbounds):
            raise ValueError("the database refuses this event")
        return await real_insert(db, inbounds)

    monkeypatch.setattr(receive, "insert_new", refusing)
    webhooks = [[text_event("u1", "ev-1")], [text_event("u2", "ev-poison")], [text_event("u3", "ev-3")]]

    answers = await asyncio.gather(*(services.inbox.receive(events) for events in webhooks), return_exceptions=True)

    assert answers[0] == 1 and answers[2] == 1
    assert isinstance(answers[1], ValueError)  # its webhook answers 500 and the platform sends it again
    assert [event_id for event_id, _chat in await stored_events(services)] == ["ev-1", "ev-3"]


async def test_a_webhook_that_gives_up_still_has_its_events_stored(services: Services) -> None:
    waiting = asyncio.create_task(services.inbox.receive([text_event("u1", "ev-1")]))
    others = asyncio.create_task(services.inbox.receive([text_event("u2", "ev-2")]))
    await asyncio.sleep(0)
    waiting.cancel()  # the client hung up before the answer

    assert await others == 1
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert [event_id for event_id, _chat in await stored_events(services)] == ["ev-1", "ev-2"]
