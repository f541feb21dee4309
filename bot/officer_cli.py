"""Commands added by the officers' and secretariat's issue."""

from __future__ import annotations

import argparse


def register_cli(subparsers: argparse._SubParsersAction) -> None:
    return None
