"""Editing a KPI (name, target, baseline, kind, unit, direction, reporting period, due date) and moving a
programme deadline, from the agendas page: the secretariat of the agenda's province only. The form's values are
read here with a clear message per field; whether they fit together is the domain's rule (change_kpi), and each
change is in the audit log."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.core.i18n import _
from bot.domain import scope, signin
from bot.domain.agendas import KpiChanges, change_kpi, move_deadline, set_reporting_cycle
from bot.domain.values import (
    DIRECTIONS,
    KPI_KINDS,
    KPI_UNITS,
    REPORTING_CYCLES,
    BadValue,
    parse_cycle,
    parse_number,
    parse_stages,
)
from bot.web.desk.auth import Desk, action, page
from bot.web.desk.render import render
from bot.web.desk.ticket import not_found
from storage.models import Agenda, Deadline, Kpi, KpiKind

MAX_NAME = 300
FIELDS = ("name_th", "name_en", "kind", "unit", "stages", "target", "baseline", "direction", "cycle", "day", "due_on")


@dataclass
class KpiForm:
    """The edit form's values as typed, the changes read from them, and a message per wrong field."""

    values: dict[str, str]
    changes: KpiChanges = field(default_factory=lambda: KpiChanges())
    cycle: tuple[str, int | None] = ("none", None)
    errors: dict[str, str] = field(default_factory=dict)


def values_of(kpi: Kpi) -> dict[str, str]:
    def figure(value: float | None) -> str:
        return "" if value is None else f"{value:g}"

    return {
        "name_th": kpi.name_th,
        "name_en": kpi.name_en,
        "kind": kpi.kind,
        "unit": kpi.unit,
        "stages": str(kpi.stages or ""),
        "target": figure(kpi.target),
        "baseline": figure(kpi.baseline),
        "direction": "higher" if kpi.higher_is_better else "lower",
        "cycle": kpi.reporting_cycle,
        "day": str(kpi.reporting_day or ""),
        "due_on": kpi.due_on.isoformat() if kpi.due_on else "",
    }


def _number(form: KpiForm, name: str) -> float | None:
    try:
        return parse_number(form.values[name], field=name)
    except BadValue:
        form.errors[name] = _("Please type a number of 0 or more, e.g. 1,200 or 35.5.")
        return None


def _due(form: KpiForm) -> date | None:
    try:
        return date.fromisoformat(form.values["due_on"]) if form.values["due_on"] else None
    except ValueError:
        form.errors["due_on"] = _("Please choose a date.")
        return None


def read_form(posted: FormData) -> KpiForm:
    form = KpiForm({name: str(posted.get(name, "")).strip() for name in FIELDS})
    values = form.values
    if not values["name_th"] or len(values["name_th"]) > MAX_NAME:
        form.errors["name_th"] = _("Please type the KPI's Thai name (at most {n} characters).", n=MAX_NAME)
    if values["kind"] not in KPI_KINDS:
        form.errors["kind"] = _("Please choose one of the kinds offered.")
    if values["unit"] not in KPI_UNITS or values["direction"] not in DIRECTIONS:
        form.errors["unit"] = _("Please choose one of the units and directions offered.")
    try:
        stages = parse_stages(values["stages"]) if values["kind"] == KpiKind.MILESTONE else None
    except BadValue:
        form.errors["stages"], stages = _("Please type the number of stages, 1 or more."), None
    try:
        form.cycle = parse_cycle(values["cycle"], values["day"]) if values["cycle"] in REPORTING_CYCLES else ("", None)
    except BadValue:
        form.errors["day"] = _("A monthly or quarterly report needs its day of the month, 1 to 28.")
    if values["cycle"] not in REPORTING_CYCLES:
        form.errors["cycle"] = _("Please choose one of the reporting periods offered.")
    form.changes = KpiChanges(
        name_th=values["name_th"][:MAX_NAME],
        name_en=values["name_en"][:MAX_NAME],
        kind=values["kind"],
        unit=values["unit"],
        stages=stages,
        target=_number(form, "target"),
        baseline=_number(form, "baseline"),
        higher_is_better=DIRECTIONS.get(values["direction"], True),
        due_on=_due(form),
    )
    return form


