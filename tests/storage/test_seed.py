"""The seed loads the admin areas, fixed lists, deadlines, agencies and CEO agendas, idempotently."""

from __future__ import annotations

import csv
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from storage.db import Database
from storage.models import (
    Agency,
    AgencyRoute,
    Agenda,
    AgendaMechanism,
    Base,
    ComplaintCategory,
    Deadline,
    District,
    FiscalYear,
    Kpi,
    Mechanism,
    Person,
    ProgrammeStep,
    Province,
    Subdistrict,
)
from storage.seed import (
    ADMIN_AREAS_CSV,
    PROVINCES_CSV,
    SeedReport,
    date_in_fiscal_year,
    fiscal_year_bounds,
    fiscal_year_of,
    seed,
)

TODAY = date(2024, 5, 1)  # fiscal year 2567, during the CEO-governor trial
PILOTS_2021 = set(
    [
        "นนทบุรี",
        "สมุทรปราการ",
        "สระบุรี",
        "สิงห์บุรี",
        "ชลบุรี",
        "จันทบุรี",
        "ขอนแก่น",
        "ร้อยเอ็ด",
        "อุดรธานี",
        "สกลนคร",
        "นครราชสีมา",
        "ระนอง",
        "กระบี่",
        "นครศรีธรรมราช",
        "นราธิวาส",
        "แพร่",
        "เชียงราย",
        "ลำปาง",
        "ตาก",
        "พิษณุโลก",
        "เพชรบูรณ์",
        "นครสวรรค์",
    ]
)
CEO_PILOTS = {"อุบลราชธานี", "บุรีรัมย์", "ขอนแก่น", "เชียงราย", "เพชรบุรี"}


async def _count(db: Database, model: type[Any]) -> int:
    """Rows in a model's table."""
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _all_counts(db: Database) -> dict[str, int]:
    """Row count of every table."""
    async with db.read() as session:
        return {
            table.name: int(await session.scalar(select(func.count()).select_from(table)) or 0)
            for table in Base.metadata.sorted_tables
        }


def _districts_without_coordinates() -> set[tuple[str, str]]:
    """Districts none of whose subdistricts has a centroid in the CSV."""
    located: set[tuple[str, str]] = set()
    every: set[tuple[str, str]] = set()
    with ADMIN_AREAS_CSV.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            key = (row["province"], row["district"])
            every.add(key)
            if row["latitude"] != "null":
                located.add(key)
    return every - located


def test_fiscal_year_arithmetic() -> None:
    """Thai fiscal years start on 1 October of the previous CE year."""
    assert fiscal_year_of(date(2021, 10, 1)) == 2565
    assert fiscal_year_of(date(2022, 9, 30)) == 2565
    assert fiscal_year_of(date(2026, 11, 23)) == 2570
    assert fiscal_year_bounds(2565) == (date(2021, 10, 1), date(2022, 9, 30))
    assert date_in_fiscal_year(2565, 12, 17) == date(2021, 12, 17)
    assert date_in_fiscal_year(2565, 8, 31) == date(2022, 8, 31)


def test_provinces_csv_matches_admin_areas() -> None:
    """77 provinces spelled as in the admin areas CSV, with unique 3-letter codes."""
    with ADMIN_AREAS_CSV.open(encoding="utf-8") as handle:
        area_names = {row["province"] for row in csv.DictReader(handle)}
    with PROVINCES_CSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 77
    assert {row["name_th"] for row in rows} == area_names
    codes = [row["code"] for row in rows]
    assert len(set(codes)) == 77 and all(len(c) == 3 and c.isascii() and c.isupper() for c in codes)


async def test_seed_loads_admin_areas(database: Database) -> None:
    """77 provinces, 929 districts and 7,427 subdistricts, each with the pilot flags of DOMAIN.md."""
    await seed(database, today=TODAY)
    assert await _count(database, Province) == 77
    assert await _count(database, District) == 929
    assert await _count(database, Subdistrict) == 7427
    async with database.read() as session:
        pilots = set((await session.execute(select(Province.name_th).where(Province.is_pilot_2021))).scalars())
        ceo = set((await session.execute(select(Province.name_th).where(Province.is_ceo_pilot_2024))).scalars())
        codes = dict((await session.execute(select(Province.name_th, Province.code))).all())
        unlocated = await session.scalar(select(func.count()).where(Subdistrict.latitude.is_(None)))
        district_unlocated = await session.scalar(select(func.count()).where(District.latitude.is_(None)))
    assert pilots == PILOTS_2021
    assert ceo == CEO_PILOTS
    assert codes["กรุงเทพมหานคร"] == "BKK" and codes["เชียงราย"] == "CRI" and codes["ขอนแก่น"] == "KKN"
    assert unlocated == 137
    assert district_unlocated == len(_districts_without_coordinates())


async def test_seed_fixed_lists_and_fiscal_years(database: Database) -> None:
    """Fixed lists by code, and fiscal years from 2565 to the year after the current one."""
    await seed(database, today=TODAY)
    async with database.read() as session:
        mechanisms = set((await session.execute(select(Mechanism.code))).scalars())
        categories = set((await session.execute(select(ComplaintCategory.code))).scalars())
        steps = (await session.execute(select(ProgrammeStep.code).order_by(ProgrammeStep.position))).scalars()
        years = (await session.execute(select(FiscalYear).order_by(FiscalYear.year_be))).scalars().all()
    assert {"digital_government", "public_innovation", "open_government"} < mechanisms
    assert len(categories) == 10 and {"roads", "water", "flood", "land", "corruption", "other"} < categories
    assert list(steps) == ["select_agenda", "submit_proposal", "track_progress", "report_results"]
    assert [y.year_be for y in years] == [2565, 2566, 2567, 2568]
    assert (years[0].starts_on, years[0].ends_on) == (date(2021, 10, 1), date(2022, 9, 30))


