"""Thai-first gettext with Babel, the per-user locale, and the one Buddhist-Era date helper.

Catalogs live in `locales/<lang>/LC_MESSAGES/<domain>.mo`, one domain per area of the code (core, line,
telegram, citizen, officer, public: the public pages, ...); they are merged into one catalog per language at load
time, so each area can extract and translate its own strings without touching the others' files.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, tzinfo
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time
from babel.support import LazyProxy, NullTranslations, Translations

LOCALES_DIR = Path(__file__).resolve().parents[2] / "locales"
SUPPORTED = ("th", "en")
DEFAULT_LOCALE = "th"
BANGKOK: tzinfo = ZoneInfo("Asia/Bangkok")
BUDDHIST_ERA_OFFSET = 543

_current: contextvars.ContextVar[str] = contextvars.ContextVar("locale", default=DEFAULT_LOCALE)


def normalise_locale(value: str | None, default: str = DEFAULT_LOCALE) -> str:
    """Map a platform language hint such as 'th-TH' or 'en_US' to a supported locale."""
    if not value:
        return default
    short = value.replace("_", "-").split("-")[0].lower()
    return short if short in SUPPORTED else default


@cache
def translations(locale: str) -> NullTranslations:
    """All compiled domains of one language merged into one catalog."""
    merged: NullTranslations | None = None
    folder = LOCALES_DIR / locale / "LC_MESSAGES"
    for mo in sorted(folder.glob("*.mo")):
        with mo.open("rb") as handle:
            catalog = Translations(handle, domain=mo.stem)
        if merged is None:
            merged = catalog
        elif isinstance(merged, Translations):
            merged.merge(catalog)
    return merged or NullTranslations()


def reload_translations() -> None:
    translations.cache_clear()


def get_locale() -> str:
    return _current.get()


@contextmanager
def use_locale(locale: str | None) -> Iterator[str]:
    """Run a block in one person's language (e.g. to write a notification to someone else)."""
    token = _current.set(normalise_locale(locale))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def localized(th: str, en: str | None) -> str:
    """A name stored in both languages, in the current one (Thai when no English exists)."""
    return en if get_locale() == "en" and en else th


def gettext(message: str, **params: Any) -> str:
    text = translations(get_locale()).gettext(message)
    return text.format(**params) if params else text


def ngettext(singular: str, plural: str, n: int, **params: Any) -> str:
    text = translations(get_locale()).ngettext(singular, plural, n)
    return text.format(n=n, **params)


def lazy_gettext(message: str) -> LazyProxy:
    """For module-level labels: translated when shown, in the locale of that moment."""
    return LazyProxy(gettext, message, enable_cache=False)


_ = gettext
N_ = lazy_gettext


# ---------------------------------------------------------------- dates

_TH_PATTERNS = {"short": "d/M/{yy}", "medium": "d MMM {y}", "long": "d MMMM {y}", "month": "MMM {y}"}
_PATTERNS = {"month": "MMM y"}  # styles Babel does not name (a reporting period's month)


def _as_local(value: date | datetime) -> date | datetime:
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=ZoneInfo("UTC"))
        return aware.astimezone(BANGKOK)
    return value


def format_date(value: date | datetime, style: str = "medium", locale: str | None = None) -> str:
    """17 ธ.ค. 2564 (medium), 17 ธันวาคม 2564 (long) or ธ.ค. 2564 (month) in Thai; Dec 17, 2021 in English.

    Babel only knows the Gregorian calendar, so the Thai form writes the Buddhist year in as a literal.
    """
    locale = normalise_locale(locale or get_locale())
    local = _as_local(value)
    day = local.date() if isinstance(local, datetime) else local
    if locale != "th":
        return babel_format_date(day, _PATTERNS.get(style, style), locale=locale)
    year_be = day.year + BUDDHIST_ERA_OFFSET
    pattern = _TH_PATTERNS[style].format(y=f"'{year_be}'", yy=f"'{year_be % 100:02d}'")
    return babel_format_date(day, pattern, locale="th")


def format_datetime(value: datetime, style: str = "medium", locale: str | None = None) -> str:
    """17 ธ.ค. 2564 14:30 น. in Thai (Bangkok time); Dec 17, 2021, 14:30 in English."""
    locale = normalise_locale(locale or get_locale())
    local = _as_local(value)
    assert isinstance(local, datetime)
    clock = babel_format_time(local, "HH:mm", locale=locale)
    day = format_date(local, style, locale)
    return f"{day} {clock} น." if locale == "th" else f"{day}, {clock}"


def buddhist_year(value: date) -> int:
    return value.year + BUDDHIST_ERA_OFFSET
