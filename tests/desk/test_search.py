"""Thai text search over the complaints' descriptions through the trigram indexes (bot/domain/search.py, migration
0016), on SQLite (FTS5) and PostgreSQL (pg_trgm): a part of a word finds it, a changed or erased description is
found by its new text only, short texts and quotes work."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.domain import stats
from bot.domain.complaints.filing import Draft, file_complaint
from storage.db import Database
from storage.models import Complaint, Province
from tests.conftest import make_settings

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


async def _numbers(db: Database, text: str) -> list[str]:
    async with db.read() as session:
        found = await stats.complaint_page(session, stats.province_scope(None), stats.ComplaintFilter(text=text), NOW)
    return sorted(row.complaint.ticket_no for row in found.rows)


async def test_a_part_of_a_thai_word_finds_the_complaint_and_a_changed_text_is_found_anew(
    any_database_url: str,
) -> None:
    db = Database(any_database_url)
    settings = make_settings(any_database_url)
    try:
        async with db.write() as session:
            province = await session.scalar(select(Province).where(Province.code == "CRI"))
            assert province is not None
            filed = []
            for text in ("น้ำท่วมขังหน้าบ้าน", 'ป้ายเขียนว่า "ห้ามจอด" ขวางทาง', "ไฟดับ"):
                draft = Draft(province_id=province.id, description=text)
                filed.append(await file_complaint(session, None, draft, channel="line", now=NOW, settings=settings))
        flooded, sign, dark = (c.ticket_no for c in filed)
        assert await _numbers(db, "ท่วมขัง") == [flooded]
        assert await _numbers(db, '"ห้ามจอด"') == [sign]
        assert await _numbers(db, "ดับ") == [dark]
        assert await _numbers(db, "ไฟ") == [dark]  # under three characters: no trigram, still found
        assert await _numbers(db, "ถนนพัง") == []
        async with db.write() as session:
            complaint = await session.scalar(select(Complaint).where(Complaint.ticket_no == flooded))
            assert complaint is not None
            complaint.description = "ถนนพังเป็นหลุม"
        assert await _numbers(db, "ท่วมขัง") == []
        assert await _numbers(db, "ถนนพัง") == [flooded]
    finally:
        await db.close()
