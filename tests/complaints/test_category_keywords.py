"""The secretariat extends the words that suggest a category (`hpp-bot categories keywords …`), and the next
problem typed with such a word is suggested that category."""

from __future__ import annotations

import asyncio

import pytest

from bot.domain.complaints.keywords import suggest_for_text
from storage.db import Database
from tests.support.cli import hpp_bot

POWER_CUT = "ไฟฟ้าดับทั้งหมู่บ้านตั้งแต่เมื่อคืน ตู้เย็นเสียหมด"


def suggested(url: str, text: str) -> str | None:
    async def go() -> str | None:
        db = Database(url)
        try:
            async with db.read() as session:
                category = await suggest_for_text(session, text)
        finally:
            await db.close()
        return category.code if category else None

    return asyncio.run(go())


def test_a_keyword_added_by_the_secretariat_suggests_its_category(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert suggested(sqlite_url, POWER_CUT) is None  # "ไฟ" is not a word of "ไฟฟ้า": nothing shipped matches
    assert hpp_bot(sqlite_url, "categories", "keywords", "add", "public_services", "ไฟฟ้า", "Power") == 0
    assert capsys.readouterr().out.splitlines() == ["ไฟฟ้า: added", "power: added"]
    assert suggested(sqlite_url, POWER_CUT) == "public_services"
    assert suggested(sqlite_url, "Power cut in the whole village since last night") == "public_services"
    assert hpp_bot(sqlite_url, "categories", "keywords", "list", "--category", "public_services") == 0
    assert "ไฟฟ้า (added)" in capsys.readouterr().out
    assert hpp_bot(sqlite_url, "categories", "keywords", "remove", "ไฟฟ้า") == 0
    assert suggested(sqlite_url, POWER_CUT) is None


def test_what_cannot_be_added_or_removed_is_said_and_nothing_changes(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert hpp_bot(sqlite_url, "categories", "keywords", "add", "roads", "ขยะ") == 1
    assert capsys.readouterr().out.strip() == "ขยะ: not added: it suggests waste already"
    assert hpp_bot(sqlite_url, "categories", "keywords", "add", "potholes", "หลุม") == 2
    assert "no complaint category 'potholes'" in capsys.readouterr().err
    assert hpp_bot(sqlite_url, "categories", "keywords", "remove", "ถนน", "ไม่มีคำนี้") == 1
    assert capsys.readouterr().out.splitlines() == [
        "ถนน: not removed: one of the project's own words (storage/data/fixed_lists.py)",
        "ไม่มีคำนี้: not found",
    ]
    assert suggested(sqlite_url, "ขยะล้นถังหน้าตลาด") == "waste"
    assert suggested(sqlite_url, "ถนนหน้าตลาดพังเป็นแนวยาว") == "roads"
