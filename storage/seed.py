"""Seed data: admin areas, fixed lists, fiscal years, deadlines, agencies, CEO agendas; demo people on request.

Idempotent: every row is looked up by its natural key first and only what is missing is inserted, in one
transaction. The admin areas (77 provinces, 929 districts, 7,427 subdistricts) go in with bulk inserts and are
skipped outright once the province and district counts are complete.
"""

from __future__ import annotations

import asyncio
import csv
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Executable, func, insert, inspect, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.data.ceo_agendas import CEO_AGENDAS, AgendaSpec, KpiSpec
from storage.data.fixed_lists import (
    BANGKOK,
    BANGKOK_AGENCIES,
    BANGKOK_ROUTES,
    CATEGORY_KEYWORDS,
    COMPLAINT_CATEGORIES,
    DIMENSIONS,
    DISTRICT_OFFICE,
    DISTRICT_ROUTE_CATEGORIES,
    KHET_OFFICE,
    KHET_ROUTE_CATEGORIES,
    MECHANISMS,
    METROPOLITAN_WATERWORKS,
    MWA,
    PARTNER_SECTORS,
    PROGRAMME_STEPS,
    PROVINCE_ROUTES,
    PROVINCIAL_AGENCIES,
    WORKING_GROUPS,
    AgencySpec,
    Listed,
)
from storage.db import Database
from storage.models import (
    Agency,
    AgencyRoute,
    Agenda,
    AgendaMechanism,
    CategoryKeyword,
    ComplaintCategory,
    Deadline,
    Dimension,
    District,
    FiscalYear,
    Kpi,
    Mechanism,
    PartnerSector,
    Person,
    ProgrammeStep,
    Province,
    Role,
    Subdistrict,
    WorkingGroup,
)

DATA_DIR = Path(__file__).parent / "data"
ADMIN_AREAS_CSV = DATA_DIR / "thai_admin_areas.csv"
PROVINCES_CSV = DATA_DIR / "provinces.csv"

PROVINCE_COUNT = 77
DISTRICT_COUNT = 929
FIRST_FISCAL_YEAR = 2565
BE_OFFSET = 543
SIMULATOR = "simulator"
DEMO_PROVINCE = "เชียงราย"
SHORT_NAME_MAX = 20  # a LINE button label

ListedModel = (
    type[Dimension]
    | type[Mechanism]
    | type[PartnerSector]
    | type[WorkingGroup]
    | type[ComplaintCategory]
    | type[ProgrammeStep]
)
Row = dict[str, Any]


@dataclass
class SeedReport:
    """How many rows of each kind the seed inserted."""

    provinces: int = 0
    districts: int = 0
    subdistricts: int = 0
    dimensions: int = 0
    mechanisms: int = 0
    partner_sectors: int = 0
    working_groups: int = 0
    programme_steps: int = 0
    complaint_categories: int = 0
    category_keywords: int = 0
    fiscal_years: int = 0
    deadlines: int = 0
    agencies: int = 0
    agency_routes: int = 0
    agendas: int = 0
    agenda_mechanisms: int = 0
    kpis: int = 0
    people: int = 0

    @property
    def total(self) -> int:
        """All inserted rows."""
        return sum(getattr(self, f.name) for f in fields(self))

    def __str__(self) -> str:
        parts = [f"{f.name}={getattr(self, f.name)}" for f in fields(self) if getattr(self, f.name)]
        return f"seed inserted {self.total} rows" + (f": {', '.join(parts)}" if parts else " (up to date)")


# ---------------------------------------------------------------- dates


def fiscal_year_of(day: date) -> int:
    """The Thai fiscal year (Buddhist Era) a day falls in: FY N starts 1 Oct of CE year N-544."""
    return day.year + BE_OFFSET + (1 if day.month >= 10 else 0)


def fiscal_year_bounds(year_be: int) -> tuple[date, date]:
    """First and last day of a Thai fiscal year."""
    return date(year_be - BE_OFFSET - 1, 10, 1), date(year_be - BE_OFFSET, 9, 30)


def date_in_fiscal_year(year_be: int, month: int, day: int) -> date:
    """The date with this month and day inside the fiscal year (October–December belong to its first year)."""
    first_year = year_be - BE_OFFSET - 1
    return date(first_year if month >= 10 else first_year + 1, month, day)


