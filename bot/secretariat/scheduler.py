"""The scheduler: a background loop that queues deadline reminders and runs the daily escalation digest.

It may run in several processes at once: reminders are claimed row by row in the database (see reminders.py),
and the escalation digest marks what it escalated, so a second scheduler finds nothing left to do.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from bot.core.i18n import BANGKOK
from bot.secretariat.reminders import ReminderReport, run_reminders
from storage.db import Database

log = logging.getLogger(__name__)

TICK_ENV = "HPP_SCHEDULER_TICK_SECONDS"
HOUR_ENV = "HPP_REMINDER_HOUR"  # reminders and the digest go out from this hour, Bangkok time
DEFAULT_TICK_SECONDS = 60.0
DEFAULT_HOUR = 8
ESCALATION_MODULE = "handlers.officer.escalation"

Escalate = Callable[[Database, datetime], Awaitable[Any]]


def _env_number(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    try:
        return float(raw) if raw else default
    except ValueError:
        raise SystemExit(f"{name} must be a number, not {raw!r}") from None


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
    _escalated_on: date | None = None

    async def tick(self, now: datetime) -> ReminderReport | None:
        """Reminders due today (from the morning hour on), and the escalation digest once a day."""
        local = now.astimezone(BANGKOK)
        if local.hour < self.hour:
            return None
        report = await run_reminders(self.db, local.date())
        if self._escalated_on != local.date():
            escalate = find_escalation()
            if escalate is not None:
                await escalate(self.db, now)
            self._escalated_on = local.date()
        return report


async def run_scheduler(services: Any) -> None:
    """The scheduler loop added to the services' workers; HPP_SCHEDULER_TICK_SECONDS apart (default 60)."""
    tick_seconds = _env_number(TICK_ENV, DEFAULT_TICK_SECONDS)
    scheduler = Scheduler(services.db, hour=int(_env_number(HOUR_ENV, DEFAULT_HOUR)))
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
