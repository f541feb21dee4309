"""Running `hpp-bot` command lines in the test's process, against a test database."""

from __future__ import annotations

from bot.cli import build_parser
from tests.conftest import make_settings


def hpp_bot(url: str, *argv: str) -> int:
    """Run one command line against the database at `url`, as `hpp-bot` would."""
    args = build_parser().parse_args(list(argv))
    return int(args.func(args, make_settings(url)))
