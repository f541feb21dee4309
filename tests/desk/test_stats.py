"""The desk's figures (bot/domain/stats.py) over a handful of complaints whose every figure is known, on SQLite
and PostgreSQL: counted in Bangkok days, so complaints filed or answered just after midnight in Bangkok (still the
day before in UTC) land on the right day, week and month."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.core.i18n import BANGKOK
from bot.domain import stats
from bot.domain.scope import handled_by
from bot.domain.stats import By, ComplaintFilter, Sort, Week, Window
from storage.db import Database
from storage.models import Agency, Complaint, ComplaintCategory, District, Person, Province, Role

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=BANGKOK)  # a Friday of fiscal year 2570 (from 1 October 2026)


def bkk(month: int, day: int, hour: int = 9, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BANGKOK)


@dataclass(frozen=True)
class Places:
    chiang_rai: int
    phetchaburi: int
    agency_x: int
    agency_y: int
    district_1: int
    district_2: int
    roads: int
    water: int


@dataclass(frozen=True)
class Filed:
    number: int
    created: datetime
    status: str
    due: date
    answered: datetime | None = None  # resolved_at (or updated_at of a closed one, see `closed`)
    closed: bool = False
    rating: int | None = None
    x: bool = True  # agency X, district 1, roads; else agency Y, district 2, water
    description: str = "ถนนชำรุดเป็นหลุมลึก"


# Chiang Rai: the answered take 2, 14, 4 and 15 days (median 9); two of four on time; rated 5, 3, 4.
CHIANG_RAI = [
    Filed(1, bkk(10, 5), "resolved", date(2026, 10, 20), bkk(10, 7), rating=5),
    Filed(2, bkk(10, 10), "resolved", date(2026, 10, 20), bkk(10, 24), rating=3),
    Filed(3, bkk(11, 2), "closed", date(2026, 11, 16), bkk(11, 6), closed=True, x=False, description="น้ำไม่ไหล"),
    # Filed in Bangkok's November (UTC: 31 October); open and overdue.
    Filed(4, bkk(11, 1, 0, 30), "received", date(2026, 11, 17), x=False, description="น้ำท่วมขังหน้าบ้าน"),
    Filed(5, bkk(11, 18), "in_progress", date(2026, 12, 2)),
    # Filed last fiscal year; still open and overdue.
    Filed(6, bkk(9, 15), "accepted", date(2026, 9, 29)),
    # Filed on Monday 2 November in Bangkok (UTC: Sunday); answered at 00:30 on the 17th, a day late in Bangkok
    # although still the 16th in UTC.
    Filed(8, bkk(11, 2, 0, 30), "resolved", date(2026, 11, 16), bkk(11, 17, 0, 30), rating=4, x=False),
]


async def _places(db: Database) -> Places:
    async with db.read() as session:
        chiang_rai = await session.scalar(select(Province.id).where(Province.name_th == "เชียงราย"))
        phetchaburi = await session.scalar(select(Province.id).where(Province.name_th == "เพชรบุรี"))
        agencies = (await session.scalars(select(Agency.id).where(Agency.province_id == chiang_rai).limit(2))).all()
        districts = (
            await session.scalars(select(District.id).where(District.province_id == chiang_rai).limit(2))
        ).all()
        roads = await session.scalar(select(ComplaintCategory.id).where(ComplaintCategory.code == "roads"))
        water = await session.scalar(select(ComplaintCategory.id).where(ComplaintCategory.code == "water"))
    assert chiang_rai and phetchaburi and roads and water
    return Places(chiang_rai, phetchaburi, agencies[0], agencies[1], districts[0], districts[1], roads, water)


def _complaint(places: Places, filed: Filed) -> Complaint:
    return Complaint(
        ticket_no=f"CRI-69-{filed.number:05d}",
        province_id=places.chiang_rai,
        agency_id=places.agency_x if filed.x else places.agency_y,
        district_id=places.district_1 if filed.x else places.district_2,
        category_id=places.roads if filed.x else places.water,
        description=filed.description,
        description_hash=f"h{filed.number}",
        channel="simulator",
        status=filed.status,
        due_on=filed.due,
        resolved_at=None if filed.closed else filed.answered,
        rating=filed.rating,
        created_at=filed.created,
        updated_at=filed.answered if filed.closed and filed.answered else filed.created,
    )


@pytest.fixture
async def seeded(any_database_url: str) -> AsyncIterator[tuple[Database, Places]]:
    db = Database(any_database_url)
    places = await _places(db)
    async with db.write() as session:
        session.add_all([_complaint(places, filed) for filed in CHIANG_RAI])
        session.add(  # Phetchaburi: answered in 2 days, on time, rated 1
            Complaint(
                ticket_no="PBI-69-00007",
                province_id=places.phetchaburi,
                description="ไฟถนนดับทั้งซอย",
                description_hash="h7",
                channel="simulator",
                status="resolved",
                due_on=date(2026, 11, 24),
                resolved_at=bkk(11, 12),
                rating=1,
                created_at=bkk(11, 10),
                updated_at=bkk(11, 12),
            )
        )
    yield db, places
    await db.close()


async def test_a_province_overview_counts_in_bangkok_days(seeded: tuple[Database, Places]) -> None:
    db, places = seeded
    async with db.read() as session:
        figures = await stats.overview(session, stats.province_scope(places.chiang_rai), NOW)
    assert figures.window == Window(date(2026, 10, 1), date(2026, 11, 20))
    assert (figures.received, figures.received_year, figures.received_month) == (6, 6, 4)
    assert (figures.open, figures.overdue) == (3, 2)
    assert (figures.answered, figures.answered_on_time, figures.on_time_percent) == (4, 2, 50.0)
    assert figures.median_days == pytest.approx(9.0)
    assert (figures.mean_rating, figures.ratings) == (pytest.approx(4.0), 3)


async def test_the_national_overview_adds_every_province(seeded: tuple[Database, Places]) -> None:
    db, _places = seeded
    async with db.read() as session:
        figures = await stats.overview(session, stats.province_scope(None), NOW)
    assert (figures.received, figures.open, figures.overdue) == (7, 3, 2)
    assert (figures.answered, figures.answered_on_time, figures.on_time_percent) == (5, 3, 60.0)
    assert figures.median_days == pytest.approx(4.0)  # 2, 2, 4, 14, 15
    assert figures.mean_rating == pytest.approx(3.25)


async def test_a_chosen_window_counts_only_its_days(seeded: tuple[Database, Places]) -> None:
    db, places = seeded
    november = Window(date(2026, 11, 1), date(2026, 11, 30))
    async with db.read() as session:
        figures = await stats.overview(session, stats.province_scope(places.chiang_rai), NOW, november)
    assert (figures.received, figures.answered, figures.answered_on_time) == (4, 2, 1)
    assert figures.median_days == pytest.approx(9.5)  # 4 and 15 days
    assert figures.open == 3  # open counts whenever filed


async def test_the_weekly_trend_lists_every_week_from_monday(seeded: tuple[Database, Places]) -> None:
    db, places = seeded
    async with db.read() as session:
        weeks = await stats.weekly_trend(session, stats.province_scope(places.chiang_rai), NOW, weeks=8)
    monday = date(2026, 9, 28)
    expected = [(2, 2), (0, 0), (0, 0), (1, 0), (2, 2), (0, 0), (1, 0)]
    assert weeks == [Week(monday, 0, 0)] + [
        Week(monday + timedelta(weeks=n + 1), received, answered) for n, (received, answered) in enumerate(expected)
    ]


async def test_breakdowns_by_agency_category_and_district(seeded: tuple[Database, Places]) -> None:
    db, places = seeded
    scope = stats.province_scope(places.chiang_rai)
    async with db.read() as session:
        agencies = await stats.breakdown(session, scope, NOW, By.AGENCY)
        categories = await stats.breakdown(session, scope, NOW, By.CATEGORY)
        districts = await stats.breakdown(session, scope, NOW, By.DISTRICT)
    counted = {line.id: (line.received, line.open, line.overdue) for line in agencies}
    assert counted == {places.agency_x: (3, 2, 1), places.agency_y: (3, 1, 1)}
    assert {line.name_th: (line.received, line.open, line.overdue) for line in categories} == {
        "ถนน/ทางเท้า": (3, 2, 1),
        "น้ำประปา": (3, 1, 1),
    }
    assert {line.id: line.received for line in districts} == {places.district_1: 3, places.district_2: 3}


async def test_the_agency_league_puts_the_shorter_median_first_on_equal_shares(
    seeded: tuple[Database, Places],
) -> None:
    db, places = seeded
    async with db.read() as session:
        league = await stats.agency_league(session, stats.province_scope(places.chiang_rai), NOW)
    assert [line.id for line in league] == [places.agency_x, places.agency_y]
    x, y = league
    assert (x.received, x.answered, x.answered_on_time, x.on_time_percent) == (3, 2, 1, 50.0)
    assert (x.median_days, x.mean_rating, x.ratings) == (pytest.approx(8.0), pytest.approx(4.0), 2)
    assert (y.received, y.answered, y.answered_on_time) == (3, 2, 1)
    assert (y.median_days, y.mean_rating, y.ratings) == (pytest.approx(9.5), pytest.approx(4.0), 1)


def _numbers(page: stats.ComplaintPage) -> list[str]:
    return [row.complaint.ticket_no for row in page.rows]


async def test_the_list_filters_searches_sorts_and_pages(seeded: tuple[Database, Places]) -> None:
    db, places = seeded
    scope = stats.province_scope(places.chiang_rai)
    async with db.read() as session:
        overdue = await stats.complaint_page(session, scope, ComplaintFilter(overdue=True, sort=Sort.DUE), NOW)
        flooded = await stats.complaint_page(session, scope, ComplaintFilter(text="ท่วมขัง"), NOW)
        by_subject = await stats.complaint_page(session, scope, ComplaintFilter(text="ประปา"), NOW)
        by_number = await stats.complaint_page(session, scope, ComplaintFilter(text="cri-69-0000"), NOW)
        wildcard = await stats.complaint_page(session, scope, ComplaintFilter(text="%"), NOW)
        open_x = ComplaintFilter(statuses=("received", "accepted", "in_progress"), agency_id=places.agency_x)
        open_of_x = await stats.complaint_page(session, scope, open_x, NOW)
        page_two = await stats.complaint_page(
            session, scope, ComplaintFilter(sort=Sort.OLDEST), NOW, page=2, per_page=4
        )
        november = ComplaintFilter(received_from=date(2026, 11, 1), received_to=date(2026, 11, 2))
        first_days = await stats.complaint_page(session, scope, november, NOW)
    assert _numbers(overdue) == ["CRI-69-00006", "CRI-69-00004"]
    assert _numbers(flooded) == ["CRI-69-00004"]
    assert (flooded.rows[0].category_th, flooded.rows[0].province_th) == ("น้ำประปา", "เชียงราย")
    assert sorted(_numbers(by_subject)) == ["CRI-69-00003", "CRI-69-00004", "CRI-69-00008"]
    assert by_number.total == 7  # Chiang Rai's, not Phetchaburi's PBI-69-00007
    assert wildcard.total == 0  # a typed % is a character, not a wildcard
    assert _numbers(open_of_x) == ["CRI-69-00005", "CRI-69-00006"]  # newest first by default
    assert (page_two.total, page_two.pages, page_two.page) == (7, 2, 2)
    assert _numbers(page_two) == ["CRI-69-00008", "CRI-69-00003", "CRI-69-00005"]
    assert sorted(_numbers(first_days)) == ["CRI-69-00003", "CRI-69-00004", "CRI-69-00008"]


async def test_an_officer_lists_only_their_agencys_complaints(seeded: tuple[Database, Places]) -> None:
    db, places = seeded
    officer = Person(role=Role.OFFICER, province_id=places.chiang_rai, agency_id=places.agency_y)
    async with db.read() as session:
        listed = await stats.complaint_page(session, handled_by(officer), ComplaintFilter(), NOW)
        figures = await stats.overview(session, handled_by(officer), NOW)
    assert _numbers(listed) == ["CRI-69-00003", "CRI-69-00008", "CRI-69-00004"]
    assert (figures.received, figures.open, figures.answered) == (3, 1, 2)


async def test_the_national_overview_breaks_down_by_province(seeded: tuple[Database, Places]) -> None:
    db, _places = seeded
    async with db.read() as session:
        figures = await stats.dashboard(session, stats.province_scope(None), NOW, places=By.PROVINCE)
    counted = {line.name_th: (line.received, line.open, line.overdue) for line in figures.places}
    assert counted == {"เชียงราย": (6, 3, 2), "เพชรบุรี": (1, 0, 0)}
    assert [line.name_th for line in figures.places] == ["เชียงราย", "เพชรบุรี"]  # the most received first


async def test_a_long_list_counts_up_to_the_limit_and_says_more(
    seeded: tuple[Database, Places], monkeypatch: pytest.MonkeyPatch
) -> None:
    db, places = seeded
    monkeypatch.setattr(stats, "COUNT_LIMIT", 4)  # Chiang Rai has 7 complaints
    scope = stats.province_scope(places.chiang_rai)
    async with db.read() as session:
        first = await stats.complaint_page(session, scope, ComplaintFilter(sort=Sort.OLDEST), NOW, per_page=2)
        third = await stats.complaint_page(session, scope, ComplaintFilter(sort=Sort.OLDEST), NOW, page=3, per_page=2)
        few = await stats.complaint_page(session, scope, ComplaintFilter(text="ท่วมขัง"), NOW, per_page=2)
    assert (first.total, first.more, first.pages) == (4, True, 2)
    assert (third.page, third.pages) == (3, 4)  # a next page is always offered while more match
    assert _numbers(third) == ["CRI-69-00008", "CRI-69-00003"]  # the fifth and sixth filed
    assert (few.total, few.more, few.pages) == (1, False, 1)