# ---------------------------------------------------------------- helpers


async def _count(session: AsyncSession, model: type[Any]) -> int:
    """Number of rows in a model's table."""
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _bulk_insert(session: AsyncSession, model: type[Any], rows: Sequence[Row]) -> int:
    """Insert rows with one executemany; returns how many."""
    if rows:
        await session.execute(insert(model), list(rows))
    return len(rows)


async def _codes(session: AsyncSession, model: ListedModel) -> dict[str, int]:
    """Id by code of a fixed list."""
    result = await session.execute(select(model.code, model.id))
    return {code: id_ for code, id_ in result}


async def _keys(session: AsyncSession, query: Executable) -> set[tuple[Any, ...]]:
    """The result rows of a query as a set of plain tuples (natural keys)."""
    return {tuple(row) for row in await session.execute(query)}


def _mean(values: Iterable[float]) -> float | None:
    """Arithmetic mean rounded to 6 places, or None without values."""
    items = list(values)
    return round(sum(items) / len(items), 6) if items else None


def _coordinate(text: str) -> float | None:
    """A CSV latitude or longitude; `null` or empty is None."""
    return None if text.strip() in ("", "null") else float(text)


# ---------------------------------------------------------------- admin areas


@dataclass(frozen=True)
class AreaRow:
    """One subdistrict line of thai_admin_areas.csv."""

    province: str
    district: str
    subdistrict: str
    postcode: str
    latitude: float | None
    longitude: float | None


def read_admin_areas(path: Path = ADMIN_AREAS_CSV) -> list[AreaRow]:
    """Every subdistrict row of the admin areas CSV."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            AreaRow(
                r["province"].strip(),
                r["district"].strip(),
                r["subdistrict"].strip(),
                r["zipcode"].strip(),
                _coordinate(r["latitude"]),
                _coordinate(r["longitude"]),
            )
            for r in csv.DictReader(handle)
        ]


def read_provinces(path: Path = PROVINCES_CSV) -> list[Row]:
    """The 77 provinces with English names, codes and pilot flags."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            {
                "name_th": r["name_th"],
                "name_en": r["name_en"],
                "code": r["code"],
                "is_pilot_2021": r["is_pilot_2021"] == "1",
                "is_ceo_pilot_2024": r["is_ceo_pilot_2024"] == "1",
            }
            for r in csv.DictReader(handle)
        ]


def _centroid(rows: Iterable[AreaRow]) -> tuple[float | None, float | None]:
    """Mean of the known subdistrict centroids."""
    known = [r for r in rows if r.latitude is not None and r.longitude is not None]
    return _mean(r.latitude for r in known if r.latitude is not None), _mean(
        r.longitude for r in known if r.longitude is not None
    )


async def _seed_provinces(session: AsyncSession, areas: list[AreaRow]) -> int:
    """Insert missing provinces, with centroids from their subdistricts."""
    existing = set((await session.execute(select(Province.name_th))).scalars())
    by_province: dict[str, list[AreaRow]] = defaultdict(list)
    for row in areas:
        by_province[row.province].append(row)
    rows = []
    for province in read_provinces():
        if province["name_th"] in existing:
            continue
        lat, lon = _centroid(by_province[province["name_th"]])
        rows.append({**province, "latitude": lat, "longitude": lon})
    return await _bulk_insert(session, Province, rows)


async def _seed_districts(session: AsyncSession, areas: list[AreaRow], province_ids: dict[str, int]) -> int:
    """Insert missing districts (unique per province and name), with centroids."""
    existing = await _keys(session, select(District.province_id, District.name_th))
    by_district: dict[tuple[str, str], list[AreaRow]] = defaultdict(list)
    for row in areas:
        by_district[(row.province, row.district)].append(row)
    rows = []
    for (province, district), members in by_district.items():
        key = (province_ids[province], district)
        if key in existing:
            continue
        lat, lon = _centroid(members)
        rows.append({"province_id": key[0], "name_th": district, "latitude": lat, "longitude": lon})
    return await _bulk_insert(session, District, rows)


