"""locales/GLOSSARY.md is the Thai house style: no Thai translation uses a term its table forbids (issue 15)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "locales" / "GLOSSARY.md"
THAI_CATALOGS = sorted((ROOT / "locales" / "th" / "LC_MESSAGES").glob("*.po"))
FORBIDDEN_HEADING = "## Forbidden terms"


@dataclass(frozen=True)
class Forbidden:
    term: str
    allowed_inside: tuple[str, ...]  # longer words that contain the term and are fine ("ขอบคุณ" for "คุณ")

    def found_in(self, text: str) -> bool:
        for word in sorted(self.allowed_inside, key=len, reverse=True):
            text = text.replace(word, " ")
        return self.term in text


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def forbidden_terms(markdown: str) -> list[Forbidden]:
    """The rows of the glossary's forbidden-terms table: term | use instead | allowed inside (comma-separated)."""
    section = markdown.split(FORBIDDEN_HEADING, 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")][2:]  # past the header and its rule
    terms = []
    for row in rows:
        term, _instead, allowed = _cells(row)
        terms.append(Forbidden(term, tuple(word.strip() for word in allowed.split(",") if word.strip())))
    return terms


def thai_translations(path: Path) -> list[tuple[str, str]]:
    """(msgid, msgstr) of every translated message of a catalog, plural forms one by one."""
    with path.open("rb") as handle:
        catalog = read_po(handle)
    pairs = []
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        pairs += [(msgid, string) for string in strings if string]
    return pairs


TERMS = forbidden_terms(GLOSSARY.read_text(encoding="utf-8"))


def test_the_glossary_table_is_read() -> None:
    by_term = {term.term: term for term in TERMS}
    assert {"คุณ", "ครับ", "ค่ะ", "ผม", "วาระจังหวัด", "ประเด็นนโยบาย", "ที่จุดไหน", "ต้นเรื่อง"} <= set(by_term)
    assert "ขอบคุณ" in by_term["คุณ"].allowed_inside
    assert not by_term["คุณ"].found_in("ขอบคุณที่ให้คะแนน")
    assert by_term["คุณ"].found_in("คะแนนของคุณ")
    assert by_term["ประเด็นนโยบาย"].found_in("รายงานประเด็นนโยบายใด")
    assert not by_term["ประเด็นนโยบาย"].found_in("รายงานประเด็นนโยบายสำคัญใด")


@pytest.mark.parametrize("catalog", THAI_CATALOGS, ids=lambda path: path.stem)
def test_no_thai_translation_uses_a_forbidden_term(catalog: Path) -> None:
    offences = [
        f"{term.term!r} in {msgstr!r} (msgid {msgid!r})"
        for msgid, msgstr in thai_translations(catalog)
        for term in TERMS
        if term.found_in(msgstr)
    ]
    assert not offences, "\n".join(offences)


def test_complaint_statuses_read_apart() -> None:
    """No status a citizen sees is contained in another ("รับเรื่องแล้ว" inside "หน่วยงานรับเรื่องแล้ว")."""
    from bot.core.i18n import use_locale
    from bot.domain.tickets import STATUS_LABELS

    with use_locale("th"):
        labels = [str(label) for label in STATUS_LABELS.values()]
    assert len(set(labels)) == len(labels)
    overlaps = [(a, b) for a in labels for b in labels if a != b and re.search(re.escape(a), b)]
    assert not overlaps, overlaps
