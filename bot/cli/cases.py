"""`hpp-bot cases escalate`: today's overdue-ticket digests to the secretariat, now rather than at the hour."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from bot.cli.common import add_command, add_group, with_database
from bot.domain.escalation import escalate_overdue
from bot.settings import Settings
from handlers import notices
from storage.db import Database


@with_database
async def escalate(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    report = await escalate_overdue(db, datetime.now(UTC), notices.overdue_digest)
    print(f"hpp-bot: {report}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    cases_sub = add_group(subparsers, "cases", "complaint handling")
    add_command(cases_sub, "escalate", "send today's overdue-ticket digests to the secretariat now", escalate)
