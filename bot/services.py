"""The long-lived parts of a running bot: the database, the channels, the engine and the workers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from bot.channels import build_channels
from bot.core.engine import Engine
from bot.core.i18n import reload_translations
from bot.core.inbox import InboxWorker
from bot.core.media import configure_media_links
from bot.core.outbox import OutboxSender
from bot.core.types import Channel
from bot.settings import Settings, log_channels
from handlers import load_flows
from storage.db import Database

log = logging.getLogger(__name__)
DRAIN_SECONDS = 10.0  # how long a stopping worker may finish what it is doing (platforms allow ~30 s)


@dataclass
class Services:
    settings: Settings
    db: Database
    channels: dict[str, Channel]
    engine: Engine
    inbox_wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    outbox_wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    inbox_worker: InboxWorker | None = None
    outbox_sender: OutboxSender | None = None
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _stoppable: list[asyncio.Task[None]] = field(default_factory=list)

    @classmethod
    def build(cls, settings: Settings, channels: dict[str, Channel] | None = None) -> Services:
        load_flows()
        reload_translations()
        configure_media_links(settings)
        db = Database(settings.database_url)
        outbox_wakeup = asyncio.Event()
        engine = Engine(db, settings, on_outbox=outbox_wakeup)
        services = cls(settings, db, channels or build_channels(settings), engine, outbox_wakeup=outbox_wakeup)
        services.inbox_worker = InboxWorker(
            db,
            engine,
            services.channels,
            wakeup=services.inbox_wakeup,
            poll_seconds=settings.inbox_poll_seconds,
            max_image_bytes=settings.max_image_bytes,
        )
        services.outbox_sender = OutboxSender(
            db, services.channels, wakeup=outbox_wakeup, poll_seconds=settings.outbox_poll_seconds
        )
        return services

    async def open(self) -> None:
        await self.db.check_schema()
        for channel in self.channels.values():
            await channel.start()

    def start_workers(self) -> None:
        assert self.inbox_worker is not None and self.outbox_sender is not None
        # The inbox worker and the outbox sender can stop gracefully; the other loops are simply cancelled.
        self._stoppable = [
            asyncio.create_task(self.inbox_worker.run(), name="inbox-worker"),
            asyncio.create_task(self.outbox_sender.run(), name="outbox-sender"),
        ]
        self._tasks = [*self._stoppable, *extra_worker_tasks(self)]

    async def stop_workers(self) -> None:
        """Stop gracefully: the inbox worker ends its event, the outbox sender finishes and records what is on
        its way (cancelled mid-request, a message could reach the platform unrecorded and go again after the
        restart). Whatever is still running after DRAIN_SECONDS is cancelled."""
        if self.inbox_worker is not None:
            self.inbox_worker.stop()
        if self.outbox_sender is not None:
            self.outbox_sender.stop()
        if self._stoppable:
            await asyncio.wait(self._stoppable, timeout=DRAIN_SECONDS)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks, self._stoppable = [], []

    async def close(self) -> None:
        await self.stop_workers()
        for channel in self.channels.values():
            await channel.close()
        await self.db.close()


@asynccontextmanager
async def running_services(settings: Settings) -> AsyncIterator[tuple[Services, asyncio.Event]]:
    """The services with their workers running, and an event set on SIGINT/SIGTERM: the body of `hpp-bot
    worker` and of Telegram's `poll`."""
    services = Services.build(settings)
    log_channels(settings)
    await services.open()
    services.start_workers()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    try:
        yield services, stop
    finally:
        await services.close()


WorkerFactory = Callable[["Services"], Coroutine[Any, Any, None]]
WORKER_FACTORIES: list[WorkerFactory] = []  # background loops other modules add (scheduler, broadcasts)


def extra_worker_tasks(services: Services) -> list[asyncio.Task[None]]:
    """Background loops other modules add (the reminder scheduler, broadcasts)."""
    return [asyncio.create_task(factory(services)) for factory in WORKER_FACTORIES]
