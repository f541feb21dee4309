"""The scheduler: a background loop that queues deadline reminders and runs the daily escalation digest.

It may run in several processes at once: reminders are claimed row by row in the database (see reminders.py),
and the escalation digest marks what it escalated, so a second scheduler finds nothing left to do.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from bot.core.i18n import BANGKOK
from bot.secretariat.reminders import DEFAULT_OFFSETS, ReminderReport, run_reminders
from storage.db import Database

log = logging.getLogger(__name__)

DEFAULT_HOUR = 8  # reminders and the digest go out from this hour, Bangkok time (REMINDER_HOUR)
ESCALATION_MODULE = "handlers.officer.escalation"

Escalate = Callable[[Database, datetime], Awaitable[Any]]


def find_escalation() -> Escalate | None:
    """The officers' daily digest of overdue complaints, when that module offers it."""
    try:
        module = importlib.import_module(ESCALATION_MODULE)
    except ModuleNotFoundError:
        return None
    found = getattr(module, "escalate_overdue", None)
    return found if callable(found) else None


@dataclass
class Scheduler:
    db: Database
    hour: int = DEFAULT_HOUR
    offsets: tuple[int, ...] = DEFAULT_OFFSETS
    _escalated_on: date | None = None

    async def tick(self, now: datetime) -> ReminderReport | None:
        """Reminders due today (from the morning hour on), and the escalation digest once a day."""
        local = now.astimezone(BANGKOK)
        if local.hour < self.hour:
            return None
        report = await run_reminders(self.db, local.date(), self.offsets)
        if self._escalated_on != local.date():
            escalate = find_escalation()
            if escalate is not None:
                await escalate(self.db, now)
            self._escalated_on = local.date()
        return report


async def run_scheduler(services: Any) -> None:
    """The scheduler loop added to the services' workers; SCHEDULER_TICK_SECONDS apart (default 60)."""
    settings = services.settings
    tick_seconds = settings.scheduler_tick_seconds
    scheduler = Scheduler(services.db, hour=settings.reminder_hour, offsets=settings.reminder_offset_days)
    while True:
        try:
            report = await scheduler.tick(datetime.now(UTC))
            if report is not None and report.queued:
                log.info("scheduler: %s reminders queued", report.queued)
                services.outbox_wakeup.set()
        except Exception:
            log.exception("scheduler: a tick failed; trying again")
        await asyncio.sleep(tick_seconds)


def register_workers() -> None:
    """Add the scheduler and the broadcast worker to the background loops (once)."""
    from bot.secretariat.broadcast import run_broadcast_worker
    from bot.services import WORKER_FACTORIES

    for factory in (run_scheduler, run_broadcast_worker):
        if factory not in WORKER_FACTORIES:
            WORKER_FACTORIES.append(factory)
