"""Storing what the platforms send, before it is acknowledged.

Every event is stored once (unique on channel + event id) and the webhook answers only once it is committed. The
events of webhooks that arrive while a store is under way wait for it and are stored together in the next one: one
multi-row INSERT, one commit. Under a burst of 200 events a second each webhook's own insert, session and commit
had been a quarter of the event loop's work (py-spy, docs/scaling.md), and the acks waited behind one another.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import Insert, text

from bot.core.types import Inbound
from storage.db import Database, insert_ignore_on, table_of
from storage.models import InboxEvent, InboxStatus

log = logging.getLogger(__name__)
T = TypeVar("T")
EventKey = tuple[str, str]  # (channel, event id)


def chat_key(inbound: Inbound) -> str:
    return f"{inbound.channel}:{inbound.user}"


def valid_unicode(value: T) -> T:
    """The value with every string made valid Unicode (a lone surrogate becomes "?"): a platform may send what
    no database and no platform takes back, and one such event must not break the webhook's whole batch."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")  # type: ignore[return-value]
    if isinstance(value, dict):
        return {valid_unicode(k): valid_unicode(v) for k, v in value.items()}  # type: ignore[return-value]
    if isinstance(value, list):
        return [valid_unicode(item) for item in value]  # type: ignore[return-value]
    return value


@cache
def _insert_new(dialect: str) -> Insert:
    """INSERT … ON CONFLICT DO NOTHING RETURNING the keys of the rows that were new; built once."""
    inbox = table_of(InboxEvent)
    return insert_ignore_on(dialect, InboxEvent, "channel", "event_id").returning(inbox.c.channel, inbox.c.event_id)


def _row(inbound: Inbound) -> dict[str, Any]:
    received = inbound.received_at or datetime.now(UTC)
    return {
        "channel": inbound.channel,
        "event_id": inbound.event_id,
        "chat_key": valid_unicode(chat_key(inbound)),
        "payload": valid_unicode(replace(inbound, received_at=received).to_json()),
        "status": InboxStatus.PENDING,
        "attempts": 0,
    }


async def insert_new(db: Database, inbounds: Sequence[Inbound]) -> Counter[EventKey]:
    """Store events in arrival order, in one write; returns the keys of those that were new (a redelivered event
    id is ignored), each counted once however often it came."""
    if not inbounds:
        return Counter()
    async with db.write(urgent=True) as session:
        dialect = session.get_bind().dialect.name
        result = await session.execute(_insert_new(dialect), [_row(inbound) for inbound in inbounds])
        new = Counter((channel, event_id) for channel, event_id in result.all())
        if new and dialect == "postgresql":  # wakes the worker processes at the commit (bot/core/seats.py)
            await session.execute(NOTIFY_INBOX)
        return new


INBOX_CHANNEL = "hpp_inbox"  # PostgreSQL's LISTEN/NOTIFY channel: new events are in the inbox
NOTIFY_INBOX = text(f"NOTIFY {INBOX_CHANNEL}")


def take_new(new: Counter[EventKey], inbounds: Sequence[Inbound]) -> int:
    """How many of `inbounds` were new, taking each from `new` (an event sent twice is new once)."""
    count = 0
    for inbound in inbounds:
        key = (inbound.channel, inbound.event_id)
        if new[key] > 0:
            new[key] -= 1
            count += 1
    return count


async def store_inbound(db: Database, inbounds: Sequence[Inbound], wakeup: asyncio.Event | None = None) -> int:
    """Store events in arrival order; a redelivered event id is ignored. Returns how many were new."""
    stored = take_new(await insert_new(db, inbounds), inbounds)
    if stored and wakeup is not None:
        wakeup.set()
    return stored


class InboxWriter:
    """Where webhooks and polling put what they receive: stored, then the worker is woken. Events handed in while
    a store is under way go together in the next (see the module's doc)."""

    def __init__(self, db: Database, wakeup: asyncio.Event | None = None) -> None:
        self.db = db
        self.wakeup = wakeup
        self._waiting: list[tuple[Sequence[Inbound], asyncio.Future[int]]] = []
        self._storing: asyncio.Task[None] | None = None
        self.stores = 0  # with `received`, for the benchmarks: events per store
        self.received = 0

    async def receive(self, inbounds: Sequence[Inbound]) -> int:
        """Store events in arrival order; returns how many were new (a redelivery is ignored) once they are
        committed. A caller that gives up waiting does not take its events back: they are stored all the same."""
        if not inbounds:
            return 0
        stored = asyncio.get_running_loop().create_future()
        self._waiting.append((inbounds, stored))
        if self._storing is None:
            self._storing = asyncio.create_task(self._store_waiting(), name="inbox-store")
        return await stored

    async def _store_waiting(self) -> None:
        try:
            while self._waiting:
                taken, self._waiting = self._waiting, []
                await self._store(taken)
        finally:
            self._storing = None

    async def _store(self, taken: list[tuple[Sequence[Inbound], asyncio.Future[int]]]) -> None:
        everything = [inbound for inbounds, _answer in taken for inbound in inbounds]
        try:
            new = await insert_new(self.db, everything)
        except Exception as error:
            if len(taken) > 1:  # one webhook's events the database refuses must not fail the others': apart
                for one in taken:
                    await self._store([one])
                return
            _answer_all(taken, error)
            return
        self.stores += 1
        self.received += len(everything)
        if self.wakeup is not None and new.total() > 0:
            self.wakeup.set()
        for inbounds, answer in taken:
            if not answer.done():  # its webhook may have given up waiting
                answer.set_result(take_new(new, inbounds))


def _answer_all(taken: list[tuple[Sequence[Inbound], asyncio.Future[int]]], error: Exception) -> None:
    for _inbounds, answer in taken:
        if not answer.done():
            answer.set_exception(error)
