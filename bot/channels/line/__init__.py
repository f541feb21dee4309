"""The LINE channel (filled in by its own issue)."""

from __future__ import annotations

import argparse

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from bot.core.types import Channel
from bot.settings import Settings


def make_channel(settings: Settings) -> Channel | None:
    return None


async def _webhook(request: Request) -> JSONResponse:
    return JSONResponse({"error": "LINE channel is not configured"}, status_code=503)


def routes() -> list[BaseRoute]:
    return [Route("/webhooks/line", _webhook, methods=["POST"])]


def register_cli(subparsers: argparse._SubParsersAction) -> None:
    return None
