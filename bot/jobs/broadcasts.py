"""The broadcast worker: starts scheduled broadcasts, queues their recipients, closes finished ones."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from bot.domain.broadcasts import broadcast_round
from bot.jobs import every
from storage.db import Database

POLL_SECONDS = 2.0


async def run_broadcast_worker(
    db: Database, on_work: Callable[[], None], stop: asyncio.Event, seconds: float = POLL_SECONDS
) -> None:
    async def tick() -> bool:
        return bool(await broadcast_round(db))

    await every(seconds, "broadcast worker", tick, on_work, stop)
