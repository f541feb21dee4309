"""`hpp-bot`: the command line. Each group of commands is a module of this package with a `register(subparsers)`;
the parser is built from the list below, in the order `hpp-bot --help` shows them."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from types import ModuleType

from bot.cli import (
    admin,
    agendas,
    apikeys,
    broadcast,
    cases,
    database,
    deadlines,
    demo,
    invites,
    kpis,
    line,
    reminders,
    serve,
    summary,
    telegram,
)
from bot.cli.common import USAGE_ERROR
from bot.settings import SettingsError, get_settings

GROUPS: tuple[ModuleType, ...] = (
    serve,
    database,
    line,
    telegram,
    invites,
    admin,
    cases,
    agendas,
    kpis,
    deadlines,
    reminders,
    broadcast,
    summary,
    demo,
    apikeys,
)


def configure_logging(level: str = "INFO") -> None:
    logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime").setLevel(logging.WARNING)  # the schema check at start-up is not news


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hpp-bot", description="High Performance Province chat bot")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for group in GROUPS:
        group.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = get_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)  # already one line that starts "hpp-bot: bad configuration"
        return USAGE_ERROR
    configure_logging(settings.log_level)
    return int(args.func(args, settings) or 0)
