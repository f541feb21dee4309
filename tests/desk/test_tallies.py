"""The complaint tallies (bot/domain/tallies.py, kept by migration 0016's triggers) against the complaints
themselves, on SQLite and PostgreSQL: after filing through the real filing path and every kind of change a desk
makes (accept, forward, resolve, rate, reject, close, erase), the tallies equal a recount from scratch, and every
figure of the desk and the public pages read from them equals the same figure counted directly."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import ColumnElement, delete, func, select, true

from bot.cli import main as cli_main
from bot.cli.demo import generate
from bot.core.i18n import BANGKOK
from bot.domain import stats, tallies
from bot.domain.complaints.filing import Draft, file_complaint
from bot.domain.tickets import change_status, forward
from bot.settings import get_settings
from storage.db import Database
from storage.migrate import upgrade
from storage.models import (
    Agency,
    AnswerDayMark,
    Complaint,
    ComplaintAnswerDays,
    ComplaintCategory,
    ComplaintStatus,
    ComplaintTally,
    District,
    Province,
)
from storage.seed import seed
from tests.conftest import make_settings

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=BANGKOK)


async def _snapshot(db: Database) -> tuple[set[tuple[object, ...]], set[tuple[object, ...]]]:
    """Both tables' non-empty rows (a row counted and then taken away again stays, holding zeros)."""
    async with db.read() as session:
        counted = (await session.execute(select(ComplaintTally))).scalars().all()
        days = (await session.execute(select(ComplaintAnswerDays))).scalars().all()
    return (
        {
            (t.province_id, t.period, t.dim, t.dim_id, t.received, t.answered, t.on_time, t.rating_sum, t.ratings)
            for t in counted
            if (t.received, t.answered, t.on_time, t.rating_sum, t.ratings) != (0, 0, 0, 0, 0)
        },
        {(d.province_id, d.period, d.dim, d.dim_id, d.days, d.answered) for d in days if d.answered},
    )


@pytest.fixture
async def handled(any_database_url: str) -> AsyncIterator[tuple[Database, int]]:
    db = Database(any_database_url)
    province_id = await _file_and_handle(db, any_database_url)
    yield db, province_id
    await db.close()


async def _file_and_handle(db: Database, url: str) -> int:
    """Chiang Rai's complaints over three months, filed and then handled as a desk would."""
    settings = make_settings(url)
    async with db.write() as session:
        province = await session.scalar(select(Province).where(Province.code == "CRI"))
        assert province is not None
        districts = (await session.scalars(select(District.id).where(District.province_id == province.id))).all()
        agencies = (await session.scalars(select(Agency).where(Agency.province_id == province.id))).all()
        categories = (await session.scalars(select(ComplaintCategory.id))).all()
        filed: list[Complaint] = []
        for n in range(24):
            when = NOW - timedelta(days=3 * n, hours=n)  # some just after midnight in Bangkok
            draft = Draft(
                province_id=province.id,
                district_id=districts[n % 3] if n % 5 else None,
                category_id=categories[n % 4],
                description=f"ถนนเป็นหลุมลึก {n}",
            )
            filed.append(await file_complaint(session, None, draft, channel="line", now=when, settings=settings))
        for n, complaint in enumerate(filed):
            later = complaint.created_at + timedelta(days=1 + n % 9, hours=n % 7)
            if n % 4 == 0:
                await change_status(session, complaint, ComplaintStatus.ACCEPTED, now=later, tell=None)
            if n % 4 == 1:
                other = next(a for a in agencies if a.id != complaint.agency_id)
                await forward(
                    session, complaint, other, now=later, note="ส่งต่อ", actor=None, tell=None, tell_agency=None
                )
            if n % 3 == 0:
                await change_status(session, complaint, ComplaintStatus.RESOLVED, now=later, tell=None)
                complaint.rating = 1 + n % 5
            if n % 7 == 2:
                await change_status(session, complaint, ComplaintStatus.CLOSED, now=later, tell=None)
            if n == 5:
                await change_status(session, complaint, ComplaintStatus.REJECTED, now=later, tell=None)
        await session.flush()
        await session.execute(delete(Complaint).where(Complaint.id == filed[7].id))  # erased
    return province.id


async def test_the_tallies_equal_a_recount_after_filing_and_handling(handled: tuple[Database, int]) -> None:
    db, _province = handled
    kept = await _snapshot(db)
    async with db.write() as session:
        await tallies.rebuild(session)
    recounted = await _snapshot(db)
    assert kept[0] and kept[1]
    assert kept == recounted