async def _district_ids(session: AsyncSession) -> dict[tuple[str, str], int]:
    """District id by (province Thai name, district Thai name)."""
    result = await session.execute(
        select(Province.name_th, District.name_th, District.id).join(Province, District.province_id == Province.id)
    )
    return {(province, district): id_ for province, district, id_ in result}


async def _seed_subdistricts(session: AsyncSession, areas: list[AreaRow]) -> int:
    """Insert missing subdistricts (unique per district, name and postcode)."""
    district_ids = await _district_ids(session)
    query = select(Subdistrict.district_id, Subdistrict.name_th, Subdistrict.postcode)
    existing = await _keys(session, query)
    rows = []
    for row in areas:
        key = (district_ids[(row.province, row.district)], row.subdistrict, row.postcode)
        if key in existing:
            continue
        existing.add(key)
        rows.append(
            {
                "district_id": key[0],
                "name_th": row.subdistrict,
                "postcode": row.postcode,
                "latitude": row.latitude,
                "longitude": row.longitude,
            }
        )
    return await _bulk_insert(session, Subdistrict, rows)


async def seed_admin_areas(session: AsyncSession, report: SeedReport) -> None:
    """Provinces, districts and subdistricts; skipped when the province and district counts are complete."""
    if await _count(session, Province) == PROVINCE_COUNT and await _count(session, District) == DISTRICT_COUNT:
        return
    areas = read_admin_areas()
    report.provinces += await _seed_provinces(session, areas)
    province_ids = await _province_ids(session)
    report.districts += await _seed_districts(session, areas, province_ids)
    report.subdistricts += await _seed_subdistricts(session, areas)


async def _province_ids(session: AsyncSession) -> dict[str, int]:
    """Province id by Thai name."""
    result = await session.execute(select(Province.name_th, Province.id))
    return {name: id_ for name, id_ in result}


# ---------------------------------------------------------------- fixed lists and fiscal years


async def _seed_listed(session: AsyncSession, model: ListedModel, items: list[Listed]) -> int:
    """Insert the missing entries of one fixed list, keyed by code."""
    existing = await _codes(session, model)
    rows = [
        {"code": code, "name_th": th, "name_en": en, "position": position}
        for position, (code, th, en) in enumerate(items, start=1)
    ]
    for row in rows:  # the project owns these lists: a renamed or moved entry follows the code
        if row["code"] in existing:
            await session.execute(
                update(model)
                .where(model.code == row["code"])
                .where(
                    or_(
                        model.name_th != row["name_th"],
                        model.name_en != row["name_en"],
                        model.position != row["position"],
                    )
                )
                .values(name_th=row["name_th"], name_en=row["name_en"], position=row["position"])
            )
    return await _bulk_insert(session, model, [row for row in rows if row["code"] not in existing])


async def seed_fixed_lists(session: AsyncSession, report: SeedReport) -> None:
    """Dimensions, mechanisms, partner sectors, working groups, programme steps and complaint categories."""
    report.dimensions += await _seed_listed(session, Dimension, DIMENSIONS)
    report.mechanisms += await _seed_listed(session, Mechanism, MECHANISMS)
    report.partner_sectors += await _seed_listed(session, PartnerSector, PARTNER_SECTORS)
    report.working_groups += await _seed_listed(session, WorkingGroup, WORKING_GROUPS)
    report.programme_steps += await _seed_listed(session, ProgrammeStep, PROGRAMME_STEPS)
    report.complaint_categories += await _seed_listed(session, ComplaintCategory, COMPLAINT_CATEGORIES)
    report.category_keywords += await _seed_keywords(session)


async def _has_column(session: AsyncSession, table: str, column: str) -> bool:
    """Whether the database's schema has it yet: the seed also runs on an installation at an older migration
    (an upgrade test seeds at 0014), where what later migrations add is left out."""

    def check(sync_session: Any) -> bool:
        inspector = inspect(sync_session.connection())
        return inspector.has_table(table) and column in {c["name"] for c in inspector.get_columns(table)}

    return bool(await session.run_sync(check))


