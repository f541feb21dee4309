"""`hpp-bot reminders run-once`: queue the deadline reminders due today (or on a given day) now."""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime

from bot.cli.common import add_command, add_group, with_database
from bot.domain.reminders import run_reminders
from bot.settings import Settings
from handlers import notices
from storage.db import Database


@with_database
async def run_once(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    today = date.fromisoformat(args.today) if args.today else datetime.now(UTC).date()
    report = await run_reminders(db, today, notices.reminder)
    print(
        f"{report.queued} reminders queued for {report.deadlines} deadlines in the window around "
        f"{today.isoformat()} (the outbox sender delivers them)"
    )
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    reminders_sub = add_group(subparsers, "reminders", "deadline reminders")
    once = add_command(reminders_sub, "run-once", "queue the reminders due today (or --today)", run_once)
    once.add_argument("--today", help="pretend today is this date (YYYY-MM-DD)")
