"""Issue 16: SQLite's WAL is checkpointed and its file cut back, by the job that watches its size and by the
daily pruning, so a burst does not leave a WAL file as large as the burst behind."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from bot.core.prune import prune
from bot.jobs import wal
from storage.db import Database

FILLER_ROWS = 2500  # 4 KB each: a WAL of about 10 MB


async def burst(db: Database, rows: int = FILLER_ROWS) -> None:
    """Write about 10 MB while a reader holds an old snapshot, so no automatic checkpoint can finish."""
    async with db.write() as session:
        await session.execute(text("CREATE TABLE filler (blob BLOB)"))
    async with db.read_engine.connect() as reader:
        await reader.execute(text("SELECT count(*) FROM people"))  # its transaction: a snapshot held
        for _ in range(rows // 250):
            async with db.write() as session:
                await session.execute(text("INSERT INTO filler SELECT randomblob(4096) FROM people LIMIT 1"))
                for _ in range(8):
                    await session.execute(text("INSERT INTO filler SELECT randomblob(4096) FROM filler LIMIT 31"))
        await reader.rollback()


@pytest.fixture
async def db(sqlite_url: str) -> Database:
    database = Database(sqlite_url)
    yield database  # type: ignore[misc]
    await database.close()


async def test_a_burst_leaves_a_large_wal_that_a_checkpoint_truncates(db: Database) -> None:
    await burst(db)
    assert db.wal_bytes() > wal.WAL_CHECKPOINT_BYTES  # what the job is for
    await db.checkpoint()
    assert db.wal_bytes() == 0
    async with db.read() as session:  # nothing was lost on the way
        assert await session.scalar(text("SELECT count(*) FROM filler")) > 0


async def test_the_job_truncates_the_wal_once_it_passes_its_bound(db: Database) -> None:
    await burst(db)
    stop = asyncio.Event()
    job = asyncio.create_task(wal.run_wal_checkpoints(db, stop, seconds=0.05))
    try:
        for _ in range(100):
            if db.wal_bytes() == 0:
                break
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await job
    assert db.wal_bytes() == 0


async def test_the_job_leaves_a_small_wal_alone(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    async with db.write() as session:
        await session.execute(text("CREATE TABLE filler (blob BLOB)"))
    small = db.wal_bytes()
    assert 0 < small < wal.WAL_CHECKPOINT_BYTES
    checkpoints: list[None] = []
    monkeypatch.setattr(db, "checkpoint", lambda: checkpoints.append(None))
    stop = asyncio.Event()
    job = asyncio.create_task(wal.run_wal_checkpoints(db, stop, seconds=0.01))
    await asyncio.sleep(0.1)
    stop.set()
    await job
    assert checkpoints == [] and db.wal_bytes() == small


async def test_the_daily_pruning_checkpoints_the_wal(db: Database) -> None:
    await burst(db)
    await prune(db, datetime.now(UTC), days=7)
    assert db.wal_bytes() == 0
