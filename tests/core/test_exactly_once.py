"""Exactly-once: the inbox keeps a redelivered event once, the outbox survives a sender restart, one chat's
messages are applied one at a time, and two workers never both apply a step (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError

from bot.core.flow import Ctx, Flow, Outcome, finish, goto
from bot.core.i18n import get_locale
from bot.core.inbox import InboxWorker
from bot.core.outbox import OutboxSender, enqueue
from bot.core.receive import store_inbound
from bot.core.types import DeliveryResult, Inbound, InboundKind, OutboundMessage, Reply
from bot.services import Services
from storage.models import Conversation, Feedback, InboxEvent, OutboxMessage, Person
from tests.conftest import make_settings
from tests.core.conftest import known_person
from tests.support.chat import RecordingChannel, pump


def text_event(user: str, text: str, event_id: str) -> Inbound:
    return Inbound(
        channel="simulator",
        user=user,
        chat=user,
        kind=InboundKind.TEXT,
        text=text,
        event_id=event_id,
        received_at=datetime.now(UTC),
    )


async def test_a_twice_delivered_event_is_stored_and_answered_once(services: Services) -> None:
    await known_person(services, "malee")
    event = text_event("malee", "เมนู", "evt-1")
    assert await store_inbound(services.db, [event]) == 1
    assert await store_inbound(services.db, [event]) == 0  # the platform retried: acknowledged, ignored
    await pump(services)
    assert await store_inbound(services.db, [event]) == 0  # even after it was applied
    await pump(services)
    async with services.db.read() as session:
        assert await session.scalar(select(func.count()).select_from(InboxEvent)) == 1
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
    recorder = services.channels["simulator"]
    assert isinstance(recorder, RecordingChannel)
    assert len(recorder.delivered) == 1


async def test_the_outbox_delivers_after_a_restart_of_the_sender(services: Services) -> None:
    async with services.db.write() as session:
        for n in range(3):
            await enqueue(session, channel="simulator", recipient="lek", replies=[Reply(f"ข้อความ {n}")], key=f"k{n}")
    crashed = OutboxSender(services.db, {"simulator": RecordingChannel()})  # claims, then dies before delivering
    claimed = (await crashed._claim()).rows
    assert [row.recipient for row in claimed] == ["lek"]  # one chat: only its first row, to keep the order
    async with services.db.write() as session:  # time passes: the dead sender's lease runs out
        await session.execute(update(OutboxMessage).values(claimed_until=datetime.now(UTC) - timedelta(seconds=1)))
    recorder = RecordingChannel()
    restarted = OutboxSender(services.db, {"simulator": recorder})
    for _round in range(5):
        await restarted.run_once()
    assert [message.replies[0].text for message in recorder.delivered] == ["ข้อความ 0", "ข้อความ 1", "ข้อความ 2"]
    async with services.db.read() as session:
        statuses = (await session.scalars(select(OutboxMessage.status))).all()
    assert statuses == ["sent", "sent", "sent"]


async def test_an_outbox_key_is_queued_once(services: Services) -> None:
    async with services.db.write() as session:
        assert await enqueue(session, channel="simulator", recipient="a", replies=[Reply("x")], key="same")
        assert not await enqueue(session, channel="simulator", recipient="a", replies=[Reply("x")], key="same")


async def _counting_step(ctx: Ctx) -> Outcome:
    """Counts the messages of one conversation in its state; slow enough for two messages to overlap."""
    seen = int(ctx.data.get("seen", 0)) + 1
    ctx.data["seen"] = seen
    ctx.data.setdefault("order", []).append(ctx.text)
    await asyncio.sleep(0.05)
    return goto("count", Reply(f"ข้อความที่ {seen}"))


async def _counting_enter(ctx: Ctx) -> Outcome:
    return goto("count", Reply("เริ่มนับ"))


def _counting_flow() -> Flow:
    return Flow("counting", enter=_counting_enter, steps={"count": _counting_step})


@pytest.fixture
def counting_flow(services: Services) -> Flow:
    return services.registry.add_flow(_counting_flow())


async def _conversation(services: Services, user: str) -> Conversation:
    async with services.db.read() as session:
        conversation = await session.scalar(select(Conversation).where(Conversation.user_id == user))
        assert conversation is not None
        return conversation


async def test_the_engine_serialises_two_messages_sent_at_once(services: Services, counting_flow: object) -> None:
    await known_person(services, "dao")
    await store_inbound(services.db, [text_event("dao", "start", "d0")])
    await pump(services)
    async with services.db.write() as session:
        await session.execute(update(Conversation).values(flow="counting", step="count"))
    await store_inbound(services.db, [text_event("dao", "หนึ่ง", "d1"), text_event("dao", "สอง", "d2")])
    rows = await _pending_ids(services)
    assert services.inbox_worker is not None
    engine = services.engine
    inbounds = [Inbound.from_json(payload) for _id, payload in rows]
    await asyncio.gather(
        *(engine.process_inbox_row(i, inbound) for (i, _p), inbound in zip(rows, inbounds, strict=True))
    )
    conversation = await _conversation(services, "dao")
    assert conversation.data["flow"]["seen"] == 2  # neither message was lost to the other
    assert conversation.data["flow"]["order"] == ["หนึ่ง", "สอง"]


async def _pending_ids(services: Services) -> list[tuple[int, dict]]:  # type: ignore[type-arg]
    async with services.db.read() as session:
        rows = (
            await session.execute(
                select(InboxEvent.id, InboxEvent.payload).where(InboxEvent.status == "pending").order_by(InboxEvent.id)
            )
        ).all()
    return [(row[0], row[1]) for row in rows]


async def test_two_workers_never_both_apply_a_step(any_database_url: str) -> None:
    """Two worker processes (two engines, two inbox workers) on one database share the same events."""
    settings = make_settings(any_database_url)
    first = Services.build(settings, channels={"simulator": RecordingChannel()})
    second = Services.build(settings, channels={"simulator": RecordingChannel()})
    for services in (first, second):
        services.registry.add_flow(_counting_flow())
    try:
        await known_person(first, "wan")
        await store_inbound(first.db, [text_event("wan", "start", "w0")])
        await pump(first)
        async with first.db.write() as session:
            await session.execute(update(Conversation).values(flow="counting", step="count"))
        events = [text_event("wan", f"m{n}", f"w{n}") for n in range(1, 9)]
        await store_inbound(first.db, events)
        workers = [InboxWorker(s.db, s.engine, s.channels) for s in (first, second)]
        await asyncio.gather(*(worker.drain() for worker in workers))
        conversation = await _conversation(first, "wan")
        assert conversation.data["flow"]["seen"] == 8  # every step applied exactly once
        assert conversation.data["flow"]["order"] == [f"m{n}" for n in range(1, 9)]  # in arrival order
        async with first.db.read() as session:
            assert (
                await session.scalar(select(func.count()).select_from(InboxEvent).where(InboxEvent.status == "done"))
                == 9
            )
            replies = await session.scalar(select(func.count()).select_from(OutboxMessage))
        assert replies == 9  # one answer per event, none twice
    finally:
        await first.close()
        await second.close()


async def _failing_step(ctx: Ctx) -> Outcome:
    ctx.session.add(Feedback(province_id=1, kind="comment", text="ครึ่ง ๆ กลาง ๆ", person_id=ctx.person.id))
    await ctx.session.flush()
    raise RuntimeError("the step broke after a write")


async def _failing_enter(ctx: Ctx) -> Outcome:
    return goto("write", Reply("พิมพ์อะไรก็ได้"))


@pytest.fixture
def failing_flow(services: Services) -> Flow:
    return services.registry.add_flow(Flow("failing", enter=_failing_enter, steps={"write": _failing_step}))


async def test_a_failing_step_leaves_nothing_half_written(services: Services, failing_flow: object) -> None:
    await known_person(services, "noi")
    await store_inbound(services.db, [text_event("noi", "start", "n0")])
    await pump(services)
    async with services.db.write() as session:
        await session.execute(update(Conversation).values(flow="failing", step="write", version=Conversation.version))
    await store_inbound(services.db, [text_event("noi", "hello", "n1")])
    assert services.inbox_worker is not None
    services.inbox_worker.retry_seconds = 0  # every attempt in this pump, none waiting
    await pump(services)
    async with services.db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Feedback)) == 0
        event = await session.scalar(select(InboxEvent).where(InboxEvent.event_id == "n1"))
        assert event is not None and event.status == "failed" and event.attempts == 5
        assert (event.error or "").startswith("step: RuntimeError at test_exactly_once.py:")  # the kind, no text
        conversation = await session.scalar(select(Conversation).where(Conversation.user_id == "noi"))
        assert conversation is not None and conversation.step == "write"  # state as it was before the step
    recorder = services.channels["simulator"]
    assert isinstance(recorder, RecordingChannel)
    assert recorder.replies_to("noi")[-1].text == "ขออภัย ระบบขัดข้องชั่วคราว กรุณาลองใหม่อีกครั้งในอีกสักครู่"


def test_finish_offers_the_menu_by_default() -> None:
    assert finish(Reply("x")).show_menu is True


async def test_messages_to_someone_who_blocked_the_bot_are_skipped(services: Services) -> None:
    person = await known_person(services, "blocked")
    async with services.db.write() as session:
        await enqueue(
            session, channel="simulator", recipient="blocked", replies=[Reply("x")], key="b1", person_id=person.id
        )
        await session.execute(update(Person).where(Person.id == person.id).values(is_reachable=False))
    await services.outbox_sender.run_once()  # type: ignore[union-attr]
    recorder = services.channels["simulator"]
    assert isinstance(recorder, RecordingChannel) and recorder.delivered == []
    async with services.db.read() as session:
        row = await session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == "b1"))
    assert row is not None and (row.status, row.last_error, row.attempts) == ("skipped", "unreachable", 0)


async def test_channels_deliver_in_the_recipients_language(services: Services) -> None:
    """A channel's own captions ("Send location", "Type the number") follow the person, not the server."""
    seen: list[str] = []

    class LocaleRecorder(RecordingChannel):
        async def deliver(self, message: OutboundMessage) -> DeliveryResult:
            seen.append(get_locale())
            return await super().deliver(message)

    english = await known_person(services, "john", locale="en")
    thai = await known_person(services, "somsri", locale="th")
    async with services.db.write() as session:
        for person in (english, thai):
            await enqueue(
                session,
                channel="simulator",
                recipient=person.chat_id,
                replies=[Reply("x")],
                key=person.chat_id,
                person_id=person.id,
            )
    sender = OutboxSender(services.db, {"simulator": LocaleRecorder()})
    await sender.run_once()
    assert sorted(seen) == ["en", "th"]


