"""Agendas, KPIs and deadlines: the reads and writes shared by the CLI, the importer, the chat edits and the
scheduler."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TypedDict

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.places import find_province
from bot.domain.progress import refresh_latest
from bot.domain.values import BadValue
from storage.db import insert_ignore
from storage.models import (
    Agency,
    Agenda,
    AgendaMechanism,
    Deadline,
    DeadlineSubmission,
    Dimension,
    FiscalYear,
    Kpi,
    Mechanism,
    ProgrammeStep,
    Province,
    ReportingCycle,
)
from storage.seed import fiscal_year_bounds, fiscal_year_of

QUARTER_REPORT_MONTHS = (1, 4, 7, 10)  # the month after each fiscal quarter ends
MAX_ACTIVE_AGENDAS = 10


async def active_agendas(session: AsyncSession, province_id: int) -> Sequence[Agenda]:
    """A province's active agendas, the CEO governor's first."""
    rows = await session.scalars(
        select(Agenda)
        .where(Agenda.province_id == province_id, Agenda.is_active.is_(True))
        .order_by(Agenda.is_ceo_pilot.desc(), Agenda.id)
        .limit(MAX_ACTIVE_AGENDAS)
    )
    return rows.all()


async def agenda_kpis(session: AsyncSession, agenda_id: int) -> Sequence[Kpi]:
    return (await session.scalars(select(Kpi).where(Kpi.agenda_id == agenda_id).order_by(Kpi.id))).all()


async def province_named(session: AsyncSession, text: str) -> Province:
    """A province by Thai name (with or without "จังหวัด"), English name or code; BadValue when there is none."""
    found = await find_province(session, text)
    if found is None:
        raise BadValue(f"unknown province {text.strip()!r}")
    return found


async def agenda_numbered(session: AsyncSession, agenda_id: int) -> Agenda:
    """An agenda by its number; BadValue when there is none."""
    agenda = await session.get(Agenda, agenda_id)
    if agenda is None:
        raise BadValue(f"no agenda #{agenda_id}")
    return agenda


async def kpi_numbered(session: AsyncSession, kpi_id: int) -> Kpi:
    """A KPI by its number; BadValue when there is none."""
    kpi = await session.get(Kpi, kpi_id)
    if kpi is None:
        raise BadValue(f"no KPI #{kpi_id}")
    return kpi


async def agendas_listed(
    session: AsyncSession, *, province_id: int | None = None, year_be: int | None = None
) -> Sequence[tuple[Agenda, str, int | None]]:
    """Agendas with their province's Thai name and fiscal year (BE), by province name, then by number."""
    query = (
        select(Agenda, Province.name_th, FiscalYear.year_be)
        .join(Province, Province.id == Agenda.province_id)
        .outerjoin(FiscalYear, FiscalYear.id == Agenda.fiscal_year_id)
        .order_by(Province.name_th, Agenda.id)
    )
    if province_id is not None:
        query = query.where(Agenda.province_id == province_id)
    if year_be:
        query = query.where(FiscalYear.year_be == year_be)
    return (await session.execute(query)).all()


async def fiscal_year_id(session: AsyncSession, year_be: int) -> int:
    """The id of a fiscal year, adding the year if the seed did not."""
    found = await session.scalar(select(FiscalYear.id).where(FiscalYear.year_be == year_be))
    if found is not None:
        return int(found)
    starts_on, ends_on = fiscal_year_bounds(year_be)
    year = FiscalYear(year_be=year_be, starts_on=starts_on, ends_on=ends_on)
    session.add(year)
    await session.flush()
    return year.id


@dataclass
class Lookups:
    """Codes and names resolved once per import instead of once per row."""

    provinces: dict[str, int] = field(default_factory=dict)  # Thai name, English name (lower) and code
    dimensions: dict[str, int] = field(default_factory=dict)
    mechanisms: dict[str, int] = field(default_factory=dict)
    agencies: dict[tuple[str, int], int] = field(default_factory=dict)  # (code, province id) -> id

    @classmethod
    async def load(cls, session: AsyncSession) -> Lookups:
        found = cls()
        for province in (await session.scalars(select(Province))).all():
            found.provinces |= {province.name_th: province.id, province.code: province.id}
            found.provinces[province.name_en.lower()] = province.id
        found.dimensions = {d.code: d.id for d in (await session.scalars(select(Dimension))).all()}
        found.mechanisms = {m.code: m.id for m in (await session.scalars(select(Mechanism))).all()}
        agencies = (await session.scalars(select(Agency).where(Agency.district_id.is_(None)))).all()
        found.agencies = {(a.code, a.province_id): a.id for a in agencies if a.province_id is not None}
        return found

    def province(self, text: str) -> int:
        value = text.strip().removeprefix("จังหวัด").strip()
        for key in (value, value.upper(), value.lower()):
            if key in self.provinces:
                return self.provinces[key]
        raise BadValue(f"unknown province {text.strip()!r}")

    def dimension(self, code: str) -> int | None:
        if not code.strip():
            return None
        if code.strip() not in self.dimensions:
            raise BadValue(f"unknown dimension code {code.strip()!r} (use one of {', '.join(self.dimensions)})")
        return self.dimensions[code.strip()]

    def mechanism(self, code: str) -> int:
        if code not in self.mechanisms:
            raise BadValue(f"unknown mechanism code {code!r} (use one of {', '.join(self.mechanisms)})")
        return self.mechanisms[code]

    def agency(self, code: str, province_id: int) -> int | None:
        if not code.strip():
            return None
        found = self.agencies.get((code.strip(), province_id))
        if found is None:
            raise BadValue(f"no agency {code.strip()!r} in that province")
        return found


