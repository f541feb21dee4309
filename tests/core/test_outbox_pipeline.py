"""The outbox sender as a pipeline (issue 6 bench): it claims the next batch while the current one is still on
its way, so a rate-limited channel never idles between batches; and still keeps each chat's order, sends each
row once, and never starts a send whose lease is nearly over (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.core.outbox import LEASE, OutboxSender, Queued, enqueue, enqueue_many
from bot.core.types import DeliveryResult, DeliveryStatus, OutboundMessage, Reply
from storage.db import Database
from storage.models import Broadcast, OutboxMessage
from tests.support.chat import RecordingChannel


@pytest.fixture
async def db(any_database_url: str) -> AsyncIterator[Database]:
    database = Database(any_database_url)
    yield database
    await database.close()


class GatedChannel(RecordingChannel):
    """Holds every delivery until the test opens the gate, like a platform that is slow to answer."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()
        self.waiting = 0
        self.arrived = asyncio.Event()

    async def deliver(self, message: OutboundMessage) -> DeliveryResult:
        self.waiting += 1
        self.arrived.set()
        await self.gate.wait()
        return await super().deliver(message)


async def queue(db: Database, messages: list[tuple[str, str]]) -> None:
    async with db.write() as session:
        for n, (chat, text) in enumerate(messages):
            await enqueue(session, channel="simulator", recipient=chat, replies=[Reply(text)], key=f"k{n}")


async def statuses(db: Database) -> dict[str, int]:
    async with db.read() as session:
        rows = await session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
        return {status: count for status, count in rows.all()}


async def until(condition: Callable[[], Awaitable[bool]], *, rounds: int = 2000) -> None:
    for _round in range(rounds):
        if await condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("the sender did not get there")


async def test_the_next_batch_is_claimed_while_the_first_is_still_on_its_way(db: Database) -> None:
    await queue(db, [(f"chat-{n}", f"ประกาศ {n}") for n in range(7)])
    channel = GatedChannel()
    sender = OutboxSender(db, {"simulator": channel}, batch_size=2, concurrency=2)
    running = asyncio.create_task(sender.run())

    async def two_batches_claimed() -> bool:
        return (await statuses(db)).get("sending") == 4

    await until(two_batches_claimed)  # two in the channel, and the next batch already in hand
    await asyncio.sleep(0.05)
    assert channel.waiting == 2
    assert await statuses(db) == {"sending": 4, "pending": 3}  # bounded: no third batch while four are in hand

    channel.gate.set()

    async def all_sent() -> bool:
        return await statuses(db) == {"sent": 7}

    await until(all_sent)
    sender.stop()
    await running
    assert sorted(m.replies[0].text for m in channel.delivered) == sorted(f"ประกาศ {n}" for n in range(7))


async def test_a_chats_messages_go_in_order_and_once_through_the_pipeline(db: Database) -> None:
    messages = [(chat, f"{chat} {n}") for n in range(4) for chat in ("somchai", "malee", "lek")]
    await queue(db, messages)
    channel = RecordingChannel()
    sender = OutboxSender(db, {"simulator": channel}, batch_size=2, concurrency=2)
    running = asyncio.create_task(sender.run())

    async def all_sent() -> bool:
        return await statuses(db) == {"sent": 12}

    await until(all_sent)
    sender.stop()
    await running
    for chat in ("somchai", "malee", "lek"):
        assert [reply.text for reply in channel.replies_to(chat)] == [f"{chat} {n}" for n in range(4)]
    assert len(channel.delivered) == 12


