"""Broadcasts: recipients become outbox rows once (LINE in multicast batches of at most 500), unreachable people
are skipped and counted, and a worker that dies mid-way resumes without sending anything twice."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event, func, insert, select

from bot.core.outbox import OutboxSender
from bot.core.types import DeliveryResult, DeliveryStatus, OutboundMessage
from bot.domain import broadcasts as broadcast_module
from bot.domain.broadcasts import (
    StatusChat,
    Target,
    broadcast_report,
    broadcast_round,
    convert_batch,
    count_audience,
    create_broadcast,
    start_due,
)
from storage.db import Database
from storage.models import Broadcast, BroadcastRecipient, OutboxMessage, Person
from tests.secretariat.support import add_person, grant_province_news, province_id
from tests.support.chat import RecordingChannel

PROVINCE = "แพร่"  # no seeded people live there


@pytest.fixture
async def db(any_database_url: str):  # type: ignore[no-untyped-def]
    database = Database(any_database_url)
    yield database
    await database.close()


async def add_citizens(db: Database, channel: str, count: int, *, reachable: bool = True) -> None:
    pid = await province_id(db, PROVINCE)
    tag = "r" if reachable else "u"
    rows = [
        {
            "channel": channel,
            "platform_user_id": f"{channel}-{tag}{i}",
            "chat_id": f"{channel}-{tag}{i}",
            "role": "citizen",
            "province_id": pid,
            "locale": "th",
            "is_reachable": reachable,
        }
        for i in range(count)
    ]
    async with db.write() as session:
        await session.execute(insert(Person), rows)
        await grant_province_news(session, [str(row["platform_user_id"]) for row in rows])


async def new_broadcast(db: Database, status_chat: StatusChat | None = None) -> int:
    async with db.write() as session:
        target = Target(role="citizen", province_id=await province_id(db, PROVINCE))
        broadcast = await create_broadcast(session, text="ประกาศทดสอบ", target=target, status_chat=status_chat)
    return broadcast.id


async def rows_of(db: Database, broadcast_id: int) -> list[OutboxMessage]:
    async with db.read() as session:
        query = select(OutboxMessage).where(OutboxMessage.broadcast_id == broadcast_id).order_by(OutboxMessage.id)
        return list((await session.scalars(query)).all())


def delivered_to(rows: list[OutboxMessage]) -> Counter[str]:
    """How many outbox rows carry each recipient (a multicast row carries many)."""
    counts: Counter[str] = Counter()
    for row in rows:
        counts.update(row.recipients or [row.recipient])
    return counts


async def test_line_recipients_go_in_multicast_batches_of_at_most_500(db: Database) -> None:
    await add_citizens(db, "line", 1203)
    await add_citizens(db, "telegram", 7)
    await add_citizens(db, "line", 4, reachable=False)
    async with db.read() as session:
        audience = await count_audience(session, Target(role="citizen", province_id=await province_id(db, PROVINCE)))
    assert (audience.total, audience.unreachable) == (1214, 4)
    broadcast_id = await new_broadcast(db)

    await broadcast_round(db)

    rows = await rows_of(db, broadcast_id)
    line_rows = [r for r in rows if r.channel == "line"]
    assert [len(r.recipients or []) for r in line_rows] == [500, 500, 203]
    assert [r.idempotency_key for r in line_rows] == [f"broadcast:{broadcast_id}:line:{n}" for n in (1, 2, 3)]
    telegram = [r for r in rows if r.channel == "telegram"]
    assert len(telegram) == 7 and all(r.recipients is None for r in telegram)
    assert telegram[0].idempotency_key.startswith(f"broadcast:{broadcast_id}:person:")
    counts = delivered_to(rows)
    assert len(counts) == 1210 and set(counts.values()) == {1}
    assert not any(user.startswith("line-u") for user in counts)  # unreachable people are not sent to
    async with db.read() as session:
        report = await broadcast_report(session, broadcast_id)
    assert (report.total, report.skipped, report.sent, report.pending) == (1214, 4, 0, 1210)


async def test_a_chunk_of_recipients_is_queued_in_a_few_statements(db: Database) -> None:
    """Regression (issue 6 bench): two statements per recipient held SQLite's only write lock for ~46 s on
    10,000 recipients, and the messages already sent waited that long to be recorded."""
    await add_citizens(db, "telegram", 450)
    broadcast_id = await new_broadcast(db)
    await start_due(db, datetime.now(UTC))
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    try:
        assert await convert_batch(db, broadcast_id) == 450
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", count)
    assert len(statements) <= 10, statements
    rows = await rows_of(db, broadcast_id)
    assert len(rows) == 450 and {row.status for row in rows} == {"pending"}
    async with db.read() as session:
        report = await broadcast_report(session, broadcast_id)
    assert (report.total, report.pending) == (450, 450)
    async with db.read() as session:
        queued = await session.scalar(
            select(func.count())
            .select_from(BroadcastRecipient)
            .where(BroadcastRecipient.status == "queued", BroadcastRecipient.outbox_id.is_not(None))
        )
    assert queued == 450


async def test_a_crash_mid_broadcast_resumes_without_duplicates(any_database_url: str) -> None:
    first = Database(any_database_url)
    await add_citizens(first, "line", 1100)
    await add_citizens(first, "telegram", 450)
    broadcast_id = await new_broadcast(first)
    await start_due(first, datetime.now(UTC))
    assert await convert_batch(first, broadcast_id) == 500  # one LINE batch made it
    assert await convert_batch(first, broadcast_id) == 500  # the second LINE batch
    assert await convert_batch(first, broadcast_id) == 100  # the last LINE batch

    # The Telegram chunk dies half-way through its transaction, its outbox rows written: nothing of it may stay.
    real_enqueue_many = broadcast_module.outbox.enqueue_many

    async def dying_enqueue_many(*args: Any, **kwargs: Any) -> dict[str, int]:
        await real_enqueue_many(*args, **kwargs)
        raise ConnectionError("worker killed")

    broadcast_module.outbox.enqueue_many = dying_enqueue_many
    try:
        with pytest.raises(ConnectionError):
            await convert_batch(first, broadcast_id)
    finally:
        broadcast_module.outbox.enqueue_many = real_enqueue_many
    async with first.read() as session:
        assert (await broadcast_report(session, broadcast_id)).pending == 1550
    assert len([r for r in await rows_of(first, broadcast_id) if r.channel == "telegram"]) == 0
    await first.close()

    second, third = Database(any_database_url), Database(any_database_url)  # a fresh worker, and a rival one
    try:
        await asyncio.gather(broadcast_round(second), broadcast_round(third))
        rows = await rows_of(second, broadcast_id)
    finally:
        await second.close()
        await third.close()
    counts = delivered_to(rows)
    assert len(counts) == 1550 and set(counts.values()) == {1}
    assert sorted(len(r.recipients or []) for r in rows if r.channel == "line") == [100, 500, 500]


async def test_the_composer_hears_the_start_and_the_final_report(settings, db: Database) -> None:  # type: ignore[no-untyped-def]
    await add_citizens(db, "line", 3)
    await add_citizens(db, "telegram", 2)
    await add_citizens(db, "telegram", 1, reachable=False)
    composer = await add_person(db, "secretariat", PROVINCE, locale="en", user="composer")
    broadcast_id = await new_broadcast(db, StatusChat.of(composer))

    class Blocked(RecordingChannel):
        async def deliver(self, message: OutboundMessage) -> DeliveryResult:
            if message.recipient == "telegram-r1":
                return DeliveryResult(DeliveryStatus.UNREACHABLE)
            return await super().deliver(message)

    simulator, line, telegram = RecordingChannel("simulator"), RecordingChannel("line"), Blocked("telegram")
    sender = OutboxSender(db, {"simulator": simulator, "line": line, "telegram": telegram})
    await broadcast_round(db)
    while await sender.run_once():
        pass
    await broadcast_round(db)
    while await sender.run_once():
        pass

    async with db.read() as session:
        saved = await session.get(Broadcast, broadcast_id)
    assert saved is not None and saved.status == "done"
    assert (saved.total, saved.sent, saved.failed, saved.skipped) == (6, 4, 1, 1)
    texts = [reply.text for reply in simulator.replies_to("composer")]
    assert texts == [
        f"Broadcast #{broadcast_id} is on its way to 6 people.",
        f"Broadcast #{broadcast_id} finished: 4 sent, 1 failed, 1 skipped (unreachable).",
    ]
    assert len(line.delivered) == 1 and len(line.delivered[0].recipients) == 3


async def test_the_composer_of_a_large_broadcast_hears_how_far_it_is(settings, db: Database) -> None:  # type: ignore[no-untyped-def]
    await add_citizens(db, "simulator", 200)
    composer = await add_person(db, "secretariat", PROVINCE, locale="th", user="composer")
    broadcast_id = await new_broadcast(db, StatusChat.of(composer))
    channel = RecordingChannel("simulator")
    await broadcast_round(db)
    assert await OutboxSender(db, {"simulator": channel}, batch_size=121).run_once() == 121  # the start, 120 people
    await broadcast_round(db)
    await broadcast_round(db)  # a second look tells nothing new
    while await OutboxSender(db, {"simulator": channel}).run_once():
        await broadcast_round(db)
    assert [reply.text for reply in channel.replies_to("composer")] == [
        f"กำลังส่งประกาศ #{broadcast_id} ถึงผู้รับ 200 ราย",
        f"ประกาศ #{broadcast_id}: ดำเนินการแล้ว 120 จาก 200 ราย (สำเร็จ 120 ราย ไม่สำเร็จ 0 ราย ข้าม 0 ราย)",
        f"ประกาศ #{broadcast_id} ส่งเสร็จแล้ว: สำเร็จ 200 ราย ไม่สำเร็จ 0 ราย ข้าม 0 ราย (ติดต่อไม่ได้)",
    ]
