"""The public side (issue 14): province pages, the national page, a ticket's public status and the open data, at
/p; no sign-in, nothing personal (bot/domain/publication.py decides what of a complaint is shown)."""

from __future__ import annotations

from pathlib import Path

from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from bot.web.public import data, pages

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"


def routes() -> list[BaseRoute]:
    return [
        Route("/p", pages.national),
        Route("/p/", pages.national),
        Mount("/p/static", StaticFiles(directory=STATIC_DIR), name="public-static"),
        *data.routes(),
        Route("/p/t/{ticket}", pages.ticket),
        Route("/p/photos/{media_id:int}", pages.photo),
        Route("/p/{province}", pages.province),
    ]