async def test_a_row_whose_lease_is_nearly_over_is_not_sent_but_left_for_the_next_claim(db: Database) -> None:
    """A claimed row that waited in hand too long could be taken back by another sender while it is sent."""
    await queue(db, [("somchai", "ข้อความ")])
    channel = RecordingChannel()
    sender = OutboxSender(db, {"simulator": channel})
    claim = await sender._claim()
    claim.rows[0].claimed_until = datetime.now(UTC) + LEASE * 0.4  # as if it had waited most of its lease
    await sender._deliver_chat(claim.rows, claim.locales)
    assert channel.delivered == []
    assert await statuses(db) == {"sending": 1}  # still leased: taken back when the lease ends, then sent once
    async with db.write() as session:
        row = await session.scalar(select(OutboxMessage))
        assert row is not None
        row.claimed_until = datetime.now(UTC) - timedelta(seconds=1)
    assert await sender.run_once() == 1
    assert [m.replies[0].text for m in channel.delivered] == ["ข้อความ"]
    assert await statuses(db) == {"sent": 1}


async def test_outcomes_that_arrive_together_are_recorded_in_one_transaction(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Group commit: at Telegram's thirty a second, one write per message raced for SQLite's lock and left the
    records behind the sends; a worker killed then sent again what it had not recorded yet."""
    await queue(db, [(f"chat-{n}", f"ประกาศ {n}") for n in range(10)])
    real_write = db.write
    writes = {"n": 0}

    def counting_write() -> object:
        writes["n"] += 1
        return real_write()

    monkeypatch.setattr(db, "write", counting_write)
    channel = RecordingChannel()
    assert await OutboxSender(db, {"simulator": channel}).run_once() == 10
    assert len(channel.delivered) == 10
    assert writes["n"] < 1 + 10  # the claim, then far fewer record transactions than messages
    assert await statuses(db) == {"sent": 10}


async def test_two_senders_claiming_at_once_never_take_the_same_row(db: Database) -> None:
    """The claim finds rows by a read and leases them in a later write: a row another sender leased in between
    is left to it."""
    await queue(db, [(f"chat-{n}", f"ประกาศ {n}") for n in range(30)])
    first, second = (OutboxSender(db, {"simulator": RecordingChannel()}) for _ in range(2))
    claims = await asyncio.gather(first._claim(), second._claim())
    ids = [row.id for claim in claims for row in claim.rows]
    assert len(ids) == 30 and len(set(ids)) == 30
    assert await statuses(db) == {"sending": 30}


async def test_a_message_queued_for_later_does_not_hold_up_the_chats_other_messages(db: Database) -> None:
    later = datetime.now(UTC) + timedelta(hours=1)
    async with db.write() as session:
        await enqueue(
            session, channel="simulator", recipient="somchai", replies=[Reply("พรุ่งนี้")], key="later", not_before=later
        )
        await enqueue(session, channel="simulator", recipient="somchai", replies=[Reply("ตอนนี้")], key="now")
    channel = RecordingChannel()
    assert await OutboxSender(db, {"simulator": channel}).run_once() == 1
    assert [reply.text for reply in channel.replies_to("somchai")] == ["ตอนนี้"]
    assert await statuses(db) == {"pending": 1, "sent": 1}


async def test_a_message_waiting_to_be_tried_again_holds_up_the_chats_later_messages(db: Database) -> None:
    """Order within a chat survives a failed attempt: the next message waits for the retry."""
    await queue(db, [("somchai", "ข้อ 1"), ("somchai", "ข้อ 2")])
    async with db.write() as session:
        first = await session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == "k0"))
        assert first is not None
        first.attempts, first.next_attempt_at = 1, datetime.now(UTC) + timedelta(minutes=5)
    channel = RecordingChannel()
    assert await OutboxSender(db, {"simulator": channel}).run_once() == 0
    assert channel.delivered == []


async def test_replies_go_before_a_broadcast_in_progress_and_do_not_wait_behind_it(db: Database) -> None:
    """Someone talking to the bot during a long Telegram broadcast gets answers now, not after 10,000 others,
    even if the broadcast's message to them is still queued."""
    async with db.write() as session:
        broadcast = Broadcast(text="ประกาศ", status="sending")
        session.add(broadcast)
        await session.flush()
        messages = [Queued(f"b{n}", "simulator", f"chat-{n}") for n in range(150)]
        await enqueue_many(session, messages, [Reply("ประกาศ")], broadcast_id=broadcast.id)
        await enqueue(session, channel="simulator", recipient="chat-149", replies=[Reply("ตอบ")], key="reply")
    claim = await OutboxSender(db, {"simulator": RecordingChannel()}, batch_size=100)._claim()
    assert claim.rows[0].idempotency_key == "reply"
    assert [row.idempotency_key for row in claim.rows[1:]] == [f"b{n}" for n in range(99)]


async def test_a_stopping_sender_records_what_is_on_its_way_and_hands_back_the_rest(db: Database) -> None:
    """SIGTERM on a deploy: a send cut off mid-request could reach the platform unrecorded and go again after
    the restart; and rows never started should not wait out their lease."""
    await queue(db, [(f"chat-{n}", f"ประกาศ {n}") for n in range(5)])
    channel = GatedChannel()
    sender = OutboxSender(db, {"simulator": channel}, batch_size=5, concurrency=2)
    running = asyncio.create_task(sender.run())

    async def two_on_their_way() -> bool:
        return channel.waiting == 2

    await until(two_on_their_way)
    sender.stop()
    channel.gate.set()
    await running
    assert len(channel.delivered) == 2
    assert await statuses(db) == {"sent": 2, "pending": 3}
    async with db.read() as session:
        leased = await session.scalar(select(func.count()).where(OutboxMessage.claimed_until.is_not(None)))
    assert leased == 0
    restarted = RecordingChannel()
    assert await OutboxSender(db, {"simulator": restarted}).run_once() == 3  # at once, not after the lease
    assert len(restarted.delivered) == 3


async def test_a_retry_hands_back_the_chats_later_messages_instead_of_holding_them(db: Database) -> None:
    """Regression: after a 429 the chat's later rows stayed leased for the whole lease (60 s), so they followed
    a minute late even when the retry went a second later."""
    await queue(db, [("somchai", "ข้อ 1"), ("somchai", "ข้อ 2"), ("somchai", "ข้อ 3")])

    class BusyOnce(RecordingChannel):
        busy = True

        async def deliver(self, message: OutboundMessage) -> DeliveryResult:
            if self.busy:
                self.busy = False
                return DeliveryResult(DeliveryStatus.RETRY, retry_after=0)
            return await super().deliver(message)

    channel = BusyOnce()
    sender = OutboxSender(db, {"simulator": channel})
    await sender.run_once()
    assert await statuses(db) == {"pending": 3}
    for _round in range(3):
        await sender.run_once()
    assert [reply.text for reply in channel.replies_to("somchai")] == ["ข้อ 1", "ข้อ 2", "ข้อ 3"]


class PacedGatedChannel(GatedChannel):
    """A platform with a bot-wide limit (like Telegram) whose sends are all still waiting for their turn."""

    messages_per_second = 10

    def __init__(self) -> None:
        super().__init__()
        self.name = "paced"


async def test_a_paced_channels_backlog_does_not_hold_up_another_channels_replies(db: Database) -> None:
    """Regression (bench burst): Telegram rows waiting in its throttle took every sending slot and kept the
    sender from claiming more, so LINE replies waited until their reply tokens had expired."""
    async with db.write() as session:
        for n in range(40):
            await enqueue(session, channel="paced", recipient=f"tg-{n}", replies=[Reply("ประกาศ")], key=f"p{n}")
        for n in range(30):
            await enqueue(session, channel="simulator", recipient=f"line-{n}", replies=[Reply("ตอบ")], key=f"s{n}")
    paced, other = PacedGatedChannel(), RecordingChannel()
    sender = OutboxSender(db, {"paced": paced, "simulator": other}, batch_size=10, concurrency=4, poll_seconds=0.05)
    running = asyncio.create_task(sender.run())

    async def the_others_all_sent() -> bool:
        return len(other.delivered) == 30

    await until(the_others_all_sent)
    assert paced.delivered == []  # still waiting for their turn meanwhile
    paced.gate.set()

    async def everything_sent() -> bool:
        return await statuses(db) == {"sent": 70}

    await until(everything_sent)
    sender.stop()
    await running
