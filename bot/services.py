"""The composition root: the long-lived parts of a running bot (the database, the registry of conversations, the
channels, the engine and the workers), built and wired here explicitly. Importing a module starts nothing."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.channels import build_channels
from bot.core.engine import Engine
from bot.core.i18n import reload_translations
from bot.core.inbox import InboxWorker, InboxWriter
from bot.core.kit import ChannelKit
from bot.core.media import MediaLinks
from bot.core.outbox import OutboxSender
from bot.core.platforms import record_platforms
from bot.core.registry import Registry
from bot.core.types import Channel
from bot.jobs.broadcasts import run_broadcast_worker
from bot.jobs.memory import run_memory_trim, settle_heap
from bot.jobs.scheduler import Scheduler, run_scheduler
from bot.jobs.wal import run_wal_checkpoints
from bot.settings import Settings, log_channels
from handlers import build_registry, notices
from storage.db import Database

log = logging.getLogger(__name__)
DRAIN_SECONDS = 10.0  # how long a stopping worker may finish what it is doing (platforms allow ~30 s)


@dataclass
class Services:
    settings: Settings
    db: Database
    registry: Registry
    links: MediaLinks
    channels: dict[str, Channel]
    engine: Engine
    inbox_wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    outbox_wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    inbox: InboxWriter = field(init=False)
    inbox_worker: InboxWorker | None = None
    outbox_sender: OutboxSender | None = None
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _jobs_stop: asyncio.Event = field(default_factory=asyncio.Event)

    @classmethod
    def build(cls, settings: Settings, channels: dict[str, Channel] | None = None) -> Services:
        reload_translations()
        db = Database(settings.database_url)
        registry = build_registry()
        links = MediaLinks.from_settings(settings)
        channels = channels or build_channels(settings, ChannelKit.from_database(db, links))
        outbox_wakeup = asyncio.Event()
        engine = Engine(db, settings, registry, links, on_outbox=outbox_wakeup)
        services = cls(settings, db, registry, links, channels, engine, outbox_wakeup=outbox_wakeup)
        services.inbox = InboxWriter(db, services.inbox_wakeup)
        services.inbox_worker = InboxWorker(
            db,
            engine,
            services.channels,
            wakeup=services.inbox_wakeup,
            poll_seconds=settings.inbox_poll_seconds,
            max_image_bytes=settings.max_image_bytes,
            max_attempts=settings.inbox_max_attempts,
            retry_seconds=settings.inbox_retry_seconds,
        )
        services.outbox_sender = OutboxSender(
            db, services.channels, wakeup=outbox_wakeup, poll_seconds=settings.outbox_poll_seconds
        )
        return services

    async def open(self) -> None:
        await self.db.check_schema()
        await self.links.use_stored_key(self.db)  # links made before a restart still work after it
        await record_platforms(self.db, self.settings, datetime.now(UTC))  # keeps SIMULATOR=auto off from now on
        for channel in self.channels.values():
            await channel.start()

    def start_workers(self) -> None:
        assert self.inbox_worker is not None and self.outbox_sender is not None
        self._jobs_stop.clear()
        self._tasks = [
            asyncio.create_task(self.inbox_worker.run(), name="inbox-worker"),
            asyncio.create_task(self.outbox_sender.run(), name="outbox-sender"),
            *self._job_tasks(),
        ]

    def _job_tasks(self) -> list[asyncio.Task[None]]:
        """The reminder scheduler, the broadcast worker, the memory trim and, on SQLite, the WAL checkpoints."""
        settings, wake_sender, stop = self.settings, self.outbox_wakeup.set, self._jobs_stop
        jobs = [
            asyncio.create_task(run_broadcast_worker(self.db, wake_sender, stop), name="broadcast-worker"),
            asyncio.create_task(run_memory_trim(stop), name="memory-trim"),
        ]
        if settings.run_scheduler:
            scheduler = Scheduler(
                self.db,
                reminder=notices.reminder,
                digest=notices.overdue_digest,
                alerts=notices.ALERT_WORDS,
                watch_summary=notices.watch_summary,
                hour=settings.reminder_hour,
                offsets=settings.reminder_offset_days,
                prune_after_days=settings.prune_after_days,
                prune_payloads_after_hours=settings.prune_payloads_after_hours,
            )
            tick = settings.scheduler_tick_seconds
            jobs.append(asyncio.create_task(run_scheduler(scheduler, tick, wake_sender, stop), name="scheduler"))
        if self.db.is_sqlite:
            jobs.append(asyncio.create_task(run_wal_checkpoints(self.db, stop), name="wal-checkpoint"))
        return jobs

    async def stop_workers(self) -> None:
        """Stop gracefully: the inbox worker ends its event, the outbox sender finishes and records what is on
        its way (cancelled mid-request, a message could reach the platform unrecorded and go again after the
        restart), the jobs end their round. Whatever is still running after DRAIN_SECONDS is cancelled."""
        if self.inbox_worker is not None:
            self.inbox_worker.stop()
        if self.outbox_sender is not None:
            self.outbox_sender.stop()
        self._jobs_stop.set()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=DRAIN_SECONDS)
        for task in self._tasks:
            task.cancel()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=DRAIN_SECONDS)
        self._tasks = []

    async def close(self) -> None:
        await self.stop_workers()
        if self.outbox_sender is not None:
            await self.outbox_sender.close()
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
    settle_heap()  # a process of its own: its start-up heap is left out of later collections (bot/jobs/memory.py)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    try:
        yield services, stop
    finally:
        await services.close()