@dataclass(frozen=True)
class AgendaSpec:
    province_id: int
    fiscal_year_be: int
    title_th: str
    title_en: str = ""
    goal_th: str = ""
    dimension_id: int | None = None
    owner_agency_id: int | None = None
    mechanism_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class KpiSpec:
    name_th: str
    name_en: str = ""
    unit: str = "number"
    unit_label_th: str = ""
    unit_label_en: str = ""
    baseline: float | None = None
    target: float | None = None
    due_on: date | None = None
    reporting_cycle: str = ReportingCycle.NONE
    reporting_day: int | None = None


async def ensure_agenda(session: AsyncSession, spec: AgendaSpec) -> tuple[Agenda, bool]:
    """The agenda of that province, fiscal year and Thai title, inserted if missing; (agenda, inserted)."""
    year_id = await fiscal_year_id(session, spec.fiscal_year_be)
    found = await session.scalar(
        select(Agenda).where(
            Agenda.province_id == spec.province_id,
            Agenda.fiscal_year_id == year_id,
            Agenda.title_th == spec.title_th,
        )
    )
    if found is not None:
        return found, False
    agenda = Agenda(
        province_id=spec.province_id,
        fiscal_year_id=year_id,
        dimension_id=spec.dimension_id,
        owner_agency_id=spec.owner_agency_id,
        title_th=spec.title_th,
        title_en=spec.title_en,
        goal_th=spec.goal_th,
        is_active=True,
    )
    session.add(agenda)
    await session.flush()
    session.add_all(AgendaMechanism(agenda_id=agenda.id, mechanism_id=m) for m in spec.mechanism_ids)
    await session.flush()
    return agenda, True


class KpiChanges(TypedDict, total=False):
    """The fields of a KPI that staff change; a field left out stays as it is."""

    name_th: str
    name_en: str
    unit: str
    unit_label_th: str
    unit_label_en: str
    baseline: float | None
    target: float | None
    due_on: date | None


SCALE_FIELDS = frozenset({"baseline", "target", "unit"})


async def change_kpi(session: AsyncSession, kpi: Kpi, changes: KpiChanges) -> None:
    """Change a KPI's fields. A new baseline, target or unit makes the latest report a different share of the
    target, so the KPI's latest figures are worked out again."""
    for field_name, value in changes.items():
        setattr(kpi, field_name, value)
    if changes.keys() & SCALE_FIELDS:
        await refresh_latest(session, kpi)


async def add_kpi(session: AsyncSession, agenda: Agenda, spec: KpiSpec) -> Kpi:
    """A new KPI of an agenda, with its reporting-cycle deadlines."""
    if spec.name_th in set((await session.scalars(select(Kpi.name_th).where(Kpi.agenda_id == agenda.id))).all()):
        raise BadValue(f"the agenda already has a KPI named {spec.name_th!r}")
    kpi = Kpi(agenda_id=agenda.id, **vars(spec))
    session.add(kpi)
    await session.flush()
    await ensure_cycle_deadlines(session, kpi, agenda)
    return kpi


# ---------------------------------------------------------------- reporting cycles


