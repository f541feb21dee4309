"""`hpp-bot db upgrade | prune` and `hpp-bot seed [--demo]`. Alembic and the seed loader open the database
themselves."""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import UTC, datetime

from bot.cli.common import add_command, add_group, with_database
from bot.core.prune import prune as prune_queues
from bot.domain.progress import refresh_all
from bot.domain.retention import enforce_retention
from bot.settings import Settings
from storage.db import Database
from storage.seed import main_seed


def upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from storage.migrate import upgrade as apply_migrations  # Alembic loads only for the command that needs it

    started = time.perf_counter()
    apply_migrations(settings.database_url, args.revision)
    print(f"hpp-bot: database is at the latest schema ({time.perf_counter() - started:.1f} s)")
    if args.revision == "heads":
        print(f"hpp-bot: KPI figures worked out again: {asyncio.run(_refresh_figures(settings))} KPIs")
    return 0


async def _refresh_figures(settings: Settings) -> int:
    """A migration may change how reports add up (0008: KPI kinds); the stored figures follow the code's rules."""
    db = Database(settings.database_url)
    try:
        async with db.write() as session:
            return await refresh_all(session)
    finally:
        await db.close()


@with_database
async def prune(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    """What the scheduler does once a day: the inbox and outbox pruned, people past retention erased."""
    days, hours, now = args.days or settings.prune_after_days, settings.prune_payloads_after_hours, datetime.now(UTC)
    report = await prune_queues(db, now, days, hours)
    print(f"hpp-bot: {report} (rows older than {days} days, contents older than {hours} hours)")
    print(f"hpp-bot: {await enforce_retention(db, now)}")
    return 0


def seed(args: argparse.Namespace, settings: Settings) -> int:
    started = time.perf_counter()
    report = main_seed(settings.database_url, demo=args.demo)
    print(f"hpp-bot: seed done in {time.perf_counter() - started:.1f} s: {report}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    db_sub = add_group(subparsers, "db", "database schema")
    upgrading = add_command(db_sub, "upgrade", "apply the migrations", upgrade)
    upgrading.add_argument("revision", nargs="?", default="heads")
    pruning = add_command(
        db_sub,
        "prune",
        "prune the inbox and outbox, erase people past retention (what the scheduler does daily)",
        prune,
    )
    pruning.add_argument("--days", type=int, help="days to keep (default: PRUNE_AFTER_DAYS, 7)")

    seeding = add_command(subparsers, "seed", "load provinces, fixed lists, sample agendas (idempotent)", seed)
    seeding.add_argument(
        "--demo",
        action="store_true",
        help="also the simulator's demo citizen, officer and secretariat member (development only, never production)",
    )
