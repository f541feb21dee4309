"""Ticket numbers: readable, per province and Buddhist year, and unique when many people file at once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from bot.domain.complaints.filing import Draft, file_complaint
from bot.domain.complaints.numbering import allocate_ticket_no, format_ticket_no
from storage.db import Database
from storage.models import Complaint, ComplaintCategory, ComplaintEvent, Person, Province, TicketSequence
from tests.conftest import make_settings

CONCURRENT_FILINGS = 20


@pytest.fixture
async def database(any_database_url: str) -> AsyncIterator[Database]:
    db = Database(any_database_url)
    try:
        yield db
    finally:
        await db.close()


def test_the_format_is_province_code_year_and_a_five_digit_sequence() -> None:
    assert format_ticket_no("CRI", 2569, 42) == "CRI-69-00042"
    assert format_ticket_no("BKK", 2600, 7) == "BKK-00-00007"


async def test_numbers_run_per_province_and_year(database: Database) -> None:
    async with database.write() as session:
        chiang_rai = await session.scalar(select(Province).where(Province.code == "CRI"))
        khon_kaen = await session.scalar(select(Province).where(Province.code == "KKN"))
        assert chiang_rai is not None and khon_kaen is not None
        numbers = [
            await allocate_ticket_no(session, chiang_rai, date(2026, 5, 1)),
            await allocate_ticket_no(session, chiang_rai, date(2026, 5, 2)),
            await allocate_ticket_no(session, khon_kaen, date(2026, 5, 2)),
            await allocate_ticket_no(session, chiang_rai, date(2027, 1, 1)),
        ]
    assert numbers == ["CRI-69-00001", "CRI-69-00002", "KKN-69-00001", "CRI-70-00001"]


async def test_a_rolled_back_filing_gives_its_number_back(database: Database) -> None:
    with pytest.raises(RuntimeError):
        async with database.write() as session:
            province = await session.scalar(select(Province).where(Province.code == "CRI"))
            assert province is not None
            await allocate_ticket_no(session, province, date(2026, 5, 1))
            raise RuntimeError("the filing failed after the number was taken")
    async with database.write() as session:
        province = await session.scalar(select(Province).where(Province.code == "CRI"))
        assert province is not None
        assert await allocate_ticket_no(session, province, date(2026, 5, 1)) == "CRI-69-00001"


async def test_concurrent_filings_get_unique_numbers(database: Database, any_database_url: str) -> None:
    """Twenty complaints filed at the same moment, each in its own transaction, on SQLite and PostgreSQL."""
    settings = make_settings(any_database_url)
    async with database.read() as session:
        person = await session.scalar(select(Person).where(Person.platform_user_id == "citizen-1"))
        province_id = await session.scalar(select(Province.id).where(Province.code == "CRI"))
        category_id = await session.scalar(select(ComplaintCategory.id).where(ComplaintCategory.code == "roads"))
    assert person is not None and province_id is not None
    now = datetime(2026, 5, 1, 3, 0, tzinfo=UTC)

    async def file(n: int) -> str:
        draft = Draft(province_id=province_id, category_id=category_id, description=f"หลุมบนถนน จุดที่ {n}")
        async with database.write() as session:
            complaint = await file_complaint(session, person, draft, channel="simulator", now=now, settings=settings)
            return complaint.ticket_no

    numbers = await asyncio.gather(*(file(n) for n in range(CONCURRENT_FILINGS)))
    assert sorted(numbers) == [f"CRI-69-{n:05d}" for n in range(1, CONCURRENT_FILINGS + 1)]
    async with database.read() as session:
        stored = (await session.scalars(select(Complaint.ticket_no))).all()
        events = await session.scalar(select(func.count()).select_from(ComplaintEvent))
        sequence = await session.get(TicketSequence, (province_id, 2569))
    assert sorted(stored) == sorted(numbers)
    assert events == CONCURRENT_FILINGS
    assert sequence is not None and sequence.last_no == CONCURRENT_FILINGS