async def _seed_keywords(session: AsyncSession) -> int:
    """The shipped keywords that are not stored yet (one the secretariat filed under another category stays)."""
    if not await _has_column(session, "category_keywords", "word"):
        return 0
    categories = await _codes(session, ComplaintCategory)
    stored = set(await session.scalars(select(CategoryKeyword.word)))
    rows: list[Row] = []
    for code, words in CATEGORY_KEYWORDS.items():
        for word in dict.fromkeys(CategoryKeyword.normal(word) for word in words):
            if word not in stored and code in categories:
                rows.append({"category_id": categories[code], "word": word, "shipped": True})
                stored.add(word)
    return await _bulk_insert(session, CategoryKeyword, rows)


async def seed_fiscal_years(session: AsyncSession, report: SeedReport, current: int) -> dict[int, int]:
    """FY 2565 through the year after the current one; returns id by year."""
    existing = set((await session.execute(select(FiscalYear.year_be))).scalars())
    rows = []
    for year in range(FIRST_FISCAL_YEAR, current + 2):
        if year not in existing:
            starts_on, ends_on = fiscal_year_bounds(year)
            rows.append({"year_be": year, "starts_on": starts_on, "ends_on": ends_on})
    report.fiscal_years += await _bulk_insert(session, FiscalYear, rows)
    result = await session.execute(select(FiscalYear.year_be, FiscalYear.id))
    return {year: id_ for year, id_ in result}


# ---------------------------------------------------------------- deadlines


def programme_deadlines(year_be: int) -> list[tuple[str, date, str, str]]:
    """The proposal and report deadlines of a fiscal year: step code, due date, Thai and English title."""
    first_year = year_be - BE_OFFSET - 1
    return [
        (
            "submit_proposal",
            date(first_year, 12, 17),
            f"จัดส่งข้อเสนอประเด็นนโยบายสำคัญ ปีงบประมาณ พ.ศ. {year_be}",
            f"Submit the agenda proposal, fiscal year {year_be} (BE)",
        ),
        (
            "report_results",
            date(first_year + 1, 10, 15),
            f"รายงานผลการดำเนินงานตามประเด็นนโยบายสำคัญ ปีงบประมาณ พ.ศ. {year_be}",
            f"Report the agenda results, fiscal year {year_be} (BE)",
        ),
    ]


async def seed_deadlines(session: AsyncSession, report: SeedReport, fiscal_years: dict[int, int]) -> None:
    """FY 2565's programme-step deadlines for every province: the dates the articles give. Later years' are entered
    by the national secretariat (`hpp-bot deadline add`, or in chat): copying 2565's would pass them off as
    official."""
    steps = await _codes(session, ProgrammeStep)
    query = select(Deadline.fiscal_year_id, Deadline.step_id).where(
        Deadline.province_id.is_(None), Deadline.kpi_id.is_(None)
    )
    existing = await _keys(session, query)
    rows = []
    for step, due_on, title_th, title_en in programme_deadlines(FIRST_FISCAL_YEAR):
        key = (fiscal_years[FIRST_FISCAL_YEAR], steps[step])
        if key not in existing:
            rows.append(
                {"fiscal_year_id": key[0], "step_id": key[1], "province_id": None, "kpi_id": None}
                | {"title_th": title_th, "title_en": title_en, "due_on": due_on}
            )
    report.deadlines += await _bulk_insert(session, Deadline, rows)


# ---------------------------------------------------------------- agencies and routes


AgencyKey = tuple[str, int | None, int | None]  # code, province id, district id


async def _agency_ids(session: AsyncSession) -> dict[AgencyKey, int]:
    """Agency id by (code, province id, district id)."""
    result = await session.execute(select(Agency.code, Agency.province_id, Agency.district_id, Agency.id))
    return {(code, province, district): id_ for code, province, district, id_ in result}


def _short(spec: AgencySpec, names: dict[str, str]) -> str:
    """The first of the spec's short forms that fits a LINE button."""
    for pattern in spec.shorts:
        short = pattern.format(**names)
        if len(short) <= SHORT_NAME_MAX:
            return short
    return spec.shorts[-1].format(**names)[:SHORT_NAME_MAX]


