"""Agendas, KPIs and deadlines: the reads and writes shared by the CLI, the importer, the chat edits and the
scheduler."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TypedDict

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.periods import kpi_schedule
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
    KpiKind,
    KpiUnit,
    Mechanism,
    ProgrammeStep,
    Province,
    ReportingCycle,
    WorkingGroup,
)
from storage.seed import fiscal_year_bounds, fiscal_year_of

MAX_ACTIVE_AGENDAS = 10
MAX_STAGES = 12  # a milestone's stages are offered as buttons


async def active_agendas(session: AsyncSession, province_id: int) -> Sequence[Agenda]:
    """A province's active agendas, the CEO governor's first."""
    rows = await session.scalars(
        select(Agenda)
        .where(Agenda.province_id == province_id, Agenda.is_active.is_(True))
        .order_by(Agenda.is_ceo_pilot.desc(), Agenda.id)
        .limit(MAX_ACTIVE_AGENDAS)
    )
    return rows.all()


@dataclass(frozen=True)
class AgendaLists:
    """What an agenda is filed under in the programme's fixed lists, and who advises it."""

    dimension: Dimension | None
    mechanisms: tuple[Mechanism, ...]
    working_group: WorkingGroup | None


async def agenda_lists(session: AsyncSession, agendas: Sequence[Agenda]) -> dict[int, AgendaLists]:
    """Each agenda's dimension, mechanisms and working group, in three queries."""
    dimensions = {d.id: d for d in (await session.scalars(select(Dimension))).all()}
    groups = {g.id: g for g in (await session.scalars(select(WorkingGroup))).all()}
    linked = await session.execute(
        select(AgendaMechanism.agenda_id, Mechanism)
        .join(Mechanism, Mechanism.id == AgendaMechanism.mechanism_id)
        .where(AgendaMechanism.agenda_id.in_([agenda.id for agenda in agendas]))
        .order_by(Mechanism.position, Mechanism.id)
    )
    mechanisms: dict[int, list[Mechanism]] = {}
    for agenda_id, mechanism in linked.all():
        mechanisms.setdefault(agenda_id, []).append(mechanism)
    return {
        agenda.id: AgendaLists(
            dimensions.get(agenda.dimension_id or 0),
            tuple(mechanisms.get(agenda.id, ())),
            groups.get(agenda.working_group_id or 0),
        )
        for agenda in agendas
    }


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
    working_groups: dict[str, int] = field(default_factory=dict)
    agencies: dict[tuple[str, int], int] = field(default_factory=dict)  # (code, province id) -> id

    @classmethod
    async def load(cls, session: AsyncSession) -> Lookups:
        found = cls()
        for province in (await session.scalars(select(Province))).all():
            found.provinces |= {province.name_th: province.id, province.code: province.id}
            found.provinces[province.name_en.lower()] = province.id
        found.dimensions = {d.code: d.id for d in (await session.scalars(select(Dimension))).all()}
        found.mechanisms = {m.code: m.id for m in (await session.scalars(select(Mechanism))).all()}
        found.working_groups = {g.code: g.id for g in (await session.scalars(select(WorkingGroup))).all()}
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

    def working_group(self, code: str) -> int | None:
        if not code.strip():
            return None
        if code.strip() not in self.working_groups:
            known = ", ".join(self.working_groups)
            raise BadValue(f"unknown working group code {code.strip()!r} (use one of {known})")
        return self.working_groups[code.strip()]

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
    working_group_id: int | None = None
    owner_agency_id: int | None = None
    mechanism_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class KpiSpec:
    name_th: str
    name_en: str = ""
    short_name_th: str | None = None  # a button's label (LINE's 20 characters); the name goes in the text
    short_name_en: str | None = None
    kind: str = KpiKind.LEVEL
    unit: str = KpiUnit.NUMBER
    stages: int | None = None
    higher_is_better: bool = True
    unit_label_th: str = ""
    unit_label_en: str = ""
    baseline: float | None = None
    target: float | None = None
    due_on: date | None = None
    reporting_cycle: str = ReportingCycle.NONE
    reporting_day: int | None = None
    is_example: bool = False


def definition_problems(kind: str, unit: str, target: float | None, stages: int | None) -> list[str]:
    """What is wrong with a KPI's kind, unit, target and stages together (empty when nothing is)."""
    if kind == KpiKind.MILESTONE:
        count = stages or 1
        if not 1 <= count <= MAX_STAGES:
            return [f"a milestone has 1 to {MAX_STAGES} stages, not {count}"]
        if target is not None and target != count:
            return [f"a milestone's target is its last stage ({count}), not {target:g}"]
        return []
    problems = [] if stages is None else [f"only a milestone has stages (this KPI is {kind})"]
    if target is None:
        problems.append(f"a {kind} KPI needs a target")
    elif target < 0:
        problems.append(f"the target cannot be negative, not {target:g}")
    if unit == KpiUnit.PERCENT and kind == KpiKind.CUMULATIVE:
        problems.append("a cumulative KPI adds amounts up: use the unit number, not percent")
    elif unit == KpiUnit.PERCENT and target is not None and not 0 <= target <= 100:
        problems.append(f"a percentage target must be 0-100, not {target:g}")
    return problems


