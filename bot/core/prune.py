"""Keeping the hot tables small and free of what people said: the inbox and outbox are queues, not archives;
what happened to a complaint is in its history.

Two clocks. After PRUNE_PAYLOADS_AFTER_HOURS (24) the contents of applied inbox events (texts, display names,
places) and of delivered outbox messages (complaint cards with phone numbers, a LINE reply token) are blanked;
the rows stay until PRUNE_AFTER_DAYS (7) for what they are still good for, without the contents: an event id
that LINE or Telegram delivers again is still recognised, an outbox key still keeps a message from being queued
twice, and an operator can still see what went out when, and with what outcome. Then the rows are deleted.
Failed rows are left whole: they are what `hpp-bot inbox` shows an operator and may queue again.

Work is done in chunks, each its own short write, so the writer is never held long. On SQLite the WAL is
checkpointed and truncated at the end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, String, cast, delete, select, update

from storage.db import Database
from storage.models import InboxEvent, InboxStatus, OutboxMessage, OutboxStatus

CHUNK = 2000
PAYLOADS_AFTER_HOURS = 24
DELIVERED = (OutboxStatus.SENT, OutboxStatus.SKIPPED)

Queue = type[InboxEvent] | type[OutboxMessage]


@dataclass
class PruneReport:
    inbox: int = 0
    outbox: int = 0
    inbox_blanked: int = 0
    outbox_blanked: int = 0

    def __str__(self) -> str:
        return (
            f"{self.inbox} applied inbox events and {self.outbox} sent or skipped outbox rows deleted; "
            f"the contents of {self.inbox_blanked} inbox events and {self.outbox_blanked} outbox rows blanked"
        )


async def prune(db: Database, now: datetime, days: int, payload_hours: int = PAYLOADS_AFTER_HOURS) -> PruneReport:
    rows_cutoff, payloads_cutoff = now - timedelta(days=days), now - timedelta(hours=payload_hours)
    applied, delivered = InboxEvent.status == InboxStatus.DONE, OutboxMessage.status.in_(DELIVERED)
    report = PruneReport()
    report.inbox = await _delete_in_chunks(db, InboxEvent, applied, InboxEvent.processed_at < rows_cutoff)
    report.outbox = await _delete_in_chunks(db, OutboxMessage, delivered, OutboxMessage.created_at < rows_cutoff)
    # The blank forms are the ones erasure writes too ({} and []); compared as text, which both databases can.
    report.inbox_blanked = await _blank_in_chunks(
        db,
        InboxEvent,
        {"payload": {}},
        applied,
        InboxEvent.processed_at < payloads_cutoff,
        cast(InboxEvent.payload, String) != "{}",
    )
    report.outbox_blanked = await _blank_in_chunks(
        db,
        OutboxMessage,
        {"payload": [], "reply_token": None},
        delivered,
        OutboxMessage.created_at < payloads_cutoff,
        cast(OutboxMessage.payload, String) != "[]",
    )
    await db.checkpoint()  # on SQLite all of it went through the WAL: copy it back and cut the file down
    return report


async def _chunk(db: Database, model: Queue, where: tuple[ColumnElement[bool], ...]) -> list[int]:
    async with db.read() as session:
        return list((await session.scalars(select(model.id).where(*where).order_by(model.id).limit(CHUNK))).all())


async def _delete_in_chunks(db: Database, model: Queue, *where: ColumnElement[bool]) -> int:
    deleted = 0
    while ids := await _chunk(db, model, where):
        async with db.write() as session:
            await session.execute(delete(model).where(model.id.in_(ids), *where))
        deleted += len(ids)
    return deleted


async def _blank_in_chunks(db: Database, model: Queue, blank: dict[str, Any], *where: ColumnElement[bool]) -> int:
    blanked = 0
    while ids := await _chunk(db, model, where):
        statement = update(model).where(model.id.in_(ids), *where).values(blank)
        async with db.write() as session:
            await session.execute(statement.execution_options(synchronize_session=False))
        blanked += len(ids)
    return blanked