def test_the_command_recounts_lost_tallies(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    get_settings.cache_clear()
    db = Database(sqlite_url)

    async def handle_then_lose_the_tallies() -> tuple[set[tuple[object, ...]], set[tuple[object, ...]]]:
        await _file_and_handle(db, sqlite_url)
        kept = await _snapshot(db)
        async with db.write() as session:
            await session.execute(delete(ComplaintTally))
            await session.execute(delete(ComplaintAnswerDays))
        return kept

    try:
        kept = asyncio.run(handle_then_lose_the_tallies())
        assert kept[0] and kept[1]
        assert cli_main(["tallies", "rebuild"]) == 0
        assert "tallies rebuilt:" in capsys.readouterr().out
        assert asyncio.run(_snapshot(db)) == kept
    finally:
        asyncio.run(db.close())
        get_settings.cache_clear()


def _direct(province_id: int | None) -> ColumnElement[bool]:
    """The same province, unmarked: the figures count the complaints themselves."""
    return true() if province_id is None else Complaint.province_id == province_id


# None: the fiscal year to date, its agencies' medians from the fiscal-year histograms; October alone: from the
# months' (November holds answered complaints of the same fiscal year); the last: with edge days counted directly.
WINDOWS = [
    None,
    stats.Window(date(2026, 10, 1), date(2026, 10, 31)),
    stats.Window(date(2026, 9, 5), date(2026, 11, 12)),
]


@pytest.mark.parametrize("window", WINDOWS)
@pytest.mark.parametrize("national", [False, True])
async def test_the_figures_from_the_tallies_equal_those_counted_directly(
    handled: tuple[Database, int], window: stats.Window | None, national: bool
) -> None:
    db, province_id = handled
    wanted = None if national else province_id
    tallied, direct = stats.province_scope(wanted), _direct(wanted)
    assert tallies.area_of(tallied) is not None and tallies.area_of(direct) is None
    async with db.read() as session:
        for by in (stats.By.CATEGORY, stats.By.DISTRICT, stats.By.AGENCY):
            assert await stats.breakdown(session, tallied, NOW, by, window) == await stats.breakdown(
                session, direct, NOW, by, window
            )
        assert await stats.overview(session, tallied, NOW, window) == await stats.overview(session, direct, NOW, window)
        assert await stats.weekly_trend(session, tallied, NOW) == await stats.weekly_trend(session, direct, NOW)
        places = stats.By.PROVINCE if national else stats.By.DISTRICT
        assert await stats.dashboard(session, tallied, NOW, window, places=places) == await stats.dashboard(
            session, direct, NOW, window, places=places
        )
        league = await stats.agency_league(session, tallied, NOW, window)
        assert league == await stats.agency_league(session, direct, NOW, window)
    assert sum(line.received for line in league) > 0


def test_the_median_of_a_histogram_is_the_middle_value_or_the_mean_of_the_middle_two() -> None:
    from collections import Counter

    assert tallies.median(Counter()) is None
    assert tallies.median(Counter({4: 1})) == 4
    assert tallies.median(Counter({2: 2, 4: 1, 14: 1, 15: 1})) == 4  # 2, 2, 4, 14, 15
    assert tallies.median(Counter({4: 1, 15: 1})) == 9.5
    assert tallies.median(Counter({1: 3, 9: 1})) == 1


async def test_the_migration_tallies_the_complaints_already_there(tmp_path: Path) -> None:
    """An installation with complaints before migration 0016 gets its tallies (and search index) on upgrade."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'before.db'}"
    await asyncio.to_thread(upgrade, url, "0014_programme")
    db = Database(url)
    try:
        await seed(db)
        await generate(db, make_settings(url), 300, now=NOW)
        await db.close()
        await asyncio.to_thread(upgrade, url)
        upgraded = await _snapshot(db)
        async with db.write() as session:
            await tallies.rebuild(session)
        assert upgraded[0] and upgraded == await _snapshot(db)
        async with db.read() as session:
            wanted = stats.ComplaintFilter(text="ท่วมขัง")
            found = await stats.complaint_page(session, stats.province_scope(None), wanted, NOW)
            direct = await session.scalar(
                select(func.count()).select_from(Complaint).where(Complaint.description.like("%ท่วมขัง%"))
            )
        assert found.total == direct and direct
    finally:
        await db.close()


async def test_the_national_league_reads_a_changed_answer_at_once(handled: tuple[Database, int]) -> None:
    """The fiscal year's agency medians are kept in memory between pages (migration 0020's marks); a complaint
    answered later than it was shows in the very next league, the same as counted directly."""
    db, _province = handled
    national = stats.province_scope(None)
    async with db.read() as session:
        before = await stats.agency_league(session, national, NOW)
        assert before == await stats.agency_league(session, national, NOW)  # the second read, from memory
    fiscal_year = datetime(2026, 10, 1, tzinfo=BANGKOK)
    async with db.write() as session:
        answered = (
            await session.scalars(
                select(Complaint).where(
                    Complaint.status.in_(tallies.ANSWERED),
                    Complaint.created_at >= fiscal_year,
                    Complaint.agency_id.is_not(None),
                )
            )
        ).all()
        fewest = min(answered, key=lambda c: sum(o.agency_id == c.agency_id for o in answered))
        fewest.resolved_at = fewest.created_at + timedelta(days=45)
        agency = fewest.agency_id
    async with db.read() as session:
        after = await stats.agency_league(session, national, NOW)
        assert after == await stats.agency_league(session, _direct(None), NOW)
    median_of = {line.id: line.median_days for line in before}
    assert next(line.median_days for line in after if line.id == agency) != median_of[agency]


async def test_a_rebuild_moves_every_mark_so_no_figure_is_kept_from_before(handled: tuple[Database, int]) -> None:
    db, _province = handled
    async with db.write() as session:
        await tallies.rebuild(session)
        first = dict((await session.execute(select(AnswerDayMark.province_id, AnswerDayMark.changes))).all())
        await tallies.rebuild(session)
        second = dict((await session.execute(select(AnswerDayMark.province_id, AnswerDayMark.changes))).all())
        provinces = set((await session.scalars(select(Province.id))).all())
    assert set(first) == set(second) == provinces
    assert all(second[p] == first[p] + 1 for p in provinces)
