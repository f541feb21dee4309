"""Rendering a public page: Jinja2 templates in the visitor's language (Thai unless ?lang=en), with an ETag and a
short public cache, so that a page is at most a minute old and an unchanged one costs the phone nothing."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Awaitable, Callable
from functools import wraps
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import Response

from bot.core.i18n import SUPPORTED, format_date, format_datetime, get_locale, use_locale
from bot.domain.tickets import status_label
from bot.web.public.words import words

TEMPLATES = Path(__file__).resolve().parent / "templates"
MAX_AGE = 40  # seconds: with REMEMBER_SECONDS, a visitor sees a change within the minute
REMEMBER_SECONDS = 20.0  # a page rendered is served again for this long
REMEMBERED_PAGES = 2000
KEPT_HEADERS = ("link", "content-disposition")
clock = time.monotonic  # a test moves it
ENV = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]), auto_reload=False)


def _number(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


ENV.filters.update(
    date=lambda value: format_date(value) if value else "–",
    datetime=lambda value: format_datetime(value) if value else "–",
    number=_number,
    status=status_label,
)


def locale_of(request: Request) -> str:
    asked = request.query_params.get("lang")
    return asked if asked in SUPPORTED else "th"


def cached(request: Request, body: bytes, media_type: str, status: int = 200) -> Response:
    """`body` with its ETag; 304 when the visitor already has it."""
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={MAX_AGE}", "Vary": "Accept-Language"}
    if status == 200 and etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(body, status_code=status, media_type=media_type, headers=headers)


def page(request: Request, template: str, status: int = 200, **context: Any) -> Response:
    """A page of the `template`, in the visitor's language."""
    with use_locale(locale_of(request)):
        lang = get_locale()
        other = "en" if lang == "th" else "th"
        html = ENV.get_template(template).render(
            w=words(), lang=lang, other_lang=other, path=request.url.path, **context
        )
    return cached(request, html.encode("utf-8"), "text/html; charset=utf-8", status)


Handler = Callable[[Request], Awaitable[Response]]


def remembered(handler: Handler) -> Handler:
    """Serve a page rendered in the last REMEMBER_SECONDS again rather than ask the database (per app, in this
    process's memory): a province page's figures take a few hundred milliseconds over a million complaints."""

    @wraps(handler)
    async def run(request: Request) -> Response:
        state = request.app.state
        if not hasattr(state, "public_pages"):
            state.public_pages = {}
        pages: dict[str, tuple[float, bytes, str, int, dict[str, str]]] = state.public_pages
        key = f"{request.url.path}?{request.url.query}"
        now = clock()
        hit = pages.get(key)
        if hit is not None and hit[0] > now:
            again = cached(request, hit[1], hit[2], hit[3])
            again.headers.update(hit[4])
            return again
        response = await handler(request)
        if response.status_code in (200, 404) and response.body:
            if len(pages) >= REMEMBERED_PAGES:
                pages.clear()
            media_type = response.headers.get("content-type", "text/html; charset=utf-8")
            kept = {k: v for k, v in response.headers.items() if k in KEPT_HEADERS}
            pages[key] = (now + REMEMBER_SECONDS, bytes(response.body), media_type, response.status_code, kept)
        return response

    return run
