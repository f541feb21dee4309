"""On SQLite every write of a process takes its turn at one writer. A webhook's inbox insert, which an
acknowledgement waits for, goes before the batches of turns and the sender's claims queued ahead of it; a writer
cancelled while it waits never keeps the turn from the others."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.core.receive import store_inbound
from bot.core.types import Inbound, InboundKind
from storage.db import Database, WriterTurns
from storage.migrate import upgrade
from storage.models import InboxEvent


async def test_urgent_writers_go_before_the_others_each_kind_in_arrival_order() -> None:
    turns = WriterTurns()
    await turns.acquire()  # a batch of turns is writing
    order: list[str] = []

    async def writer(name: str, *, urgent: bool) -> None:
        await turns.acquire(urgent=urgent)
        order.append(name)
        turns.release()

    waiting = [
        asyncio.create_task(writer("batch 2", urgent=False)),
        asyncio.create_task(writer("claim", urgent=False)),
        asyncio.create_task(writer("webhook 1", urgent=True)),
        asyncio.create_task(writer("webhook 2", urgent=True)),
    ]
    await asyncio.sleep(0)
    turns.release()
    await asyncio.gather(*waiting)
    assert order == ["webhook 1", "webhook 2", "batch 2", "claim"]


async def test_a_writer_cancelled_while_waiting_leaves_the_turn_to_the_next() -> None:
    turns = WriterTurns()
    await turns.acquire()
    gave_up = asyncio.create_task(turns.acquire(urgent=True))
    after = asyncio.create_task(turns.acquire())
    await asyncio.sleep(0)
    gave_up.cancel()
    await asyncio.sleep(0)
    turns.release()
    await asyncio.wait_for(after, timeout=1)
    turns.release()
    await asyncio.wait_for(turns.acquire(), timeout=1)  # free again: nobody kept it


async def test_a_writer_cancelled_just_as_its_turn_came_passes_the_turn_on() -> None:
    turns = WriterTurns()
    await turns.acquire()
    handed = asyncio.create_task(turns.acquire())
    after = asyncio.create_task(turns.acquire())
    await asyncio.sleep(0)
    turns.release()  # `handed` has the turn but has not run yet
    handed.cancel()
    with pytest.raises(asyncio.CancelledError):
        await handed
    await asyncio.wait_for(after, timeout=1)


def _message(user: str) -> Inbound:
    return Inbound(channel="simulator", user=user, chat=user, event_id=f"e-{user}", kind=InboundKind.TEXT, text="เมนู")


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[Database]:
    """SQLite only: PostgreSQL takes concurrent writers itself, there is no queue to jump."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'hpp.db'}"
    await asyncio.to_thread(upgrade, url)
    database = Database(url)
    try:
        yield database
    finally:
        await database.close()


async def test_a_webhooks_insert_is_stored_before_a_write_queued_ahead_of_it(sqlite_db: Database) -> None:
    database = sqlite_db
    seen_by_later_write: list[int] = []
    release_first = asyncio.Event()

    async def long_write() -> None:
        async with database.write():
            await release_first.wait()

    async def queued_write() -> None:
        async with database.write() as session:
            count = await session.scalar(select(func.count()).select_from(InboxEvent))
            seen_by_later_write.append(int(count or 0))

    first = asyncio.create_task(long_write())
    await asyncio.sleep(0.01)
    queued = asyncio.create_task(queued_write())
    await asyncio.sleep(0.01)
    webhook = asyncio.create_task(store_inbound(database, [_message("jump-1")]))
    await asyncio.sleep(0.01)
    release_first.set()
    assert await webhook == 1
    await asyncio.gather(first, queued)
    assert seen_by_later_write == [1]  # the insert went first, though it came last
