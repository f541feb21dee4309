"""Which chats' events this worker process applies. On PostgreSQL several worker processes may run: each holds a
seat (a session advisory lock on a connection of its own) and applies the chats whose key hashes to its rank among
the seats held, so that two workers do not read, prepare and try to claim the same events (measured with two:
each tried every event and won half of its claims). When a worker dies its lock goes with its connection, and the
others see it within REFRESH_SECONDS and share its chats out. A worker with nothing of its own to do takes the
chats whose next event has waited STEAL_SECONDS, so a stuck worker holds no chat up for long, while busy workers
never overlap. Either way an event is applied exactly once: that is the claim's doing (bot/core/engine.py), not
the seats'. SQLite runs one worker: it applies every chat.

The seat's connection also listens for the web processes' NOTIFY of new events (bot/core/receive.py), so an idle
worker starts on them at once instead of at its next poll (up to INBOX_POLL_SECONDS, half a second, later).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.receive import INBOX_CHANNEL
from storage.db import Database

log = logging.getLogger(__name__)

SEATS = 64  # a worker that finds every seat taken has no share: it reads every chat (the claim still holds)
REFRESH_SECONDS = 0.5
STEAL_SECONDS = 10.0
LOCK_CLASS = int.from_bytes(hashlib.sha256(b"hpp-bot inbox worker seats").digest()[:4], "big") & 0x7FFFFFFF

# The seats held now, in this database: two-key advisory locks show their keys as (classid, objid), objsubid 2.
SEATS_HELD = text(
    "SELECT objid::int FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2"
    " AND classid = CAST(:lock_class AS int)::oid"
    " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    " ORDER BY 1"
)


@dataclass(frozen=True)
class Share:
    """The chats whose key hashes to `rank` modulo `of`."""

    rank: int
    of: int


class WorkerSeats:
    def __init__(self, db: Database, on_new_events: Callable[[], None] | None = None) -> None:
        self.db = db
        self.on_new_events = on_new_events
        self.seat: int | None = None
        self._share: Share | None = None
        self._connection: AsyncConnection | None = None
        self._next_look = 0.0

    async def share(self) -> Share | None:
        """This worker's share of the chats; None: all of them (SQLite, a single worker, or no seat to be had)."""
        if self.db.is_sqlite:
            return None
        if time.monotonic() >= self._next_look:
            self._next_look = time.monotonic() + REFRESH_SECONDS
            self._share = await self._look()
        return self._share

    async def _look(self) -> Share | None:
        try:
            if self._connection is None:
                self._connection = await self.db.engine.connect()
                await self._listen(self._connection)
            if self.seat is None:
                self.seat = await self._take_a_seat(self._connection)
            held = list((await self._connection.scalars(SEATS_HELD, {"lock_class": LOCK_CLASS})).all())
            await self._connection.commit()
        except Exception as exc:  # the connection broke: the seat went with it
            log.warning("inbox worker: could not see the other workers (applying every chat): %s", exc)
            await self.close()
            return None
        if self.seat not in held or len(held) < 2:
            return None
        return Share(held.index(self.seat), len(held))

    async def _listen(self, connection: AsyncConnection) -> None:
        if self.on_new_events is None:
            return
        wake = self.on_new_events

        def heard(*_notification: Any) -> None:
            wake()

        raw = await connection.get_raw_connection()
        await raw.driver_connection.add_listener(INBOX_CHANNEL, heard)  # type: ignore[union-attr]

    async def _take_a_seat(self, connection: AsyncConnection) -> int | None:
        for seat in range(SEATS):
            taken = await connection.scalar(
                text("SELECT pg_try_advisory_lock(CAST(:lock_class AS int), CAST(:seat AS int))"),
                {"lock_class": LOCK_CLASS, "seat": seat},
            )
            await connection.commit()  # the session's lock outlives the transaction
            if taken:
                log.info("inbox worker: seat %d", seat)
                return seat
        return None

    async def close(self) -> None:
        """Give the seat up: its lock is released with the session (the connection is closed, not pooled)."""
        self.seat, self._share = None, None
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            await connection.invalidate()  # not back to the pool, where the session and its lock would live on
        except Exception:
            log.debug("dropping the seat's connection failed", exc_info=True)
