"""A KPI's reporting periods: the one definition that the report flow, "My KPIs", the reminders, the summaries and
the exports all use.

- A KPI reports monthly or quarterly within its agenda's fiscal year (1 Oct – 30 Sep): 12 or 4 periods, the
  quarters being Oct–Dec, Jan–Mar, Apr–Jun and Jul–Sep. A KPI without a cycle has one period, the whole year.
- A period's report is due by the KPI's reporting day of the month after the period ends (November's by 5 Dec
  with day 5; the first quarter's by 10 Jan with day 10). A KPI without a cycle is due on its due date, else on
  the last day of the year.
- The periods end with the fiscal year: no period, and so nothing owed, comes after September's.
- Each day falls in one period's report window: from the day after the previous period's due date to the
  period's own due date. On 3 Dec the window is November's; on 6 Dec it is December's.
- A report is for one period, stored with it (`ProgressReport.period_on`, the period's first day). A level or
  milestone report is for the window's period. A cumulative report is for the earliest period up to the window's
  that has no report yet (a late amount fills the month it belongs to), else for the window's period again.
- A period is covered when a report is for it; for a level or milestone KPI, also when a later period has a
  report, since the latest value stands for the months before it.
- Owed: the earliest period, up to the window's, that is not covered; overdue once its due date has passed.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import BANGKOK, _, format_date, get_locale
from storage.models import Agenda, FiscalYear, Kpi, KpiKind, ProgressReport, ReportingCycle
from storage.seed import BE_OFFSET, fiscal_year_bounds, fiscal_year_of

DUE_SOON = timedelta(days=30)  # "My KPIs" lists a report this close to its due date, or overdue
MONTHS_PER_PERIOD = {ReportingCycle.MONTHLY.value: 1, ReportingCycle.QUARTERLY.value: 3}


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    due: date
    cycle: str  # ReportingCycle value
    number: int  # 1 for the first period of the fiscal year
    count: int  # periods in the year

    def holds(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Owed:
    period: Period
    overdue: bool


def _add_months(day: date, months: int) -> date:
    """The first of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _on_day(month_start: date, day: int | None) -> date:
    """That day of the month, or its last day when the month is shorter (or no day is set)."""
    last = calendar.monthrange(month_start.year, month_start.month)[1]
    return month_start.replace(day=min(day or last, last))


def schedule(cycle: str, reporting_day: int | None, year_be: int, due_on: date | None = None) -> tuple[Period, ...]:
    """The periods of a fiscal year (BE) for a reporting cycle, in order."""
    first, last = fiscal_year_bounds(year_be)
    months = MONTHS_PER_PERIOD.get(cycle)
    if months is None:
        return (Period(first, last, due_on or last, ReportingCycle.NONE.value, 1, 1),)
    count = 12 // months
    periods = []
    for number in range(1, count + 1):
        start = _add_months(first, (number - 1) * months)
        after = _add_months(start, months)
        periods.append(Period(start, after - timedelta(days=1), _on_day(after, reporting_day), cycle, number, count))
    return tuple(periods)


def kpi_schedule(kpi: Kpi, year_be: int) -> tuple[Period, ...]:
    return schedule(kpi.reporting_cycle, kpi.reporting_day, year_be, kpi.due_on)


def window_period(periods: Sequence[Period], day: date) -> Period:
    """The period whose report window holds `day`: the first before the year, the last after it."""
    return next((period for period in periods if day <= period.due), periods[-1])


def covered(kind: str, periods: Sequence[Period], reported: Collection[date]) -> list[bool]:
    """For each period, whether a report covers it (`reported`: the periods reports are for, by first day)."""
    if kind == KpiKind.CUMULATIVE:
        return [any(period.holds(day) for day in reported) for period in periods]
    return [any(day >= period.start for day in reported) for period in periods]


def owed(kind: str, periods: Sequence[Period], reported: Collection[date], today: date) -> Owed | None:
    """The earliest period up to the current window's that no report covers, and whether it is overdue."""
    current = window_period(periods, today)
    for period, done in zip(periods, covered(kind, periods, reported), strict=True):
        if period.start > current.start:
            break
        if not done:
            return Owed(period, today > period.due)
    return None


def period_for_report(kind: str, periods: Sequence[Period], reported: Collection[date], today: date) -> Period:
    """The period a report made today is for (see the module docstring)."""
    current = window_period(periods, today)
    if kind == KpiKind.CUMULATIVE:
        missing = owed(kind, periods, reported, today)
        if missing is not None:
            return missing.period
    return current


def period_starting(periods: Sequence[Period], day: date) -> Period | None:
    """The period of this schedule that holds `day` (a report's `period_on`)."""
    return next((period for period in periods if period.holds(day)), None)


def local_day(moment: datetime) -> date:
    return moment.astimezone(BANGKOK).date()


