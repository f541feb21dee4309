"""Several worker processes on PostgreSQL share the chats out (bot/core/seats.py): each reads, prepares and tries
to claim only its own chats' events, a dead worker's chats go to the others, and an event that waited too long
is taken by anyone. Exactly-once never depends on it: that is the claim's (tests/core/test_exactly_once.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from bot.core import seats
from bot.core.engine import Applied, Engine, Pending
from bot.core.inbox import InboxWorker
from bot.core.receive import store_inbound
from bot.core.seats import Share, WorkerSeats
from bot.services import Services
from storage.db import Database
from storage.models import InboxEvent, OutboxMessage
from tests.conftest import make_settings
from tests.core.conftest import known_person
from tests.core.test_exactly_once import text_event
from tests.support.chat import RecordingChannel

pytestmark = pytest.mark.postgres
CHATS = 40


@pytest.fixture(autouse=True)
def look_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(seats, "REFRESH_SECONDS", 0.0)


async def test_two_workers_take_one_half_each_and_the_survivor_takes_all(postgres_url: str) -> None:
    first, second = Database(postgres_url), Database(postgres_url)
    one, two = WorkerSeats(first), WorkerSeats(second)
    try:
        assert await one.share() is None  # alone: every chat
        assert {await two.share(), await one.share()} == {Share(0, 2), Share(1, 2)}
        await two.close()  # the second worker is gone, and its seat with it
        assert await one.share() is None
    finally:
        await one.close()
        await two.close()
        await first.close()
        await second.close()


async def test_sqlite_has_one_worker_for_every_chat(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    try:
        assert await WorkerSeats(db).share() is None
    finally:
        await db.close()


async def test_each_worker_reads_its_own_chats_and_an_idle_one_takes_what_waited_too_long(postgres_url: str) -> None:
    settings = make_settings(postgres_url)
    services = Services.build(settings, channels={"simulator": RecordingChannel()})
    try:
        for n in range(CHATS):
            await known_person(services, f"chat-{n}")
        await store_inbound(services.db, [text_event(f"chat-{n}", "เมนู", f"e{n}") for n in range(CHATS)])
        worker = InboxWorker(services.db, services.engine, services.channels)
        halves = [{row.chat_key for row in await worker._heads(Share(rank, 2))} for rank in (0, 1)]
        assert halves[0] and halves[1] and not halves[0] & halves[1]
        assert len(halves[0] | halves[1]) == CHATS

        async with services.db.write() as session:  # worker 0 has applied its own chats' events
            await session.execute(update(InboxEvent).where(InboxEvent.chat_key.in_(halves[0])).values(status="done"))
        assert await worker._heads(Share(0, 2)) == []  # the others' chats are theirs, while their events are fresh
        async with services.db.write() as session:  # the other worker is stuck: its chats wait
            await session.execute(
                update(InboxEvent).values(received_at=datetime.now(UTC) - timedelta(seconds=seats.STEAL_SECONDS + 1))
            )
        assert {row.chat_key for row in await worker._heads(Share(0, 2))} == halves[1]
        assert {row.chat_key for row in await worker._heads(Share(1, 2))} == halves[1]  # its own, of course
    finally:
        await services.close()


async def test_two_running_workers_apply_every_event_once_without_trying_each_others(postgres_url: str) -> None:
    settings = make_settings(postgres_url)
    first = Services.build(settings, channels={"simulator": RecordingChannel()})
    second = Services.build(settings, channels={"simulator": RecordingChannel()})
    tried: list[list[int]] = [[], []]
    try:
        for n in range(CHATS):
            await known_person(first, f"chat-{n}")
        workers = [InboxWorker(s.db, s.engine, s.channels, poll_seconds=0.05) for s in (first, second)]
        for worker, seen in zip(workers, tried, strict=True):
            await worker.seats.share()  # both seated before the events come
            noting(worker.engine, seen)
        running = [asyncio.create_task(worker.run()) for worker in workers]
        await store_inbound(first.db, [text_event(f"chat-{n}", "เมนู", f"e{n}") for n in range(CHATS)])
        for _wait in range(200):
            async with first.db.read() as session:
                done = await session.scalar(select(func.count()).where(InboxEvent.status == "done"))
            if done == CHATS:
                break
            await asyncio.sleep(0.05)
        for worker in workers:
            worker.stop()
        await asyncio.gather(*running)
        async with first.db.read() as session:
            assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == CHATS
        assert tried[0] and tried[1]
        assert not set(tried[0]) & set(tried[1])  # no event was prepared and claimed by both
        assert sorted(tried[0] + tried[1]) == sorted(set(tried[0] + tried[1]))
    finally:
        await first.close()
        await second.close()


def noting(engine: Engine, seen: list[int]) -> None:
    """Note each event the engine is asked to apply."""
    apply = engine.apply

    async def noted(events: Sequence[Pending]) -> Applied:
        seen.extend(event.inbox_id for event in events)
        return await apply(events)

    engine.apply = noted  # type: ignore[method-assign]


async def test_an_idle_worker_is_woken_by_the_web_process_at_once(postgres_url: str) -> None:
    """The web process stores an event and NOTIFYs; the worker process, idle with a poll of a minute, applies it
    without waiting for the poll."""
    settings = make_settings(postgres_url)
    worker_side = Services.build(settings, channels={"simulator": RecordingChannel()})
    web = Database(postgres_url)  # the web process: its own connections, and its own wakeup event
    try:
        await known_person(worker_side, "somchai")
        worker = InboxWorker(worker_side.db, worker_side.engine, worker_side.channels, poll_seconds=60)
        running = asyncio.create_task(worker.run())
        for _wait in range(100):  # seated and listening
            if worker.seats.seat is not None:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)  # the first round found nothing: the worker waits on its poll
        assert await store_inbound(web, [text_event("somchai", "เมนู", "woken")]) == 1
        done = 0
        for _wait in range(100):
            async with web.read() as session:
                done = await session.scalar(select(func.count()).where(InboxEvent.status == "done")) or 0
            if done:
                break
            await asyncio.sleep(0.05)
        worker.stop()
        await running
        assert done == 1  # within 5 s, not at the minute's poll
    finally:
        await web.close()
        await worker_side.close()
