"""Keeping SQLite's write-ahead log small.

SQLite copies the WAL back into the database at commits once it passes ~4 MB (`wal_autocheckpoint`), but such a
checkpoint cannot finish while a reader still uses an older snapshot, and the serving process reads all the time
(the sender's claims, the inbox worker, the pages). The WAL then grows with the burst, and its file keeps that
size. This loop checks the file's size every WAL_CHECK_SECONDS and, past WAL_CHECKPOINT_BYTES, checkpoints and
truncates it between two of the writer's groups (`Database.checkpoint`). The daily pruning does it too.
"""

from __future__ import annotations

import asyncio

from bot.jobs import every
from storage.db import Database

WAL_CHECK_SECONDS = 10.0
WAL_CHECKPOINT_BYTES = 8 * 2**20


async def run_wal_checkpoints(db: Database, stop: asyncio.Event, seconds: float = WAL_CHECK_SECONDS) -> None:
    async def tick() -> bool:
        if db.wal_bytes() > WAL_CHECKPOINT_BYTES:
            await db.checkpoint()
        return False  # nothing queued for the sender

    await every(seconds, "wal-checkpoint", tick, lambda: None, stop)
