"""Provinces side by side for the national secretariat (the OPDC/MOI team): programme steps handed in, KPI
progress, complaints answered on time and citizens' satisfaction, in the current fiscal year. The chat, the XLSX
export and the web desk read the same figures.

- Steps: the programme-step deadlines of the fiscal year that apply to the province (its own, and those of
  every province); handed in when a DeadlineSubmission says so; overdue when past due and not handed in.
- KPI progress: the mean of the KPIs of the province's active agendas, a KPI with no report counting as 0 %
  (bot/domain/figures.py); with a dimension or mechanism chosen, only the agendas filed under it count.
- Complaints answered on time: of the complaints filed in the fiscal year and now resolved or closed, those
  resolved (or, closed without a resolution, last changed) on or before their answer date, in Bangkok.
- Satisfaction: the mean rating (1-5) of the complaints filed in the fiscal year.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import tallies
from bot.domain.figures import ProgressAverage, average
from bot.domain.periods import local_day
from storage.models import (
    Agenda,
    AgendaMechanism,
    ComplaintStatus,
    Deadline,
    DeadlineSubmission,
    Dimension,
    FiscalYear,
    Kpi,
    Mechanism,
    Province,
)
from storage.seed import fiscal_year_bounds, fiscal_year_of

ANSWERED = (ComplaintStatus.RESOLVED.value, ComplaintStatus.CLOSED.value)


class PilotGroup(enum.StrEnum):
    ALL = "all"
    PILOT_2021 = "pilot2021"  # the 22 first pilot provinces
    CEO_2024 = "ceo2024"  # the 5 CEO-governor pilots


@dataclass(frozen=True)
class ComparisonFilter:
    group: PilotGroup = PilotGroup.ALL
    dimension: str | None = None  # a dimension's code
    mechanism: str | None = None  # a mechanism's code


@dataclass
class ProvinceFigures:
    province: Province
    agendas: int = 0
    steps: int = 0
    steps_handed_in: int = 0
    steps_overdue: int = 0
    progress: ProgressAverage = field(default_factory=lambda: average([]))
    answered: int = 0
    answered_on_time: int = 0
    ratings: int = 0
    mean_rating: float | None = None

    @property
    def on_time_share(self) -> float | None:
        return self.answered_on_time / self.answered * 100 if self.answered else None


@dataclass
class Comparison:
    today: date
    year_be: int
    filter: ComparisonFilter
    dimension: Dimension | None = None
    mechanism: Mechanism | None = None
    provinces: list[ProvinceFigures] = field(default_factory=list)


async def compare_provinces(session: AsyncSession, now: datetime, chosen: ComparisonFilter) -> Comparison:
    """The figures of every province the filter selects, the best KPI progress first."""
    today = local_day(now)
    comparison = Comparison(today, fiscal_year_of(today), chosen)
    comparison.dimension, comparison.mechanism = await _lists(session, chosen)
    agendas = _agendas(chosen)
    provinces = (await session.scalars(_provinces(chosen, agendas).order_by(Province.name_th))).all()
    rows = {province.id: ProvinceFigures(province) for province in provinces}
    await _count_agendas(session, rows, agendas)
    await _kpi_progress(session, rows, agendas)
    await _steps(session, rows, comparison.year_be, today)
    await _complaints(session, rows, comparison.year_be)
    comparison.provinces = sorted(rows.values(), key=lambda row: -(row.progress.mean or 0.0))
    return comparison


async def _lists(session: AsyncSession, chosen: ComparisonFilter) -> tuple[Dimension | None, Mechanism | None]:
    dimension = await session.scalar(select(Dimension).where(Dimension.code == chosen.dimension))
    mechanism = await session.scalar(select(Mechanism).where(Mechanism.code == chosen.mechanism))
    return dimension, mechanism


def _agendas(chosen: ComparisonFilter) -> ColumnElement[bool]:
    """The active agendas that count: those filed under the chosen dimension and mechanism, if any."""
    conditions: list[ColumnElement[bool]] = [Agenda.is_active.is_(True)]
    if chosen.dimension:
        dimension = select(Dimension.id).where(Dimension.code == chosen.dimension).scalar_subquery()
        conditions.append(Agenda.dimension_id == dimension)
    if chosen.mechanism:
        linked = (
            select(AgendaMechanism.agenda_id)
            .join(Mechanism, Mechanism.id == AgendaMechanism.mechanism_id)
            .where(Mechanism.code == chosen.mechanism)
        )
        conditions.append(Agenda.id.in_(linked))
    return and_(*conditions)


def _provinces(chosen: ComparisonFilter, agendas: ColumnElement[bool]) -> Select[Province]:
    query = select(Province)
    if chosen.group == PilotGroup.PILOT_2021:
        query = query.where(Province.is_pilot_2021.is_(True))
    elif chosen.group == PilotGroup.CEO_2024:
        query = query.where(Province.is_ceo_pilot_2024.is_(True))
    if chosen.dimension or chosen.mechanism:  # only provinces with an agenda filed under it
        query = query.where(Province.id.in_(select(Agenda.province_id).where(agendas)))
    return query


async def _count_agendas(session: AsyncSession, rows: dict[int, ProvinceFigures], agendas: ColumnElement[bool]) -> None:
    counts = await session.execute(
        select(Agenda.province_id, func.count(Agenda.id))
        .where(agendas, Agenda.province_id.in_(list(rows)))
        .group_by(Agenda.province_id)
    )
    for province_id, count in counts.all():
        rows[province_id].agendas = int(count)


async def _kpi_progress(session: AsyncSession, rows: dict[int, ProvinceFigures], agendas: ColumnElement[bool]) -> None:
    found = await session.execute(
        select(Agenda.province_id, Kpi.latest_percent)
        .join(Kpi, Kpi.agenda_id == Agenda.id)
        .where(agendas, Agenda.province_id.in_(list(rows)))
    )
    percents: dict[int, list[float | None]] = defaultdict(list)
    for province_id, percent in found.all():
        percents[province_id].append(percent)
    for province_id, row in rows.items():
        row.progress = average(percents[province_id])


async def _steps(session: AsyncSession, rows: dict[int, ProvinceFigures], year_be: int, today: date) -> None:
    deadlines = (
        await session.scalars(
            select(Deadline)
            .join(FiscalYear, FiscalYear.id == Deadline.fiscal_year_id)
            .where(FiscalYear.year_be == year_be, Deadline.kpi_id.is_(None), Deadline.step_id.is_not(None))
        )
    ).all()
    handed_in = set(
        (
            await session.execute(
                select(DeadlineSubmission.deadline_id, DeadlineSubmission.province_id).where(
                    DeadlineSubmission.deadline_id.in_([deadline.id for deadline in deadlines])
                )
            )
        ).all()
    )
    for province_id, row in rows.items():
        for deadline in _applying(deadlines, province_id):
            row.steps += 1
            if (deadline.id, province_id) in handed_in:
                row.steps_handed_in += 1
            elif deadline.due_on < today:
                row.steps_overdue += 1


def _applying(deadlines: Sequence[Deadline], province_id: int) -> list[Deadline]:
    return [d for d in deadlines if d.province_id is None or d.province_id == province_id]


async def _complaints(session: AsyncSession, rows: dict[int, ProvinceFigures], year_be: int) -> None:
    """Counted by the tallies (bot/domain/tallies.py): the same rules as the desk's, for the whole fiscal year."""
    first, last = fiscal_year_bounds(year_be)
    counted = await tallies.counts(session, tallies.Area(None), first, last, tallies.PROVINCE)
    for province_id, row in rows.items():
        found = counted.get(province_id, tallies.Counts())
        row.answered, row.answered_on_time = found.answered, found.on_time
        row.ratings, row.mean_rating = found.ratings, found.mean_rating
