"""What every command shares: a database opened for one async command and always closed, and a user's mistake
(a bad value, an unknown province, a missing setting) told as one line on stderr with exit status 2."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any

from bot.domain.values import BadValue
from bot.settings import Settings
from storage.db import Database

USAGE_ERROR = 2  # the exit status argparse gives a mistake in what was typed; ours follow it

Command = Callable[[argparse.Namespace, Settings], int]  # what each parser keeps as its `func`
DatabaseCommand = Callable[[argparse.Namespace, Database, Settings], Awaitable[int]]


def refuse(reason: object) -> int:
    """One line on stderr saying what was wrong; returns the exit status for it."""
    print(f"hpp-bot: {reason}", file=sys.stderr)
    return USAGE_ERROR


@asynccontextmanager
async def open_database(settings: Settings) -> AsyncIterator[Database]:
    """The configured database, closed when the block ends however it ends."""
    db = Database(settings.database_url)
    try:
        yield db
    finally:
        await db.close()


def with_database(command: DatabaseCommand) -> Command:
    """A parser's `func` that runs the async `command` with the database open; a BadValue is refused."""

    def run(args: argparse.Namespace, settings: Settings) -> int:
        async def opened() -> int:
            async with open_database(settings) as db:
                return await command(args, db, settings)

        try:
            return asyncio.run(opened())
        except BadValue as error:
            return refuse(error)

    return run


def add_group(subparsers: argparse._SubParsersAction, name: str, help: str) -> argparse._SubParsersAction:
    """`hpp-bot NAME SUBCOMMAND`: a command whose subcommand is required (argparse says so when it is missing)."""
    return subparsers.add_parser(name, help=help).add_subparsers(dest=f"{name}_command", required=True)


def add_command(subparsers: argparse._SubParsersAction, name: str, help: str, run: Command) -> argparse.ArgumentParser:
    """A command that `run` carries out; its options are added to the parser returned."""
    parser: argparse.ArgumentParser = subparsers.add_parser(name, help=help)
    parser.set_defaults(func=run)
    return parser


def run_long(main: Coroutine[Any, Any, None]) -> None:
    """A long-running process's event loop: libuv's (uvloop) where installed, as uvicorn picks for `serve`; its
    callbacks and sockets cost the worker less CPU a turn (issue 11)."""
    try:
        import uvloop
    except ImportError:
        asyncio.run(main)
        return
    uvloop.run(main)
