"""The web simulator: chat with the bot as a citizen, an officer or the secretariat (filled in next)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import BaseRoute, Route


async def page(request: Request) -> HTMLResponse:
    return HTMLResponse("<!doctype html><title>simulator</title>")


def routes() -> list[BaseRoute]:
    return [Route("/simulator", page)]
