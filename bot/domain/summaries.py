"""A province at a glance for the secretariat: agendas, KPI progress, overdue reports, complaints, ratings and
citizens' feedback. The same numbers feed the chat card and the XLSX export."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import BANGKOK
from bot.domain.agendas import AgendaLists, agenda_lists
from bot.domain.figures import ProgressAverage, average
from bot.domain.periods import Owed, kpi_periods
from bot.domain.tickets import OPEN_STATUSES
from storage.models import Agenda, Complaint, Deadline, DeadlineSubmission, Feedback, Kpi, Province


@dataclass(frozen=True)
class KpiLine:
    agenda_th: str
    agenda_en: str
    kpi: Kpi  # with its latest figures (bot/domain/figures.py)
    owed: Owed | None  # the earliest period not reported (bot/domain/periods.py)

    @property
    def report_overdue(self) -> bool:
        return self.owed is not None and self.owed.overdue


@dataclass(frozen=True)
class AgendaLine:
    agenda: Agenda
    lists: AgendaLists  # its dimension, mechanisms and working group


@dataclass
class ProvinceSummary:
    province_th: str
    province_en: str
    today: date
    agendas: int = 0
    agenda_lines: list[AgendaLine] = field(default_factory=list)
    kpis: list[KpiLine] = field(default_factory=list)
    steps_overdue: int = 0
    complaints_open: int = 0
    complaints_overdue: int = 0
    mean_rating: float | None = None
    ratings: int = 0
    feedback: dict[str, int] = field(default_factory=dict)

    @property
    def reports_overdue(self) -> int:
        return sum(1 for kpi in self.kpis if kpi.report_overdue) + self.steps_overdue

    @property
    def progress(self) -> ProgressAverage:
        """The mean progress, a KPI with no report counting as 0 %, and how many have none."""
        return average([line.kpi.latest_percent for line in self.kpis])


async def _kpi_lines(session: AsyncSession, province_id: int, today: date) -> tuple[int, list[KpiLine]]:
    rows = (
        await session.execute(
            select(Agenda, Kpi)
            .join(Kpi, Kpi.agenda_id == Agenda.id)
            .where(Agenda.province_id == province_id, Agenda.is_active.is_(True))
            .order_by(Agenda.id, Kpi.id)
        )
    ).all()
    agendas = await session.scalar(
        select(func.count(Agenda.id)).where(Agenda.province_id == province_id, Agenda.is_active.is_(True))
    )
    schedules = await kpi_periods(session, [kpi for _agenda, kpi in rows], today)
    lines = [KpiLine(agenda.title_th, agenda.title_en, kpi, schedules[kpi.id].owed(today)) for agenda, kpi in rows]
    return int(agendas or 0), lines


async def _agenda_lines(session: AsyncSession, province_id: int) -> list[AgendaLine]:
    agendas = (
        await session.scalars(
            select(Agenda).where(Agenda.province_id == province_id, Agenda.is_active.is_(True)).order_by(Agenda.id)
        )
    ).all()
    lists = await agenda_lists(session, agendas)
    return [AgendaLine(agenda, lists[agenda.id]) for agenda in agendas]


async def _steps_overdue(session: AsyncSession, province_id: int, today: date) -> int:
    """Programme-step deadlines of this province (or of every province) past due and not handed in, this
    fiscal year (a year back)."""
    submitted = select(DeadlineSubmission.deadline_id).where(DeadlineSubmission.province_id == province_id)
    count = await session.scalar(
        select(func.count(Deadline.id)).where(
            Deadline.kpi_id.is_(None),
            (Deadline.province_id == province_id) | Deadline.province_id.is_(None),
            Deadline.due_on < today,
            Deadline.due_on >= date(today.year - 1, today.month, min(today.day, 28)),
            Deadline.id.not_in(submitted),
        )
    )
    return int(count or 0)


async def province_summary(session: AsyncSession, province_id: int, now: datetime) -> ProvinceSummary:
    province = await session.get(Province, province_id)
    assert province is not None
    today = now.astimezone(BANGKOK).date()
    summary = ProvinceSummary(province.name_th, province.name_en, today)
    summary.agendas, summary.kpis = await _kpi_lines(session, province_id, today)
    summary.agenda_lines = await _agenda_lines(session, province_id)
    summary.steps_overdue = await _steps_overdue(session, province_id, today)
    in_province = Complaint.province_id == province_id
    is_open = Complaint.status.in_([str(status) for status in OPEN_STATUSES])
    summary.complaints_open = int(
        await session.scalar(select(func.count(Complaint.id)).where(in_province, is_open)) or 0
    )
    summary.complaints_overdue = int(
        await session.scalar(select(func.count(Complaint.id)).where(in_province, is_open, Complaint.due_on < today))
        or 0
    )
    mean, ratings = (
        await session.execute(
            select(func.avg(Complaint.rating), func.count(Complaint.rating)).where(
                in_province, Complaint.rating.is_not(None)
            )
        )
    ).one()
    summary.mean_rating, summary.ratings = (float(mean) if mean is not None else None), int(ratings or 0)
    feedback = await session.execute(
        select(Feedback.kind, func.count(Feedback.id))
        .where(Feedback.province_id == province_id)
        .group_by(Feedback.kind)
    )
    summary.feedback = {kind: int(count) for kind, count in feedback.all()}
    return summary
