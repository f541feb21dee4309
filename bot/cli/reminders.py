"""`hpp-bot reminders run-once`: queue the deadline reminders due today (or on a given day) now."""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime

from bot.cli.common import with_database
from bot.domain.reminders import run_reminders
from bot.settings import Settings
from handlers import notices
from storage.db import Database


async def run_once(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    today = date.fromisoformat(args.today) if args.today else datetime.now(UTC).date()
    report = await run_reminders(db, today, notices.reminder)
    print(
        f"{report.queued} reminders queued for {report.deadlines} deadlines in the window around "
        f"{today.isoformat()} (the outbox sender delivers them)"
    )
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    reminders = subparsers.add_parser("reminders", help="deadline reminders")
    reminders_sub = reminders.add_subparsers(dest="reminders_command", required=True)
    once = reminders_sub.add_parser("run-once", help="queue the reminders due today (or --today)")
    once.add_argument("--today", help="pretend today is this date (YYYY-MM-DD)")
    once.set_defaults(func=with_database(run_once))
