"""Thai first: every user-facing string has a Thai translation, every catalog compiles, dates are Buddhist Era."""

from __future__ import annotations

import subprocess
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.core.i18n import LOCALES_DIR, _, format_date, format_datetime, use_locale

ROOT = Path(__file__).resolve().parents[1]
KEYWORDS = {"_": None, "N_": None, "gettext": None, "lazy_gettext": None, "ngettext": (1, 2)}


def domain_paths() -> dict[str, list[str]]:
    """The Makefile is the one list of gettext domains and the folders each is extracted from."""
    out = subprocess.run(["make", "-s", "i18n-paths"], cwd=ROOT, capture_output=True, text=True, check=True)
    domains = {}
    for line in out.stdout.splitlines():
        name, _sep, paths = line.partition(":")
        domains[name.strip()] = paths.split()
    return domains


def extracted_ids(paths: list[str]) -> set[str]:
    ids: set[str] = set()
    for path in paths:
        target = ROOT / path
        if target.is_dir():
            # The web desk's Jinja2 templates are extracted too (bot/web/desk/babel.cfg).
            methods = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
            found = extract_from_dir(str(target), method_map=methods, keywords=KEYWORDS)
            messages = (message for _file, _line, message, _comments, _context in found)
        elif target.exists():
            found_file = extract_from_file("python", str(target), keywords=KEYWORDS)
            messages = (message for _line, message, _comments, _context in found_file)
        else:
            continue
        for message in messages:
            ids.add(message if isinstance(message, str) else message[0])
    return ids


def load_catalog(locale: str, domain: str) -> Catalog | None:
    path = LOCALES_DIR / locale / "LC_MESSAGES" / f"{domain}.po"
    if not path.exists():
        return None
    with path.open("rb") as handle:
        return read_po(handle, locale=locale, domain=domain)


DOMAINS = domain_paths()


@pytest.mark.parametrize("domain", sorted(DOMAINS))
def test_every_source_string_has_a_thai_translation(domain: str) -> None:
    ids = extracted_ids(DOMAINS[domain])
    if not ids:
        return  # an area with no user-facing strings yet needs no catalog
    catalog = load_catalog("th", domain)
    assert catalog is not None, f"locales/th/LC_MESSAGES/{domain}.po is missing: run make i18n-update"
    untranslated = sorted(
        msgid
        for msgid in ids
        if (entry := catalog.get(msgid)) is None
        or entry.fuzzy
        or not (entry.string if isinstance(entry.string, str) else all(entry.string))
    )
    assert untranslated == [], f"{domain}: strings without a Thai translation: {untranslated[:10]}"


@pytest.mark.parametrize("locale", ["th", "en"])
def test_every_catalog_compiles_without_errors(locale: str) -> None:
    for path in sorted((LOCALES_DIR / locale / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        problems = [(message.id, errors) for message, errors in catalog.check() if errors]
        assert problems == [], f"{path.name}: {problems[:5]}"
        write_mo(BytesIO(), catalog)


def test_thai_is_the_default_and_english_the_second_language() -> None:
    with use_locale("th"):
        assert _("Main menu.") == "เมนูหลัก"
    with use_locale("en"):
        assert _("Main menu.") == "Main menu."
    with use_locale("fr"):  # unsupported languages fall back to Thai
        assert _("Main menu.") == "เมนูหลัก"


@pytest.mark.parametrize(
    ("day", "style", "thai", "english"),
    [
        (date(2021, 12, 17), "medium", "17 ธ.ค. 2564", "Dec 17, 2021"),
        (date(2022, 10, 15), "long", "15 ตุลาคม 2565", "October 15, 2022"),
        (date(2026, 1, 1), "short", "1/1/69", "1/1/26"),
    ],
)
def test_dates_are_buddhist_era_in_thai_and_gregorian_in_english(
    day: date, style: str, thai: str, english: str
) -> None:
    assert format_date(day, style, "th") == thai
    assert format_date(day, style, "en") == english


def test_datetimes_are_shown_in_bangkok_time() -> None:
    moment = datetime(2021, 12, 16, 20, 30, tzinfo=UTC)  # 03:30 the next day in Bangkok
    assert format_datetime(moment, locale="th") == "17 ธ.ค. 2564 03:30 น."


def test_one_english_text_has_one_thai_translation_across_areas() -> None:
    """The areas' catalogs are merged into one per language, so two areas translating the same text differently
    would make one of them show the other's wording."""
    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for domain in sorted(DOMAINS):
        catalog = load_catalog("th", domain)
        for message in catalog or ():
            if not message.id or not isinstance(message.id, str) or not isinstance(message.string, str):
                continue
            earlier = seen.setdefault(message.id, (domain, message.string))
            if earlier[1] != message.string:
                clashes.append(f"{message.id!r}: {earlier[0]}={earlier[1]!r}, {domain}={message.string!r}")
    assert clashes == []
