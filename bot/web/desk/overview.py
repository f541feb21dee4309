"""The overview: complaint figures (bot/domain/stats.py), the weekly trend, a map, and the agendas' KPIs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from bot.core.i18n import format_date
from bot.domain import scope, stats
from bot.domain.figures import ProgressAverage, average
from bot.web.desk.auth import Desk, page
from bot.web.desk.places import complaints_where, picked_province, province_choices, province_name
from bot.web.desk.render import render
from storage.models import Agenda, Complaint, Kpi, Person

MAP_POINTS = 500  # the newest open complaints with a location


@dataclass(frozen=True)
class AgendaProgress:
    agenda: Agenda
    kpis: list[Kpi]
    progress: ProgressAverage


async def agenda_progress(
    session: AsyncSession, person: Person, province_id: int | None = None
) -> list[AgendaProgress]:
    """The active agendas' KPIs in the person's scope, of one province when the national team has picked one."""
    picked = true() if province_id is None else Agenda.province_id == province_id
    rows = (
        await session.execute(
            select(Agenda, Kpi)
            .join(Kpi, Kpi.agenda_id == Agenda.id)
            .where(scope.agendas_of(person), picked, Agenda.is_active.is_(True))
            .order_by(Agenda.province_id, Agenda.id, Kpi.id)
            .limit(200)
        )
    ).all()
    grouped: dict[int, AgendaProgress] = {}
    for agenda, kpi in rows:
        grouped.setdefault(agenda.id, AgendaProgress(agenda, [], average([]))).kpis.append(kpi)
    return [
        AgendaProgress(line.agenda, line.kpis, average([kpi.latest_percent for kpi in line.kpis]))
        for line in grouped.values()
    ]


async def map_points(session: AsyncSession, where: ColumnElement[bool]) -> list[dict[str, Any]]:
    rows = await session.execute(
        select(Complaint.id, Complaint.ticket_no, Complaint.latitude, Complaint.longitude, Complaint.status)
        .where(where, Complaint.status.in_(stats.OPEN), Complaint.latitude.is_not(None))
        .order_by(Complaint.created_at.desc())
        .limit(MAP_POINTS)
    )
    return [{"id": row[0], "ticket": row[1], "lat": row[2], "lon": row[3], "status": row[4]} for row in rows.all()]


def script_json(value: object) -> str:
    """JSON to put inside a <script> element: no "</script>" can end it early."""
    return json.dumps(value).replace("<", "\\u003c")


@page
async def overview(request: Request, desk: Desk) -> Response:
    now = desk.now()
    picked = picked_province(desk.person, request.query_params)
    where = complaints_where(desk.person, picked)
    async with desk.services.db.read() as session:
        national = scope.is_national(desk.person) and picked is None
        places = stats.By.PROVINCE if national else stats.By.DISTRICT
        figures = await stats.dashboard(session, where, now, places=places)
        points = await map_points(session, where)
        agendas = await agenda_progress(session, desk.person, picked)
        area = await province_name(session, picked)
        provinces = await province_choices(session) if scope.is_national(desk.person) else []
    trend = {
        "labels": [format_date(week.first_day, "short") for week in figures.trend],
        "received": [week.received for week in figures.trend],
        "answered": [week.answered for week in figures.trend],
    }
    settings = desk.services.settings
    return render(
        "overview.html",
        desk.context(
            figures=figures,
            national=national,
            area=area,
            provinces=provinces,
            province_id=picked,
            agendas=agendas,
            trend_json=script_json(trend),
            points_json=script_json(points),
            tile_url=settings.desk_tile_url,
            tile_attribution=settings.desk_tile_attribution,
        ),
    )
