"""Issue 11: a worker process killed (SIGKILL) in the middle of applying a batch of turns loses nothing and does
nothing twice: every event is applied once and every reply is queued once, after a restart."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from bot.core.receive import store_inbound
from bot.core.types import Inbound, InboundKind
from storage.db import Database
from storage.models import Conversation, InboxEvent, InboxStatus, OutboxMessage

ROOT = Path(__file__).resolve().parents[2]
EVENTS = 600


def first_contacts(count: int) -> list[Inbound]:
    now = datetime.now(UTC)
    return [
        Inbound(
            channel="simulator",
            user=f"crash-{n}",
            chat=f"crash-{n}",
            kind=InboundKind.TEXT,
            event_id=f"crash-{n}",
            text="เมนู",
            locale="th",
            received_at=now,
        )
        for n in range(count)
    ]


def start_worker(database_url: str, folder: Path) -> subprocess.Popen[bytes]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
        "SCHEDULER_TICK_SECONDS": "3600",
    }
    return subprocess.Popen([sys.executable, "-m", "bot.cli", "worker"], cwd=folder, env=env, stdout=subprocess.DEVNULL)


async def applied(db: Database) -> int:
    async with db.read() as session:
        count = await session.scalar(
            select(func.count()).select_from(InboxEvent).where(InboxEvent.status == InboxStatus.DONE)
        )
    return int(count or 0)


async def until(db: Database, condition: object, within: float) -> int:
    """Poll the inbox until `condition(applied)` holds (the worker is another process)."""
    done = 0
    for _tick in range(int(within / 0.02)):
        done = await applied(db)
        if condition(done):  # type: ignore[operator]
            return done
        await asyncio.sleep(0.02)
    return done


async def test_a_worker_killed_mid_batch_applies_every_event_once_after_a_restart(
    any_database_url: str, tmp_path: Path
) -> None:
    db = Database(any_database_url)
    try:
        await store_inbound(db, first_contacts(EVENTS))
        worker = start_worker(any_database_url, tmp_path)
        try:
            before_kill = await until(db, lambda done: done >= EVENTS // 4, within=60)
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait()
        assert 0 < before_kill < EVENTS  # killed half-way through the backlog, most likely inside a batch

        restarted = start_worker(any_database_url, tmp_path)
        try:
            assert await until(db, lambda done: done == EVENTS, within=60) == EVENTS
        finally:
            restarted.send_signal(signal.SIGTERM)
            restarted.wait(timeout=30)

        async with db.read() as session:
            attempts = (await session.scalars(select(InboxEvent.attempts))).all()
            keys = (await session.scalars(select(OutboxMessage.idempotency_key))).all()
            versions = (await session.scalars(select(Conversation.version))).all()
        assert set(attempts) == {1}  # a rolled-back batch left no trace of its claim
        replies = [key for key in keys if key.startswith("in:")]  # (the scheduler may have queued reminders)
        assert len(replies) == len(set(replies)) == EVENTS  # one reply row per event, none twice
        assert len(versions) == EVENTS and set(versions) == {1}  # each conversation took exactly one step
    finally:
        await db.close()
