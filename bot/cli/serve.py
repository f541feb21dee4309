"""`hpp-bot serve` (the web app and, by default, the workers) and `hpp-bot worker` (the workers alone)."""

from __future__ import annotations

import argparse

from bot.cli.common import add_command, run_long
from bot.settings import Settings


def serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn  # the web server and the app load only for the command that serves them

    from bot.app import create_app
    from bot.jobs.memory import limit_malloc_arenas

    limit_malloc_arenas()
    port = args.port or settings.port
    settings = settings.model_copy(update={"port": port})  # download links name the port really served
    app = create_app(settings, run_workers=not args.no_workers, settle=True)
    print(f"hpp-bot: serving on http://{settings.host}:{port} (simulator: http://{settings.host}:{port}/simulator)")
    # log_config=None: uvicorn's own lines go through our handler too, in LOG_FORMAT (bot/core/logs.py).
    uvicorn.run(
        app, host=settings.host, port=port, log_level=settings.log_level.lower(), access_log=False, log_config=None
    )
    return 0


async def run_workers(settings: Settings) -> None:
    from bot.services import running_services

    async with running_services(settings) as (_services, stop):
        await stop.wait()


def worker(args: argparse.Namespace, settings: Settings) -> int:
    from bot.jobs.memory import limit_malloc_arenas

    limit_malloc_arenas()
    print("hpp-bot: workers running (inbox, outbox, scheduler); Ctrl-C to stop")
    run_long(run_workers(settings))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    serving = add_command(
        subparsers, "serve", "serve the web app (webhooks, simulator) and, by default, the workers", serve
    )
    serving.add_argument("--port", type=int, default=None, help="port (default: PORT or 8000)")
    serving.add_argument("--no-workers", action="store_true", help="run the workers in `hpp-bot worker` instead")

    add_command(subparsers, "worker", "run the inbox, outbox and scheduler workers", worker)
