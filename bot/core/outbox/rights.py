"""Which channels this process may send on. A channel whose platform limits the whole bot (Telegram: about 30
messages a second) declares `messages_per_second`; such a channel is sent by one process at a time, so that the
limit kept in that process's throttle is the bot's. On PostgreSQL that process holds an advisory lock, one per
channel, on a connection of its own; when it dies the lock goes with its connection and another sender takes it
within RETRY_SECONDS. SQLite runs as one process: it holds every channel.
"""

from __future__ import annotations

import hashlib
import logging
import time

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.types import Channel
from storage.db import Database

log = logging.getLogger(__name__)

RETRY_SECONDS = 5.0


def pace_of(channel: Channel) -> float | None:
    """The channel's bot-wide limit in messages a second, if it has one."""
    pace = getattr(channel, "messages_per_second", None)
    return float(pace) if pace else None


def lock_key(channel: str) -> int:
    """A stable 64-bit advisory lock key for one channel's sender."""
    digest = hashlib.sha256(f"hpp-bot outbox sender {channel}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class SendingRights:
    def __init__(self, db: Database, channels: dict[str, Channel]) -> None:
        self.db = db
        self.exclusive = {name for name, channel in channels.items() if pace_of(channel)}
        self.shared = set(channels) - self.exclusive
        self._held: set[str] = set()
        self._connection: AsyncConnection | None = None
        self._next_try = 0.0

    async def channels(self) -> set[str]:
        """The channels this process may send on now (it tries for the exclusive ones it lacks every few s)."""
        if self.db.is_sqlite:
            return self.shared | self.exclusive
        if self._held != self.exclusive and time.monotonic() >= self._next_try:
            self._next_try = time.monotonic() + RETRY_SECONDS
            await self._try_to_take(self.exclusive - self._held)
        return self.shared | self._held

    async def _try_to_take(self, channels: set[str]) -> None:
        try:
            if self._connection is None:
                self._connection = await self.db.engine.connect()
            for channel in sorted(channels):
                taken = await self._connection.scalar(
                    text("SELECT pg_try_advisory_lock(:key)"), {"key": lock_key(channel)}
                )
                await self._connection.commit()  # the session's lock outlives the transaction
                if taken:
                    self._held.add(channel)
                    log.info("outbox sender: this process now sends on %s", channel)
        except Exception as exc:  # the connection broke: whatever it held is gone with it
            log.warning("outbox sender: could not take the %s sender's lock: %s", ", ".join(sorted(channels)), exc)
            await self._drop()

    async def _drop(self) -> None:
        """Release the locks. The connection goes back to a pool, which would keep a session's advisory locks:
        they are released first, and a connection that cannot do that is thrown away (its locks go with it)."""
        self._held.clear()
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            await connection.execute(text("SELECT pg_advisory_unlock_all()"))
            await connection.commit()
            await connection.close()
        except Exception:  # broken: the server ends its session, and the locks with it
            log.debug("releasing the sender's locks failed; dropping the connection", exc_info=True)
            await connection.invalidate()

    async def close(self) -> None:
        """Give the channels up (closing the connection releases its advisory locks)."""
        await self._drop()
