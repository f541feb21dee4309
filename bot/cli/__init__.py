"""`hpp-bot`: serve, worker, db upgrade, seed, and the commands that channel and admin modules add."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from collections.abc import Callable, Sequence

from bot.cli import agendas, line, people, telegram
from bot.settings import Settings, SettingsError, get_settings

log = logging.getLogger("hpp-bot")

Command = Callable[[argparse.Namespace, Settings], int | None]


def configure_logging(level: str = "INFO") -> None:
    logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime").setLevel(logging.WARNING)  # the schema check at start-up is not news


def cmd_serve(args: argparse.Namespace, settings: Settings) -> None:
    import uvicorn

    from bot.app import create_app

    port = args.port or settings.port
    app = create_app(settings, run_workers=not args.no_workers)
    print(f"hpp-bot: serving on http://{settings.host}:{port} (simulator: http://{settings.host}:{port}/simulator)")
    uvicorn.run(app, host=settings.host, port=port, log_level=settings.log_level.lower(), access_log=False)


async def run_workers(settings: Settings) -> None:
    from bot.services import running_services

    async with running_services(settings) as (_services, stop):
        await stop.wait()


def cmd_worker(args: argparse.Namespace, settings: Settings) -> None:
    print("hpp-bot: workers running (inbox, outbox, scheduler); Ctrl-C to stop")
    asyncio.run(run_workers(settings))


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> None:
    from storage.migrate import upgrade

    started = time.perf_counter()
    upgrade(settings.database_url, args.revision)
    print(f"hpp-bot: database is at the latest schema ({time.perf_counter() - started:.1f} s)")


def cmd_seed(args: argparse.Namespace, settings: Settings) -> None:
    from storage.seed import main_seed

    started = time.perf_counter()
    report = main_seed(settings.database_url)
    print(f"hpp-bot: seed done in {time.perf_counter() - started:.1f} s: {report}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hpp-bot", description="High Performance Province chat bot")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the web app (webhooks, simulator) and, by default, the workers")
    serve.add_argument("--port", type=int, default=None, help="port (default: PORT or 8000)")
    serve.add_argument("--no-workers", action="store_true", help="run the workers in `hpp-bot worker` instead")
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help="run the inbox, outbox and scheduler workers")
    worker.set_defaults(func=cmd_worker)

    db = sub.add_parser("db", help="database schema")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    upgrade = db_sub.add_parser("upgrade", help="apply the migrations")
    upgrade.add_argument("revision", nargs="?", default="heads")
    upgrade.set_defaults(func=cmd_db_upgrade)

    seed = sub.add_parser("seed", help="load provinces, fixed lists, sample agendas (idempotent)")
    seed.set_defaults(func=cmd_seed)

    for commands in (line, telegram, people, agendas):
        commands.register_cli(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = get_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
    result = args.func(args, settings)
    return int(result or 0)
