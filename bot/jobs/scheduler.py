"""The scheduler: queues deadline reminders and, once a day, the digest of overdue complaints, the pruning of
the inbox and outbox, and the retention of personal data (people erased 5 years after their last ticket).
Staff alerts (bot/domain/alerts.py): the new-complaint digests at 08:00 and 16:00, and the alert for each ticket
that passes its answer date; citizens' daily summaries of the areas they follow (bot/domain/watches.py).

It may run in several processes at once: reminders are claimed row by row in the database (see
bot/domain/reminders.py), and the escalation digest marks what it escalated, so a second scheduler finds nothing
left to do.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from bot.core.i18n import BANGKOK
from bot.core.prune import PAYLOADS_AFTER_HOURS, prune
from bot.domain.alerts import AlertWords, alert_overdue, send_alert_digests
from bot.domain.escalation import Digest, escalate_overdue
from bot.domain.reminders import DEFAULT_OFFSETS, Reminder, ReminderReport, run_reminders
from bot.domain.retention import enforce_retention
from bot.domain.watches import WatchSummary, send_watch_summaries
from bot.jobs import every
from storage.db import Database

log = logging.getLogger(__name__)

DEFAULT_HOUR = 8  # reminders and the digest go out from this hour, Bangkok time (REMINDER_HOUR)


@dataclass
class Scheduler:
    db: Database
    reminder: Reminder  # the words of a reminder (handlers/notices.py)
    digest: Digest  # the words of the overdue digest
    alerts: AlertWords | None = None  # the words of staff alerts; None sends none
    watch_summary: WatchSummary | None = None  # the words of a citizen's area summary; None sends none
    hour: int = DEFAULT_HOUR
    offsets: tuple[int, ...] = DEFAULT_OFFSETS
    prune_after_days: int = 7
    prune_payloads_after_hours: int = PAYLOADS_AFTER_HOURS
    _daily_done_on: date | None = None

    async def tick(self, now: datetime) -> ReminderReport | None:
        """Reminders due today (from the morning hour on); once a day the escalation digest, the pruning and the
        retention."""
        local = now.astimezone(BANGKOK)
        if self.alerts is not None:  # every tick: each slot's digest is claimed once per person
            await send_alert_digests(self.db, now, self.alerts.digest)
        if local.hour < self.hour:
            return None
        report = await run_reminders(self.db, local.date(), self.reminder, self.offsets)
        if self.alerts is not None:  # claimed ticket by ticket: each alert goes once
            await alert_overdue(self.db, now, self.alerts.overdue)
        if self._daily_done_on != local.date():
            await escalate_overdue(self.db, now, self.digest)
            if self.watch_summary is not None:
                await send_watch_summaries(self.db, now, self.hour, self.watch_summary)
            log.info("scheduler: %s", await prune(self.db, now, self.prune_after_days, self.prune_payloads_after_hours))
            log.info("scheduler: %s", await enforce_retention(self.db, now))
            self._daily_done_on = local.date()
        return report


async def run_scheduler(
    scheduler: Scheduler, tick_seconds: float, on_work: Callable[[], None], stop: asyncio.Event
) -> None:
    """The scheduler loop, `tick_seconds` apart (SCHEDULER_TICK_SECONDS, default 60)."""

    async def tick() -> bool:
        report = await scheduler.tick(datetime.now(UTC))
        if report is not None and report.queued:
            log.info("scheduler: %s reminders queued", report.queued)
            return True
        return False

    await every(tick_seconds, "scheduler", tick, on_work, stop)
