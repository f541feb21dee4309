"""Agendas and KPIs: each agenda's KPIs with their progress, what each still owes for its reporting period,
the officers who owe it, and a button that reminds exactly them (the same reminder the scheduler sends)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.core import outbox
from bot.domain import scope, signin
from bot.domain.agendas import ensure_cycle_deadlines
from bot.domain.periods import Owed, kpi_periods, local_day
from bot.domain.reminders import agenda_reporters, people_who_owe
from bot.web.desk.auth import Desk, action, page
from bot.web.desk.render import render
from bot.web.desk.ticket import not_found
from handlers import notices
from storage.models import Agenda, Deadline, Kpi, Person

MAX_AGENDAS = 50
MAX_DEADLINES = 50


@dataclass
class KpiLine:
    kpi: Kpi
    owed: Owed | None
    owers: list[Person] = field(default_factory=list)


@dataclass
class AgendaLine:
    agenda: Agenda
    kpis: list[KpiLine] = field(default_factory=list)


async def agenda_lines(session: AsyncSession, person: Person, now: datetime) -> list[AgendaLine]:
    agendas = (
        await session.scalars(
            select(Agenda)
            .where(scope.agendas_of(person), Agenda.is_active.is_(True))
            .order_by(Agenda.province_id, Agenda.id)
            .limit(MAX_AGENDAS)
        )
    ).all()
    kpis = (await session.scalars(select(Kpi).where(Kpi.agenda_id.in_([a.id for a in agendas])).order_by(Kpi.id))).all()
    today = local_day(now)
    schedules = await kpi_periods(session, kpis, today)
    lines = {agenda.id: AgendaLine(agenda) for agenda in agendas}
    for kpi in kpis:
        owed = schedules[kpi.id].owed(today)
        owers = await agenda_reporters(session, lines[kpi.agenda_id].agenda) if owed else []
        lines[kpi.agenda_id].kpis.append(KpiLine(kpi, owed, owers))
    return list(lines.values())


async def _remind(session: AsyncSession, deadline: Deadline, days_left: int, day: str) -> int:
    queued = 0
    for person in await people_who_owe(session, deadline):
        queued += await outbox.enqueue_to(
            session,
            person,
            lambda: notices.reminder(deadline, days_left),
            key=f"desk-reminder:{deadline.id}:{person.id}:{day}",  # pressed again today: not sent again
        )
    return queued


async def programme_deadlines(session: AsyncSession, person: Person, now: datetime) -> list[Deadline]:
    """The programme steps' deadlines from today on that the person's secretariat may move (none for officers)."""
    if not scope.is_secretariat(person):
        return []
    query = select(Deadline).where(Deadline.step_id.is_not(None), Deadline.due_on >= local_day(now))
    if not scope.is_national(person):
        query = query.where(Deadline.province_id == person.province_id)
    return list((await session.scalars(query.order_by(Deadline.due_on, Deadline.id).limit(MAX_DEADLINES))).all())


@page
async def agendas_page(request: Request, desk: Desk) -> Response:
    async with desk.services.db.read() as session:
        lines = await agenda_lines(session, desk.person, desk.now())
        deadlines = await programme_deadlines(session, desk.person, desk.now())
    params = request.query_params
    reminded = params.get("reminded")
    return render(
        "agendas.html",
        desk.context(
            lines=lines,
            deadlines=deadlines,
            reminded=int(reminded) if reminded and reminded.isdigit() else None,
            edited="edited" in params,
            moved="moved" in params,
            bad_date="bad_date" in params,
            may_edit=lambda agenda: scope.runs_province(desk.person, agenda.province_id),
        ),
    )


@action
async def remind(request: Request, desk: Desk, form: FormData) -> Response:
    """Remind the officers who owe the KPI's report for its owed period, once a day at most per person."""
    now = desk.now()
    today = local_day(now)
    async with desk.services.db.write() as session:
        kpi = await session.get(Kpi, request.path_params["kpi_id"])
        agenda = await session.get(Agenda, kpi.agenda_id) if kpi else None
        if kpi is None or agenda is None or not scope.can_report_on(desk.person, agenda):
            return not_found(desk)
        owed = (await kpi_periods(session, [kpi], today))[kpi.id].owed(today)
        queued = 0
        if owed is not None:
            await ensure_cycle_deadlines(session, kpi, agenda, start=owed.period.due, end=owed.period.due)
            deadline = await session.scalar(
                select(Deadline).where(Deadline.kpi_id == kpi.id, Deadline.due_on == owed.period.due)
            )
            if deadline is not None:
                queued = await _remind(session, deadline, (deadline.due_on - today).days, today.isoformat())
        signin.audit(
            session,
            desk.person,
            "remind_kpi",
            f"kpi:{kpi.id}",
            page=desk.page(form),
            now=now,
            detail={"queued": queued},
        )
    desk.services.outbox_wakeup.set()
    return RedirectResponse(f"/desk/agendas?reminded={queued}", status_code=303)