def _on_day(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def cycle_due_dates(cycle: str, day: int | None, start: date, end: date) -> list[date]:
    """The reporting due dates of a cycle between two dates: monthly by the `day`th, or quarterly (the `day`th
    of the month after each fiscal quarter)."""
    if cycle not in (ReportingCycle.MONTHLY, ReportingCycle.QUARTERLY) or day is None:
        return []
    dates = []
    year, month = start.year, start.month
    while date(year, month, 1) <= end:
        due = _on_day(year, month, day)
        if start <= due <= end and (cycle == ReportingCycle.MONTHLY or month in QUARTER_REPORT_MONTHS):
            dates.append(due)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return dates


def previous_cycle_due(cycle: str, day: int, due: date) -> date:
    """The due date before `due` in its cycle: the start of the period a report must fall in."""
    months = 3 if cycle == ReportingCycle.QUARTERLY else 1
    year, month = due.year, due.month - months
    if month < 1:
        year, month = year - 1, month + 12
    return _on_day(year, month, day)


async def ensure_cycle_deadlines(
    session: AsyncSession, kpi: Kpi, agenda: Agenda, *, start: date | None = None, end: date | None = None
) -> int:
    """Deadline rows for each reporting due date of a KPI (by default its whole fiscal year); returns how many
    were added. Callers that may run side by side lock the KPI row first."""
    if kpi.reporting_cycle == ReportingCycle.NONE or kpi.reporting_day is None:
        return 0
    year_be = await session.scalar(select(FiscalYear.year_be).where(FiscalYear.id == agenda.fiscal_year_id))
    first, last = fiscal_year_bounds(int(year_be) if year_be else fiscal_year_of(date.today()))
    last = max(last, kpi.due_on) if kpi.due_on else last
    first, last = max(first, start or first), min(last + timedelta(days=31), end or date.max)
    wanted = cycle_due_dates(kpi.reporting_cycle, kpi.reporting_day, first, last)
    have = set((await session.scalars(select(Deadline.due_on).where(Deadline.kpi_id == kpi.id))).all())
    added = 0
    for due in wanted:
        if due not in have:
            session.add(_kpi_deadline(kpi, agenda, due, agenda.fiscal_year_id))
            added += 1
    await session.flush()
    return added


def _kpi_deadline(kpi: Kpi, agenda: Agenda, due: date, year_id: int | None) -> Deadline:
    return Deadline(
        fiscal_year_id=year_id,
        kpi_id=kpi.id,
        province_id=agenda.province_id,
        title_th=f"รายงานความก้าวหน้าตัวชี้วัด: {kpi.name_th}"[:300],
        title_en=f"Progress report on the KPI: {kpi.name_en or kpi.name_th}"[:300],
        due_on=due,
    )


async def add_step_deadline(
    session: AsyncSession,
    *,
    step_code: str,
    year_be: int,
    due_on: date,
    province_id: int | None,
    title_th: str,
    title_en: str,
) -> Deadline:
    """A programme step's deadline in a fiscal year, for one province or (None) every province."""
    step = await session.scalar(select(ProgrammeStep).where(ProgrammeStep.code == step_code))
    if step is None:
        codes = ", ".join((await session.scalars(select(ProgrammeStep.code))).all())
        raise BadValue(f"unknown programme step {step_code!r} (use one of {codes})")
    deadline = Deadline(
        fiscal_year_id=await fiscal_year_id(session, year_be),
        step_id=step.id,
        province_id=province_id,
        title_th=title_th or step.name_th,
        title_en=title_en or step.name_en,
        due_on=due_on,
    )
    session.add(deadline)
    await session.flush()
    return deadline


async def set_reporting_cycle(session: AsyncSession, kpi: Kpi, cycle: str, day: int | None) -> int:
    """Change a KPI's reporting cycle: future cycle deadlines are rebuilt, past ones (and their reminders) kept."""
    kpi.reporting_cycle, kpi.reporting_day = cycle, day
    today = date.today()
    future = (await session.scalars(select(Deadline).where(Deadline.kpi_id == kpi.id, Deadline.due_on > today))).all()
    for deadline in future:
        await session.delete(deadline)
    await session.flush()
    agenda = await session.get(Agenda, kpi.agenda_id)
    assert agenda is not None
    return await ensure_cycle_deadlines(session, kpi, agenda, start=today + timedelta(days=1))


# ---------------------------------------------------------------- deadlines as listed and handed in


async def deadlines_listed(
    session: AsyncSession, *, year_be: int | None = None, due_from: date | None = None
) -> Sequence[Deadline]:
    """Deadlines by due date, of one fiscal year (BE) and from one day on if asked."""
    query = select(Deadline).order_by(Deadline.due_on, Deadline.id)
    if year_be:
        query = query.join(FiscalYear, FiscalYear.id == Deadline.fiscal_year_id).where(FiscalYear.year_be == year_be)
    if due_from is not None:
        query = query.where(Deadline.due_on >= due_from)
    return (await session.scalars(query)).all()


async def record_submission(session: AsyncSession, deadline_id: int, province_id: int) -> None:
    """A province has handed in what a deadline asks, so it is reminded no more; a second record changes nothing."""
    if await session.get(Deadline, deadline_id) is None:
        raise BadValue(f"no deadline #{deadline_id}")
    await session.execute(
        insert_ignore(session, DeadlineSubmission, "deadline_id", "province_id").values(
            deadline_id=deadline_id, province_id=province_id
        )
    )
