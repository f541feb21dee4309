"""`hpp-bot cases escalate`: today's overdue-ticket digests to the secretariat, now rather than at the hour."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from bot.cli.common import with_database
from bot.domain.escalation import escalate_overdue
from bot.settings import Settings
from handlers import notices
from storage.db import Database


async def escalate(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    report = await escalate_overdue(db, datetime.now(UTC), notices.overdue_digest)
    print(f"hpp-bot: {report}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    cases = subparsers.add_parser("cases", help="complaint handling")
    cases_sub = cases.add_subparsers(dest="cases_command", required=True)
    escalating = cases_sub.add_parser("escalate", help="send today's overdue-ticket digests to the secretariat now")
    escalating.set_defaults(func=with_database(escalate))