def _agency_row(spec: AgencySpec, names: dict[str, str], province_id: int, district_id: int | None) -> Row:
    return {
        "code": spec.code,
        "name_th": spec.th.format(**names),
        "name_en": spec.en.format(**names),
        "short_name_th": _short(spec, names),
        "short_name_en": spec.short_en.format(**names) or None,
        "province_id": province_id,
        "district_id": district_id,
    }


def _provincial_agencies(province: Province) -> list[Row]:
    """The rows of a province's own agencies (Bangkok's are the BMA's departments)."""
    names = {"th": f"จังหวัด{province.name_th}", "name": province.name_th, "en": province.name_en}
    if province.code == BANGKOK:
        return [_agency_row(spec, names, province.id, None) for spec in BANGKOK_AGENCIES]
    specs = [
        MWA if s.code == "waterworks" and province.code in METROPOLITAN_WATERWORKS else s for s in PROVINCIAL_AGENCIES
    ]
    return [_agency_row(spec, names, province.id, None) for spec in specs]


def _district_office(province: Province, district_id: int, district_th: str) -> Row:
    """The row of a district office: ที่ว่าการอำเภอ, or a Bangkok สำนักงานเขต."""
    spec = KHET_OFFICE if province.code == BANGKOK else DISTRICT_OFFICE
    return _agency_row(spec, {"district": district_th, "en": province.name_en}, province.id, district_id)


async def _office_districts(session: AsyncSession) -> list[tuple[Province, int, str]]:
    """Every district that gets a district office (the CEO pilot provinces and Bangkok)."""
    result = await session.execute(
        select(Province, District.id, District.name_th)
        .join(District, District.province_id == Province.id)
        .where(or_(Province.is_ceo_pilot_2024.is_(True), Province.code == BANGKOK))
        .order_by(District.id)
    )
    return list(result)


_NAMED = ("name_th", "name_en", "short_name_th", "short_name_en")


async def seed_agencies(session: AsyncSession, report: SeedReport) -> None:
    """Every province's agencies and the district offices; a seeded agency whose name changed is renamed."""
    existing = await _agency_ids(session)
    provinces = (await session.execute(select(Province).order_by(Province.id))).scalars().all()
    wanted = [row for province in provinces for row in _provincial_agencies(province)]
    wanted += [_district_office(p, district_id, name) for p, district_id, name in await _office_districts(session)]
    fresh = []
    for row in wanted:
        found = existing.get((row["code"], row["province_id"], row["district_id"]))
        if found is None:
            fresh.append(row)
        else:
            await session.execute(
                update(Agency)
                .where(
                    Agency.id == found,
                    or_(*(getattr(Agency, k) != row[k] for k in _NAMED), Agency.short_name_th.is_(None)),
                )
                .values({k: row[k] for k in _NAMED})
            )
    report.agencies += await _bulk_insert(session, Agency, fresh)


async def seed_routes(session: AsyncSession, report: SeedReport) -> None:
    """Province-level routes for every category, and district-office routes where district offices exist."""
    categories = await _codes(session, ComplaintCategory)
    agencies = await _agency_ids(session)
    bangkok = await session.scalar(select(Province.id).where(Province.code == BANGKOK))
    query = select(AgencyRoute.category_id, AgencyRoute.province_id, AgencyRoute.district_id)
    existing = await _keys(session, query)
    wanted: list[tuple[int, int, int | None, int]] = []
    for (code, province_id, district_id), agency_id in agencies.items():
        if province_id is None:
            continue
        in_bangkok = province_id == bangkok
        if district_id is None:
            routes = BANGKOK_ROUTES if in_bangkok else PROVINCE_ROUTES
            wanted += [(categories[c], province_id, None, agency_id) for c, a in routes.items() if a == code]
        elif code == DISTRICT_OFFICE.code:
            local = KHET_ROUTE_CATEGORIES if in_bangkok else DISTRICT_ROUTE_CATEGORIES
            wanted += [(categories[c], province_id, district_id, agency_id) for c in local]
    rows = [
        {"category_id": c, "province_id": p, "district_id": d, "agency_id": a}
        for c, p, d, a in sorted(wanted, key=lambda w: (w[1], w[2] or 0, w[0]))
        if (c, p, d) not in existing
    ]
    report.agency_routes += await _bulk_insert(session, AgencyRoute, rows)
    await _reroute(session, wanted)