async def test_a_busy_database_after_sending_does_not_send_twice(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression (issue 6 bench): a "database is locked" while recording a sent message left it leased, and it
    went out again when the lease ran out. The record is now retried."""
    async with services.db.write() as session:
        await enqueue(session, channel="simulator", recipient="busy", replies=[Reply("ครั้งเดียว")], key="once")
    real_write = services.db.write
    calls = {"n": 0}

    def flaky_write() -> object:
        calls["n"] += 1
        if calls["n"] == 2:  # the first write after the claim: recording the delivery
            raise OperationalError("UPDATE outbox", {}, Exception("database is locked"))
        return real_write()

    monkeypatch.setattr(services.db, "write", flaky_write)
    monkeypatch.setattr("bot.core.outbox.records.asyncio.sleep", _no_wait)
    recorder = RecordingChannel()
    sender = OutboxSender(services.db, {"simulator": recorder})
    await sender.run_once()
    monkeypatch.setattr(services.db, "write", real_write)
    async with services.db.write() as session:  # even once any lease would have run out
        await session.execute(update(OutboxMessage).values(claimed_until=datetime.now(UTC) - timedelta(seconds=1)))
    await sender.run_once()
    assert [m.replies[0].text for m in recorder.delivered] == ["ครั้งเดียว"]
    async with services.db.read() as session:
        assert await session.scalar(select(OutboxMessage.status)) == "sent"


async def _no_wait(_seconds: float) -> None:
    return None
