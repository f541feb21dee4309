"""`hpp-bot tallies rebuild`: recount the complaint tallies the desk's and the public pages' figures read
(bot/domain/tallies.py). Triggers keep them as complaints change; this is for after a restore or a hand edit."""

from __future__ import annotations

import argparse
import time

from bot.cli.common import add_command, add_group, with_database
from bot.domain import tallies
from bot.settings import Settings
from storage.db import Database


@with_database
async def rebuild(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    started = time.perf_counter()
    async with db.write() as session:
        rows = await tallies.rebuild(session)
    print(f"tallies rebuilt: {rows} rows in {time.perf_counter() - started:.1f} s")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    group = add_group(subparsers, "tallies", "the complaint tallies behind the desk's and the public figures")
    add_command(group, "rebuild", "recount the tallies from the complaints", rebuild)