async def _reroute(session: AsyncSession, wanted: list[tuple[int, int, int | None, int]]) -> None:
    """Seeded routes that changed (flooding left the waterworks authority) point to their new agency."""
    for category_id, province_id, district_id, agency_id in wanted:
        district = AgencyRoute.district_id.is_(None) if district_id is None else AgencyRoute.district_id == district_id
        await session.execute(
            update(AgencyRoute)
            .where(
                AgencyRoute.category_id == category_id,
                AgencyRoute.province_id == province_id,
                district,
                AgencyRoute.agency_id != agency_id,
            )
            .values(agency_id=agency_id)
        )


# ---------------------------------------------------------------- CEO agendas


def _kpi_row(agenda_id: int, spec: KpiSpec, year_be: int, short_names: bool = True) -> Row:
    """The row of one KPI of an agenda (without the short names on a schema from before migration 0019)."""
    shorts = {"short_name_th": spec.short_th, "short_name_en": spec.short_en} if short_names else {}
    return {
        "agenda_id": agenda_id,
        "name_th": spec.name_th,
        "name_en": spec.name_en,
        **shorts,
        "kind": spec.kind,
        "unit": spec.unit,
        "stages": spec.stages,
        "unit_label_th": spec.unit_label_th,
        "unit_label_en": spec.unit_label_en,
        "baseline": spec.baseline,
        "target": spec.target,
        "higher_is_better": spec.higher_is_better,
        "due_on": date_in_fiscal_year(year_be, *spec.due),
        "reporting_cycle": spec.reporting_cycle,
        "reporting_day": spec.reporting_day,
        "is_example": True,  # made-up figures (storage/data/ceo_agendas.py)
    }


async def _ensure_agenda(
    session: AsyncSession, spec: AgendaSpec, fiscal_year_id: int, lookups: dict[str, dict[Any, int]]
) -> tuple[int, bool]:
    """Find the agenda of a province and fiscal year by title, or insert it; returns (id, inserted)."""
    province_id = lookups["provinces"][spec.province_th]
    found = await session.scalar(
        select(Agenda.id).where(
            Agenda.province_id == province_id,
            Agenda.fiscal_year_id == fiscal_year_id,
            Agenda.title_th == spec.title_th,
        )
    )
    if found is not None:
        await session.execute(
            update(Agenda)
            .where(Agenda.id == found, Agenda.short_title_th.is_(None))
            .values(short_title_th=spec.short_title_th or None, short_title_en=spec.short_title_en or None)
        )
        return found, False
    agenda = Agenda(
        province_id=province_id,
        fiscal_year_id=fiscal_year_id,
        dimension_id=lookups["dimensions"][spec.dimension],
        working_group_id=lookups["working_groups"][spec.working_group],
        owner_agency_id=lookups["agencies"][(spec.owner_agency, province_id, None)],
        title_th=spec.title_th,
        title_en=spec.title_en,
        short_title_th=spec.short_title_th or None,
        short_title_en=spec.short_title_en or None,
        goal_th=spec.goal_th,
        goal_en=spec.goal_en,
        is_ceo_pilot=True,
        is_active=True,
    )
    session.add(agenda)
    await session.flush()
    return agenda.id, True


async def _seed_agenda_parts(
    session: AsyncSession, spec: AgendaSpec, agenda_id: int, year_be: int, mechanisms: dict[str, int]
) -> tuple[int, int]:
    """Missing mechanisms and KPIs of one agenda; returns how many of each were inserted."""
    query = select(AgendaMechanism.mechanism_id).where(AgendaMechanism.agenda_id == agenda_id)
    linked = set((await session.execute(query)).scalars())
    links = [
        {"agenda_id": agenda_id, "mechanism_id": mechanisms[code]}
        for code in spec.mechanisms
        if mechanisms[code] not in linked
    ]
    names = set((await session.execute(select(Kpi.name_th).where(Kpi.agenda_id == agenda_id))).scalars())
    short_names = await _has_column(session, "kpis", "short_name_th")
    kpis = [_kpi_row(agenda_id, kpi, year_be, short_names) for kpi in spec.kpis if kpi.name_th not in names]
    for kpi in spec.kpis:  # KPIs seeded before they had short names get them; one staff gave stays
        if short_names and kpi.name_th in names and kpi.short_th:
            await session.execute(
                update(Kpi)
                .where(Kpi.agenda_id == agenda_id, Kpi.name_th == kpi.name_th, Kpi.short_name_th.is_(None))
                .values(short_name_th=kpi.short_th, short_name_en=kpi.short_en)
            )
    return await _bulk_insert(session, AgendaMechanism, links), await _bulk_insert(session, Kpi, kpis)


