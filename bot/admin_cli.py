"""Secretariat commands (invites, agendas, broadcasts): filled in by the officers' issue."""

from __future__ import annotations

import argparse


def register_cli(subparsers: argparse._SubParsersAction) -> None:
    return None