async def test_seed_deadlines(database: Database) -> None:
    """FY 2565's proposal and report deadlines, for every province, from the articles; the current year's are not
    copied from them (issue 12: the national secretariat enters them)."""
    await seed(database, today=TODAY)
    async with database.read() as session:
        result = await session.execute(
            select(FiscalYear.year_be, ProgrammeStep.code, Deadline.due_on, Deadline.province_id)
            .join(FiscalYear, Deadline.fiscal_year_id == FiscalYear.id)
            .join(ProgrammeStep, Deadline.step_id == ProgrammeStep.id)
        )
        rows = set(result)
    assert rows == {
        (2565, "submit_proposal", date(2021, 12, 17), None),
        (2565, "report_results", date(2022, 10, 15), None),
    }


async def test_seed_ceo_agendas(database: Database) -> None:
    """Five CEO pilot agendas in the current year, each with open government and at least 2 KPIs."""
    await seed(database, today=TODAY)
    async with database.read() as session:
        agendas = (await session.execute(select(Agenda).where(Agenda.is_ceo_pilot))).scalars().all()
        provinces = dict((await session.execute(select(Province.id, Province.name_th))).all())
        fy = await session.scalar(select(FiscalYear.id).where(FiscalYear.year_be == 2567))
        for agenda in agendas:
            kpis = (await session.execute(select(Kpi).where(Kpi.agenda_id == agenda.id))).scalars().all()
            mechanisms = await session.execute(
                select(Mechanism.code)
                .join(AgendaMechanism, AgendaMechanism.mechanism_id == Mechanism.id)
                .where(AgendaMechanism.agenda_id == agenda.id)
            )
            assert len(kpis) >= 2
            assert any(k.reporting_cycle == "monthly" and k.reporting_day == 5 for k in kpis)
            assert all(k.unit in {"number", "percent"} and k.kind in {"cumulative", "level", "milestone"} for k in kpis)
            assert all(k.is_example for k in kpis)  # made-up figures, shown as such
            assert all((k.stages is not None) == (k.kind == "milestone") for k in kpis)
            assert "open_government" in set(mechanisms.scalars())
            assert agenda.fiscal_year_id == fy and agenda.owner_agency_id and agenda.dimension_id
            assert agenda.goal_th and agenda.goal_en and agenda.title_en
    assert len(agendas) == 5
    assert {provinces[a.province_id] for a in agendas} == CEO_PILOTS
    async with database.read() as session:
        hotspots = await session.scalar(select(Kpi).where(Kpi.name_th == "จำนวนจุดความร้อน (Hotspot) สะสม"))
    assert hotspots is not None  # a yearly cap, reported month by month
    assert (hotspots.kind, hotspots.higher_is_better, hotspots.target, hotspots.reporting_cycle) == (
        "cumulative",
        False,
        4000,
        "monthly",
    )


async def test_seed_agencies_routes_and_demo_people_only_when_asked(database: Database) -> None:
    """Agencies per province, a route for every category in every province; the simulator's demo people only with
    `demo` (issue 16: a demo secretariat member in production let anyone in through the simulator)."""
    await seed(database, today=TODAY)
    async with database.read() as session:
        assert (await session.scalars(select(Person.platform_user_id))).all() == []
    await seed(database, today=TODAY, demo=True)
    async with database.read() as session:
        offices = await session.scalar(
            select(func.count()).where(Agency.code == "provincial_office", Agency.district_id.is_(None))
        )
        province_routes = await session.scalar(select(func.count()).where(AgencyRoute.district_id.is_(None)))
        route_agency = aliased(Agency)
        corruption = await session.execute(
            select(route_agency.code)
            .join(AgencyRoute, AgencyRoute.agency_id == route_agency.id)
            .join(ComplaintCategory, AgencyRoute.category_id == ComplaintCategory.id)
            .where(ComplaintCategory.code == "corruption")
        )
        district_offices = await session.execute(
            select(Province.is_ceo_pilot_2024, Province.code)
            .join(Agency, Agency.province_id == Province.id)
            .where(Agency.code == "district_office")
        )
        people = (await session.execute(select(Person).where(Person.channel == "simulator"))).scalars().all()
        officer_agency = await session.scalar(
            select(Agency.code).join(Person, Person.agency_id == Agency.id).where(Person.chat_id == "officer-1")
        )
    assert offices == 77
    assert province_routes == 77 * 10
    assert set(corruption.scalars()) == {"damrongdhama"}
    assert {pilot or code == "BKK" for pilot, code in district_offices} == {True}  # and Bangkok's สำนักงานเขต
    assert {p.platform_user_id: p.role for p in people} == {
        "citizen-1": "citizen",
        "officer-1": "officer",
        "secretariat-1": "secretariat",
    }
    assert officer_agency == "natural_resources"


async def test_seed_is_idempotent(database: Database) -> None:
    """A second run inserts nothing and leaves every table's count unchanged."""
    await seed(database, today=TODAY)
    before = await _all_counts(database)
    report = await seed(database, today=TODAY)
    assert report == SeedReport()
    assert report.total == 0
    assert await _all_counts(database) == before
    assert before["provinces"] == 77 and before["subdistricts"] == 7427
