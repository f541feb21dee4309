"""The overview: complaint figures (bot/domain/stats.py), the weekly trend, a map, and the agendas' KPIs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from bot.core.i18n import format_date, localized
from bot.domain import scope, stats
from bot.domain.figures import ProgressAverage, average
from bot.web.desk.auth import Desk, page
from bot.web.desk.render import render
from storage.models import Agenda, Complaint, Kpi, Person, Province

MAP_POINTS = 500  # the newest open complaints with a location


@dataclass(frozen=True)
class AgendaProgress:
    agenda: Agenda
    kpis: list[Kpi]
    progress: ProgressAverage


def complaint_scope(person: Person) -> ColumnElement[bool]:
    return scope.handled_by(person)


async def area_name(session: AsyncSession, person: Person) -> str:
    if person.province_id is None:
        return ""
    province = await session.get(Province, person.province_id)
    return localized(province.name_th, province.name_en) if province else ""


async def agenda_progress(session: AsyncSession, person: Person) -> list[AgendaProgress]:
    rows = (
        await session.execute(
            select(Agenda, Kpi)
            .join(Kpi, Kpi.agenda_id == Agenda.id)
            .where(scope.agendas_of(person), Agenda.is_active.is_(True))
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
    where = complaint_scope(desk.person)
    async with desk.services.db.read() as session:
        national = scope.is_national(desk.person)
        places = stats.By.PROVINCE if national else stats.By.DISTRICT
        figures = await stats.dashboard(session, where, now, places=places)
        points = await map_points(session, where)
        agendas = await agenda_progress(session, desk.person)
        area = await area_name(session, desk.person)
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
            agendas=agendas,
            trend_json=script_json(trend),
            points_json=script_json(points),
            tile_url=settings.desk_tile_url,
            tile_attribution=settings.desk_tile_attribution,
        ),
    )
