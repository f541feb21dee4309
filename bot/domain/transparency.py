"""A province's public page, gathered: its agenda and KPIs with their report history and the steps handed in,
the complaint figures (the desk's: bot/domain/stats.py, so that both show the same numbers), the latest resolved
complaints and the map's points. What of a complaint may be shown is bot/domain/publication.py's rule."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.domain import stats
from bot.domain.periods import local_day
from bot.domain.publication import PublicComplaint, closing_notes, publishable, rounded, to_public
from storage.models import (
    Agenda,
    Complaint,
    ComplaintCategory,
    ComplaintStatus,
    Deadline,
    DeadlineSubmission,
    Kpi,
    ProgrammeStep,
    ProgressReport,
    Province,
)
from storage.seed import fiscal_year_bounds, fiscal_year_of

LATEST_RESOLVED = 10
MAP_POINTS = 500  # the newest consented complaints with a place
BREAKDOWN_ROWS = 10
RESOLVED = (ComplaintStatus.RESOLVED.value, ComplaintStatus.CLOSED.value)


@dataclass(frozen=True)
class KpiView:
    kpi: Kpi
    history: tuple[float, ...]  # the standing reports' values, oldest first (the sparkline)


@dataclass(frozen=True)
class AgendaView:
    agenda: Agenda
    kpis: tuple[KpiView, ...]


@dataclass(frozen=True)
class StepView:
    title_th: str
    title_en: str
    due_on: date
    handed_in: bool


@dataclass(frozen=True)
class MapPoint:
    ticket_no: str
    latitude: float
    longitude: float
    subject_th: str
    status: str


@dataclass(frozen=True)
class ResolvedView:
    complaint: PublicComplaint
    closing_note: str | None


@dataclass
class ProvincePage:
    province: Province
    today: date
    agendas: list[AgendaView] = field(default_factory=list)
    steps: list[StepView] = field(default_factory=list)
    figures: stats.Overview | None = None
    categories: list[stats.Slice] = field(default_factory=list)
    districts: list[stats.Slice] = field(default_factory=list)
    resolved: list[ResolvedView] = field(default_factory=list)
    points: list[MapPoint] = field(default_factory=list)


async def province_page(session: AsyncSession, province: Province, now: datetime) -> ProvincePage:
    page = ProvincePage(province, local_day(now))
    page.agendas = await _agendas(session, province.id)
    page.steps = await _steps(session, province.id, page.today)
    scope = stats.province_scope(province.id)
    page.figures = await stats.overview(session, scope, now)
    page.categories = (await stats.breakdown(session, scope, now, stats.By.CATEGORY))[:BREAKDOWN_ROWS]
    page.districts = (await stats.breakdown(session, scope, now, stats.By.DISTRICT))[:BREAKDOWN_ROWS]
    page.resolved = await latest_resolved(session, province.id)
    page.points = await map_points(session, province.id)
    return page


async def _agendas(session: AsyncSession, province_id: int) -> list[AgendaView]:
    agendas = (
        await session.scalars(
            select(Agenda).where(Agenda.province_id == province_id, Agenda.is_active.is_(True)).order_by(Agenda.id)
        )
    ).all()
    kpis = (await session.scalars(select(Kpi).where(Kpi.agenda_id.in_([a.id for a in agendas])).order_by(Kpi.id))).all()
    history = await _histories(session, kpis)
    return [
        AgendaView(a, tuple(KpiView(k, history.get(k.id, ())) for k in kpis if k.agenda_id == a.id)) for a in agendas
    ]


async def _histories(session: AsyncSession, kpis: Sequence[Kpi]) -> dict[int, tuple[float, ...]]:
    if not kpis:
        return {}
    rows = await session.execute(
        select(ProgressReport.kpi_id, ProgressReport.value)
        .where(
            ProgressReport.kpi_id.in_([k.id for k in kpis]),
            ProgressReport.superseded.is_(False),
            ProgressReport.value.is_not(None),
        )
        .order_by(ProgressReport.kpi_id, ProgressReport.period_on, ProgressReport.created_at)
    )
    found: dict[int, list[float]] = {}
    for kpi_id, value in rows:
        found.setdefault(kpi_id, []).append(float(value or 0.0))
    return {kpi_id: tuple(values) for kpi_id, values in found.items()}


async def _steps(session: AsyncSession, province_id: int, today: date) -> list[StepView]:
    """The programme steps due this fiscal year (the province's own or every province's), handed in or not."""
    first, last = fiscal_year_bounds(fiscal_year_of(today))
    handed = select(DeadlineSubmission.deadline_id).where(DeadlineSubmission.province_id == province_id)
    rows = await session.execute(
        select(Deadline, Deadline.id.in_(handed))
        .join(ProgrammeStep, ProgrammeStep.id == Deadline.step_id)
        .where(
            (Deadline.province_id == province_id) | Deadline.province_id.is_(None),
            Deadline.due_on.between(first, last),
        )
        .order_by(Deadline.due_on)
    )
    return [StepView(d.title_th, d.title_en or d.title_th, d.due_on, bool(done)) for d, done in rows]


async def latest_resolved(session: AsyncSession, province_id: int) -> list[ResolvedView]:
    rows = (
        await session.scalars(
            select(Complaint)
            .where(
                Complaint.province_id == province_id,
                Complaint.status.in_(RESOLVED),
                Complaint.resolved_at.is_not(None),
                publishable(),
            )
            .order_by(Complaint.resolved_at.desc())
            .limit(LATEST_RESOLVED)
        )
    ).all()
    notes = await closing_notes(session, rows)
    return [ResolvedView(p, notes.get(c.id)) for c, p in zip(rows, await to_public(session, rows), strict=True)]


async def map_points(session: AsyncSession, province_id: int) -> list[MapPoint]:
    """The newest published complaints with a place, their position rounded (publication.py's rule). Only the
    columns a point shows are read: 500 whole complaints and their names cost more than the rest of the page."""
    agenda, category = aliased(Agenda), aliased(ComplaintCategory)
    rows = await session.execute(
        select(
            Complaint.ticket_no,
            Complaint.latitude,
            Complaint.longitude,
            func.coalesce(agenda.title_th, category.name_th, "-"),
            Complaint.status,
        )
        .outerjoin(agenda, agenda.id == Complaint.agenda_id)
        .outerjoin(category, category.id == Complaint.category_id)
        .where(
            Complaint.province_id == province_id,
            publishable(),
            Complaint.latitude.is_not(None),
            Complaint.longitude.is_not(None),
        )
        .order_by(Complaint.created_at.desc())
        .limit(MAP_POINTS)
    )
    return [
        MapPoint(ticket_no, lat, lng, subject, status)
        for ticket_no, latitude, longitude, subject, status in rows.all()
        if (lat := rounded(latitude)) is not None and (lng := rounded(longitude)) is not None
    ]
