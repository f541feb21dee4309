"""Rendering a public page: Jinja2 templates in the visitor's language (Thai unless ?lang=en), with an ETag and a
short public cache, so that a page is at most a minute old and an unchanged one costs the phone nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import Response

from bot.core.i18n import SUPPORTED, format_date, format_datetime, get_locale, use_locale
from bot.domain.tickets import status_label
from bot.web.public.words import words

TEMPLATES = Path(__file__).resolve().parent / "templates"
MAX_AGE = 60  # seconds: "pages update within a minute of a change"
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
