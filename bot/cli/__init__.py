"""`hpp-bot`: the command line. Each group of commands is a module of this package with a `register(subparsers)`;
the parser is built from the list below, in the order `hpp-bot --help` shows them."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from types import ModuleType

from bot.cli import (
    admin,
    agencies,
    agendas,
    apikeys,
    broadcast,
    cases,
    categories,
    dashboard,
    database,
    deadlines,
    demo,
    inbox,
    invites,
    kpis,
    line,
    reminders,
    serve,
    summary,
    tallies,
    telegram,
)
from bot.cli.common import USAGE_ERROR
from bot.core import logs
from bot.settings import SettingsError, get_settings

GROUPS: tuple[ModuleType, ...] = (
    serve,
    database,
    inbox,
    line,
    telegram,
    invites,
    admin,
    cases,
    categories,
    agendas,
    kpis,
    agencies,
    deadlines,
    reminders,
    broadcast,
    summary,
    dashboard,
    demo,
    tallies,
    apikeys,
)


def configure_logging(level: str = "INFO", fmt: str = "text") -> None:
    logs.configure(level, fmt)


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
    configure_logging(settings.log_level, settings.log_format)
    return int(args.func(args, settings) or 0)
