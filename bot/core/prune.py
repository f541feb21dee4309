"""Keeping the hot tables small: applied inbox events and sent or skipped outbox rows are deleted once they are
older than a number of days (PRUNE_AFTER_DAYS). The inbox and outbox are queues, not archives; what happened to
a complaint is in its history. Deleted in chunks, each its own short write, so the writer is never held long."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, select

from storage.db import Database
from storage.models import InboxEvent, InboxStatus, OutboxMessage, OutboxStatus

CHUNK = 2000


@dataclass
class PruneReport:
    inbox: int = 0
    outbox: int = 0

    def __str__(self) -> str:
        return f"{self.inbox} applied inbox events and {self.outbox} sent or skipped outbox rows deleted"


async def prune(db: Database, now: datetime, days: int) -> PruneReport:
    cutoff = now - timedelta(days=days)
    report = PruneReport()
    report.inbox = await _delete_in_chunks(
        db, InboxEvent, InboxEvent.status == InboxStatus.DONE, InboxEvent.processed_at < cutoff
    )
    report.outbox = await _delete_in_chunks(
        db,
        OutboxMessage,
        OutboxMessage.status.in_((OutboxStatus.SENT, OutboxStatus.SKIPPED)),
        OutboxMessage.created_at < cutoff,
    )
    return report


async def _delete_in_chunks(
    db: Database, model: type[InboxEvent] | type[OutboxMessage], *where: ColumnElement[bool]
) -> int:
    key = model.id
    deleted = 0
    while True:
        async with db.read() as session:
            ids = list((await session.scalars(select(key).where(*where).order_by(key).limit(CHUNK))).all())
        if not ids:
            return deleted
        async with db.write() as session:
            await session.execute(delete(model).where(key.in_(ids), *where))
        deleted += len(ids)