def check_definition(kpi: KpiSpec) -> None:
    """BadValue when the KPI's kind, unit, target and stages do not fit together."""
    problems = definition_problems(kpi.kind, kpi.unit, kpi.target, kpi.stages)
    if problems:
        raise BadValue("; ".join(problems))


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
        working_group_id=spec.working_group_id,
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
    short_name_th: str | None
    short_name_en: str | None
    kind: str
    unit: str
    stages: int | None
    higher_is_better: bool
    unit_label_th: str
    unit_label_en: str
    baseline: float | None
    target: float | None
    due_on: date | None
    is_example: bool


FIGURE_FIELDS = frozenset({"baseline", "target", "unit", "kind", "stages", "higher_is_better"})


async def change_kpi(session: AsyncSession, kpi: Kpi, changes: KpiChanges) -> None:
    """Change a KPI's fields; BadValue, with nothing changed, when they no longer fit together. A new kind,
    target, baseline or direction reads the same reports differently, so the latest figures are worked out
    again."""
    changes = _with_kind_defaults(kpi, changes)
    problems = definition_problems(
        changes.get("kind", kpi.kind),
        changes.get("unit", kpi.unit),
        changes.get("target", kpi.target),
        changes.get("stages", kpi.stages),
    )
    if problems:
        raise BadValue("; ".join(problems))
    for field_name, value in changes.items():
        setattr(kpi, field_name, value)
    if changes.keys() & FIGURE_FIELDS:
        await refresh_latest(session, kpi)


def _with_kind_defaults(kpi: Kpi, changes: KpiChanges) -> KpiChanges:
    """A new kind brings its own defaults: a milestone has stages (one unless given) and no target; the other
    kinds have no stages."""
    kind = changes.get("kind")
    completed = KpiChanges(**changes)
    if kind == KpiKind.MILESTONE:
        completed.setdefault("target", None)
        completed.setdefault("stages", kpi.stages or 1)
    elif kind is not None:
        completed.setdefault("stages", None)
    return completed


async def add_kpi(session: AsyncSession, agenda: Agenda, spec: KpiSpec) -> Kpi:
    """A new KPI of an agenda, with its reporting-cycle deadlines."""
    if spec.name_th in set((await session.scalars(select(Kpi.name_th).where(Kpi.agenda_id == agenda.id))).all()):
        raise BadValue(f"the agenda already has a KPI named {spec.name_th!r}")
    check_definition(spec)
    kpi = Kpi(agenda_id=agenda.id, **vars(spec))
    if kpi.kind == KpiKind.MILESTONE:
        kpi.stages, kpi.target = spec.stages or 1, None
    session.add(kpi)
    await session.flush()
    await ensure_cycle_deadlines(session, kpi, agenda)
    return kpi


# ---------------------------------------------------------------- reporting deadlines


async def ensure_cycle_deadlines(
    session: AsyncSession, kpi: Kpi, agenda: Agenda, *, start: date | None = None, end: date | None = None
) -> int:
    """Deadline rows for the due dates of a KPI's reporting periods (bot/domain/periods.py), by default all of its
    fiscal year's; returns how many were added. Callers that may run side by side lock the KPI row first."""
    if kpi.reporting_cycle == ReportingCycle.NONE:
        return 0
    year_be = await session.scalar(select(FiscalYear.year_be).where(FiscalYear.id == agenda.fiscal_year_id))
    periods = kpi_schedule(kpi, int(year_be) if year_be else fiscal_year_of(date.today()))
    wanted = [p.due for p in periods if (start or date.min) <= p.due <= (end or date.max)]
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


async def move_deadline(session: AsyncSession, deadline: Deadline, due_on: date) -> date:
    """A deadline falls on another day; returns the old one. Its fiscal year stays: a day outside it is refused."""
    year = await session.get(FiscalYear, deadline.fiscal_year_id) if deadline.fiscal_year_id else None
    if year is not None and not year.starts_on <= due_on <= year.ends_on:
        raise BadValue(f"{due_on.isoformat()} is outside the fiscal year {year.year_be}")
    old, deadline.due_on = deadline.due_on, due_on
    return old


async def set_reporting_cycle(session: AsyncSession, kpi: Kpi, cycle: str, day: int | None) -> int:
    """Change a KPI's reporting cycle: future cycle deadlines are rebuilt, past ones (and their reminders) kept.
    Reports keep the period they were for; a period of the new cycle is covered by the reports within it."""
    kpi.reporting_cycle, kpi.reporting_day = cycle, day
    today = date.today()
    future = (await session.scalars(select(Deadline).where(Deadline.kpi_id == kpi.id, Deadline.due_on > today))).all()
    for deadline in future:
        await session.delete(deadline)
    await session.flush()
    agenda = await session.get(Agenda, kpi.agenda_id)
    assert agenda is not None
    added = await ensure_cycle_deadlines(session, kpi, agenda, start=today + timedelta(days=1))
    await refresh_latest(session, kpi)
    return added


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