async def kpi_in_scope(desk: Desk, kpi_id: int) -> tuple[Kpi, Agenda] | None:
    async with desk.services.db.read() as session:
        kpi = await session.get(Kpi, kpi_id)
        agenda = await session.get(Agenda, kpi.agenda_id) if kpi else None
    if kpi is None or agenda is None or not scope.runs_province(desk.person, agenda.province_id):
        return None
    return kpi, agenda


def edit_page(desk: Desk, kpi: Kpi, agenda: Agenda, form: KpiForm, *, problem: str | None = None) -> Response:
    return render(
        "kpi_edit.html",
        desk.context(
            kpi=kpi,
            agenda=agenda,
            values=form.values,
            errors=form.errors,
            problem=problem,
            kinds=KPI_KINDS,
            units=KPI_UNITS,
            cycles=REPORTING_CYCLES,
        ),
        status=400 if form.errors or problem else 200,
    )


@page
async def kpi_edit_page(request: Request, desk: Desk) -> Response:
    found = await kpi_in_scope(desk, request.path_params["kpi_id"])
    if found is None:
        return not_found(desk)
    kpi, agenda = found
    return edit_page(desk, kpi, agenda, KpiForm(values_of(kpi)))


def _changed(before: dict[str, str], after: dict[str, str]) -> dict[str, Any]:
    return {name: [before[name], after[name]] for name in before if before[name] != after.get(name)}


@action
async def kpi_edit(request: Request, desk: Desk, posted: FormData) -> Response:
    form = read_form(posted)
    now = desk.now()
    async with desk.services.db.write() as session:
        kpi = await session.get(Kpi, request.path_params["kpi_id"])
        agenda = await session.get(Agenda, kpi.agenda_id) if kpi else None
        if kpi is None or agenda is None or not scope.runs_province(desk.person, agenda.province_id):
            return not_found(desk)
        if form.errors:
            return edit_page(desk, kpi, agenda, form)
        before = values_of(kpi)
        try:
            await change_kpi(session, kpi, form.changes)
        except BadValue as problem:
            return edit_page(desk, kpi, agenda, form, problem=str(problem))
        if form.cycle != (kpi.reporting_cycle, kpi.reporting_day):
            await set_reporting_cycle(session, kpi, *form.cycle)
        signin.audit(
            session,
            desk.person,
            "kpi_edit",
            f"kpi:{kpi.id}",
            page=desk.page(posted),
            now=now,
            detail={"changed": _changed(before, values_of(kpi))},
        )
    return RedirectResponse(f"/desk/agendas?edited={kpi.id}#kpi-{kpi.id}", status_code=303)


@action
async def deadline_move(request: Request, desk: Desk, posted: FormData) -> Response:
    now = desk.now()
    async with desk.services.db.write() as session:
        deadline = await session.get(Deadline, request.path_params["deadline_id"])
        if deadline is None or not scope.runs_province(desk.person, deadline.province_id):
            return not_found(desk)
        try:
            old = await move_deadline(session, deadline, date.fromisoformat(str(posted.get("due_on", ""))))
        except ValueError:  # no date, or one outside its fiscal year (BadValue)
            return RedirectResponse(f"/desk/agendas?bad_date={deadline.id}#deadline-{deadline.id}", status_code=303)
        signin.audit(
            session,
            desk.person,
            "deadline_move",
            f"deadline:{deadline.id}",
            page=desk.page(posted),
            now=now,
            detail={"from": old.isoformat(), "to": deadline.due_on.isoformat()},
        )
    return RedirectResponse(f"/desk/agendas?moved={deadline.id}#deadline-{deadline.id}", status_code=303)
