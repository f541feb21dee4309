"""Back-office commands: officers and invites (bot/officer_cli.py), agendas, broadcasts and reminders
(bot/secretariat/cli.py)."""

from __future__ import annotations

import argparse
import importlib

ADMIN_CLI_MODULES = ("bot.officer_cli", "bot.secretariat.cli")


def register_cli(subparsers: argparse._SubParsersAction) -> None:
    for name in ADMIN_CLI_MODULES:
        importlib.import_module(name).register_cli(subparsers)
