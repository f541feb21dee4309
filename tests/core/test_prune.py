"""The inbox and outbox stay small and forget what people said: applied events and sent rows are blanked after
PRUNE_PAYLOADS_AFTER_HOURS and deleted after PRUNE_AFTER_DAYS; nothing else is touched."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.core.outbox import enqueue
from bot.core.prune import prune
from bot.core.types import Inbound, InboundKind, Reply
from storage.db import Database
from storage.models import InboxEvent, InboxStatus, OutboxMessage, OutboxStatus
from tests.support.cli import hpp_bot

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
OLD, RECENT = NOW - timedelta(days=8), NOW - timedelta(days=6)
YESTERDAY, TODAY = NOW - timedelta(hours=30), NOW - timedelta(hours=2)
PHONE = "0812345678"


@pytest.fixture
async def db(any_database_url: str) -> AsyncIterator[Database]:
    database = Database(any_database_url)
    yield database
    await database.close()


async def _inbox(db: Database, event_id: str, status: InboxStatus, processed_at: datetime | None) -> None:
    inbound = Inbound("line", "U1", "U1", InboundKind.TEXT, event_id, text=PHONE, display_name="สมศรี มีสุข")
    async with db.write() as session:
        session.add(
            InboxEvent(
                channel="line",
                event_id=event_id,
                chat_key="line:U1",
                payload=inbound.to_json(),
                status=status,
                attempts=1,
                received_at=processed_at or OLD,
                processed_at=processed_at,
            )
        )


async def _outbox(db: Database, key: str, status: OutboxStatus, created_at: datetime) -> None:
    async with db.write() as session:
        await enqueue(session, channel="line", recipient="U1", replies=[Reply(f"โทร {PHONE}")], key=key)
        row = await session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == key))
        assert row is not None
        row.status, row.created_at = status, created_at


async def test_only_old_applied_events_and_sent_rows_are_deleted(db: Database) -> None:
    await _inbox(db, "old-done", InboxStatus.DONE, OLD)
    await _inbox(db, "recent-done", InboxStatus.DONE, RECENT)
    await _inbox(db, "old-failed", InboxStatus.FAILED, OLD)
    await _inbox(db, "old-pending", InboxStatus.PENDING, None)
    await _outbox(db, "old-sent", OutboxStatus.SENT, OLD)
    await _outbox(db, "old-skipped", OutboxStatus.SKIPPED, OLD)
    await _outbox(db, "recent-sent", OutboxStatus.SENT, RECENT)
    await _outbox(db, "old-failed", OutboxStatus.FAILED, OLD)
    await _outbox(db, "old-pending", OutboxStatus.PENDING, OLD)

    report = await prune(db, NOW, days=7)

    assert (report.inbox, report.outbox, report.inbox_blanked, report.outbox_blanked) == (1, 2, 1, 1)
    async with db.read() as session:
        inbox = set((await session.scalars(select(InboxEvent.event_id))).all())
        outbox = set((await session.scalars(select(OutboxMessage.idempotency_key))).all())
    assert inbox == {"recent-done", "old-failed", "old-pending"}
    assert outbox == {"recent-sent", "old-failed", "old-pending"}


async def test_what_people_said_is_blanked_after_a_day_while_the_rows_stay_the_week(db: Database) -> None:
    """Issue 16: inbox and outbox rows kept every text, display name and complaint card (with phone numbers)
    until they were deleted; now only what the rows are still good for stays past a day."""
    await _inbox(db, "yesterday", InboxStatus.DONE, YESTERDAY)
    await _inbox(db, "today", InboxStatus.DONE, TODAY)
    await _inbox(db, "failed yesterday", InboxStatus.FAILED, YESTERDAY)  # for `hpp-bot inbox retry`
    await _outbox(db, "yesterday", OutboxStatus.SENT, YESTERDAY)
    await _outbox(db, "today", OutboxStatus.SENT, TODAY)
    await _outbox(db, "pending since yesterday", OutboxStatus.PENDING, YESTERDAY)

    report = await prune(db, NOW, days=7, payload_hours=24)

    assert (report.inbox, report.outbox, report.inbox_blanked, report.outbox_blanked) == (0, 0, 1, 1)
    async with db.read() as session:
        inbox = {row.event_id: row for row in await session.scalars(select(InboxEvent))}
        outbox = {row.idempotency_key: row for row in await session.scalars(select(OutboxMessage))}
    assert inbox["yesterday"].payload == {} and inbox["yesterday"].status == InboxStatus.DONE
    assert outbox["yesterday"].payload == [] and outbox["yesterday"].status == OutboxStatus.SENT  # without words
    assert PHONE in str(inbox["today"].payload) and PHONE in str(inbox["failed yesterday"].payload)
    assert PHONE in str(outbox["today"].payload) and PHONE in str(outbox["pending since yesterday"].payload)
    assert (await prune(db, NOW, days=7, payload_hours=24)).outbox_blanked == 0  # a blank row is not rewritten


async def test_a_large_backlog_is_deleted_in_chunks(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.core.prune.CHUNK", 3)
    for number in range(7):
        await _inbox(db, f"done-{number}", InboxStatus.DONE, OLD)

    assert (await prune(db, NOW, days=7)).inbox == 7
    async with db.read() as session:
        assert (await session.scalars(select(InboxEvent.id))).all() == []


def test_hpp_bot_db_prune_deletes_what_is_older_than_the_days_given(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    async def old_rows() -> None:
        db = Database(sqlite_url)
        try:
            ten_days_ago = datetime.now(UTC) - timedelta(days=10)
            await _inbox(db, "ten-days-old", InboxStatus.DONE, ten_days_ago)
            await _outbox(db, "ten-days-old", OutboxStatus.SENT, ten_days_ago)
        finally:
            await db.close()

    asyncio.run(old_rows())
    assert hpp_bot(sqlite_url, "db", "prune", "--days", "30") == 0
    assert (
        "0 applied inbox events and 0 sent or skipped outbox rows deleted; the contents of 1 inbox events and 1 "
        "outbox rows blanked (rows older than 30 days, contents older than 24 hours)"
    ) in capsys.readouterr().out
    assert hpp_bot(sqlite_url, "db", "prune", "--days", "7") == 0
    assert (
        "1 applied inbox events and 1 sent or skipped outbox rows deleted; the contents of 0 inbox events and 0 "
        "outbox rows blanked (rows older than 7 days, contents older than 24 hours)"
    ) in capsys.readouterr().out
