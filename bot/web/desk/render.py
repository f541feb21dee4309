"""The desk's pages: Jinja2 templates rendered on the server, in the signed-in person's language.

Templates call `_()` and `ngettext()` like the Python code (English msgids, `{name}` placeholders), so Babel
extracts them into the `desk` gettext domain (babel.cfg) and one catalog serves both. Autoescaping is on: what
citizens typed is shown as text, never as HTML.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import HTMLResponse

from bot.core.i18n import format_date, format_datetime, get_locale, localized, ngettext
from bot.core.i18n import gettext as _
from bot.domain.tickets import status_label

TEMPLATES = Path(__file__).resolve().parent / "templates"
# The desk never loads anything from elsewhere but map tiles (the DESK_TILE_URL setting); no inline script runs.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data: https: http:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # a sign-in link's token never leaves in a Referer
    "Cache-Control": "no-store",
}


def _be_date(value: date | datetime | None, style: str = "medium") -> str:
    return format_date(value, style) if value is not None else "-"


def _be_datetime(value: datetime | None) -> str:
    return format_datetime(value) if value is not None else "-"


def _number(value: float | int | None, digits: int = 0) -> str:
    if value is None:
        return "-"
    return f"{value:,.{digits}f}"


def _build() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(_=_, gettext=_, ngettext=ngettext, localized=localized, status_label=status_label)
    env.globals["locale"] = get_locale
    env.filters.update(be_date=_be_date, be_datetime=_be_datetime, number=_number)
    return env


ENVIRONMENT = _build()


def render(template: str, context: dict[str, Any], *, status: int = 200) -> HTMLResponse:
    """A page in the current locale (the caller has set it with `use_locale`)."""
    html = ENVIRONMENT.get_template(template).render(**context)
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)