async def seed_ceo_agendas(session: AsyncSession, report: SeedReport, fiscal_year_id: int, year_be: int) -> None:
    """The five CEO-governor pilot agendas for the current fiscal year, with mechanisms and KPIs."""
    lookups: dict[str, dict[Any, int]] = {
        "provinces": await _province_ids(session),
        "dimensions": await _codes(session, Dimension),
        "working_groups": await _codes(session, WorkingGroup),
        "agencies": dict(await _agency_ids(session)),
    }
    mechanisms = await _codes(session, Mechanism)
    for spec in CEO_AGENDAS:
        agenda_id, inserted = await _ensure_agenda(session, spec, fiscal_year_id, lookups)
        report.agendas += int(inserted)
        links, kpis = await _seed_agenda_parts(session, spec, agenda_id, year_be, mechanisms)
        report.agenda_mechanisms += links
        report.kpis += kpis


# ---------------------------------------------------------------- demo people


async def seed_demo_people(session: AsyncSession, report: SeedReport) -> None:
    """A citizen, an officer and a secretariat member on the web simulator channel. The staff have had the
    PDPA notice (their data is handled under their employment); the demo citizen meets it like anyone."""
    province_id = (await _province_ids(session))[DEMO_PROVINCE]
    briefed = datetime.now(UTC)
    agency_id = (await _agency_ids(session))[("natural_resources", province_id, None)]
    people: list[Row] = [
        {"platform_user_id": "citizen-1", "display_name": "สมชาย ใจดี", "role": Role.CITIZEN.value},
        {
            "platform_user_id": "officer-1",
            "display_name": "สมศรี รักษ์ป่า",
            "role": Role.OFFICER.value,
            "province_id": province_id,
            "agency_id": agency_id,
            "pdpa_notice_at": briefed,
        },
        {
            "platform_user_id": "secretariat-1",
            "display_name": "วิภาดา ยุทธศาสตร์",
            "role": Role.SECRETARIAT.value,
            "province_id": province_id,
            "pdpa_notice_at": briefed,
        },
    ]
    query = select(Person.platform_user_id).where(Person.channel == SIMULATOR)
    existing = set((await session.execute(query)).scalars())
    rows = [
        {"channel": SIMULATOR, "chat_id": p["platform_user_id"], "locale": "th", "province_id": None}
        | {"agency_id": None, "pdpa_notice_at": None}
        | p
        for p in people
        if p["platform_user_id"] not in existing
    ]
    report.people += await _bulk_insert(session, Person, rows)


# ---------------------------------------------------------------- entry points


async def seed(db: Database, *, today: date | None = None, demo: bool = False) -> SeedReport:
    """Insert whatever seed data is missing, in one transaction; returns what was inserted. The demo people only
    with `demo` (`make run`, the tests): in production a demo secretariat member is a way in for anyone."""
    current = fiscal_year_of(today or date.today())
    report = SeedReport()
    async with db.write() as session:
        await seed_admin_areas(session, report)
        await seed_fixed_lists(session, report)
        fiscal_years = await seed_fiscal_years(session, report, current)
        await seed_deadlines(session, report, fiscal_years)
        await seed_agencies(session, report)
        await seed_routes(session, report)
        await seed_ceo_agendas(session, report, fiscal_years[current], current)
        if demo:
            await seed_demo_people(session, report)
    return report


def main_seed(url: str, *, demo: bool = False) -> SeedReport:
    """Seed the database at `url` (for the CLI)."""

    async def run() -> SeedReport:
        db = Database(url)
        try:
            return await seed(db, demo=demo)
        finally:
            await db.close()

    return asyncio.run(run())