def report_period_on(periods: Sequence[Period], period_on: date | None, created_at: datetime) -> date:
    """The period a report is for: its own, or for a report stored without one (written before migration 0008
    or by hand), the period whose window holds the day it was made."""
    return period_on or window_period(periods, local_day(created_at)).start


# ---------------------------------------------------------------- words (chat cards and exports)


def period_label(period: Period) -> str:
    """พ.ย. 2569; ไตรมาส 1 ปีงบประมาณ 2570 (ต.ค. 2569 – ธ.ค. 2569); ปีงบประมาณ 2570."""
    if period.cycle == ReportingCycle.MONTHLY:
        return format_date(period.start, "month")
    if period.cycle == ReportingCycle.QUARTERLY:
        return _(
            "quarter {n} of fiscal year {year} ({first} – {last})",
            n=period.number,
            year=shown_fiscal_year(fiscal_year_of(period.end)),
            first=format_date(period.start, "month"),
            last=format_date(period.end, "month"),
        )
    return _("fiscal year {year}", year=shown_fiscal_year(fiscal_year_of(period.end)))


def span_label(first: Period, last: Period) -> str:
    """The months a year-to-date figure covers: ต.ค. 2569 – พ.ย. 2569, or one period's label."""
    if first == last:
        return period_label(last)
    return f"{format_date(first.start, 'month')} – {format_date(last.end, 'month')}"


def figures_span(kpi: Kpi) -> str | None:
    """The period the KPI's latest figures are for; for a cumulative KPI, the months from the year's first."""
    if kpi.latest_period_on is None:
        return None
    periods = kpi_schedule(kpi, fiscal_year_of(kpi.latest_period_on))
    latest = period_starting(periods, kpi.latest_period_on) or window_period(periods, kpi.latest_period_on)
    return span_label(periods[0], latest) if kpi.kind == KpiKind.CUMULATIVE else period_label(latest)


def shown_fiscal_year(year_be: int) -> int:
    """A fiscal year as people read it: 2570 in Thai, 2027 in English (the year it ends)."""
    return year_be if get_locale() == "th" else year_be - BE_OFFSET


# ---------------------------------------------------------------- reading them from the database


@dataclass(frozen=True)
class KpiPeriods:
    """A KPI's periods and the periods its standing reports are for."""

    kpi: Kpi
    periods: tuple[Period, ...]
    reported: frozenset[date]

    def owed(self, today: date) -> Owed | None:
        return owed(self.kpi.kind, self.periods, self.reported, today)

    def due_soon(self, today: date) -> Owed | None:
        """What is owed, if it is overdue or due within DUE_SOON."""
        found = self.owed(today)
        return found if found is not None and found.period.due - today <= DUE_SOON else None

    def for_report(self, today: date) -> Period:
        return period_for_report(self.kpi.kind, self.periods, self.reported, today)

    def covers(self, period: Period) -> bool:
        return covered(self.kpi.kind, [period], self.reported)[0]

    def at(self, day: date) -> Period:
        return window_period(self.periods, day)


async def agenda_years(session: AsyncSession, agenda_ids: Collection[int], today: date) -> dict[int, int]:
    """The fiscal year (BE) of each agenda; an agenda without one is in the year of `today`."""
    rows = await session.execute(
        select(Agenda.id, FiscalYear.year_be)
        .outerjoin(FiscalYear, FiscalYear.id == Agenda.fiscal_year_id)
        .where(Agenda.id.in_(list(agenda_ids)))
    )
    return {agenda_id: int(year) if year else fiscal_year_of(today) for agenda_id, year in rows.all()}


async def kpi_periods(session: AsyncSession, kpis: Sequence[Kpi], today: date) -> dict[int, KpiPeriods]:
    """The periods of several KPIs and what their standing reports are for, in two queries."""
    if not kpis:
        return {}
    years = await agenda_years(session, {kpi.agenda_id for kpi in kpis}, today)
    reported: dict[int, set[date]] = defaultdict(set)
    schedules = {kpi.id: kpi_schedule(kpi, years[kpi.agenda_id]) for kpi in kpis}
    rows = await session.execute(
        select(ProgressReport.kpi_id, ProgressReport.period_on, ProgressReport.created_at).where(
            ProgressReport.kpi_id.in_(list(schedules)), ProgressReport.superseded.is_(False)
        )
    )
    for kpi_id, period_on, created_at in rows.all():
        reported[kpi_id].add(report_period_on(schedules[kpi_id], period_on, created_at))
    return {kpi.id: KpiPeriods(kpi, schedules[kpi.id], frozenset(reported[kpi.id])) for kpi in kpis}


async def periods_of(session: AsyncSession, kpi: Kpi, today: date) -> KpiPeriods:
    return (await kpi_periods(session, [kpi], today))[kpi.id]
