"""Simple agenda edits in chat (secretariat): a KPI's target or due date. Bigger changes go through
`hpp-bot agenda|kpi` and the import; a fiscal year's step deadlines are entered by the national secretariat
(handlers/secretariat/deadlines.py)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.core.flow import Ctx, Flow, Outcome, StepFn, StepName, finish, goto, stay
from bot.core.i18n import N_, _, format_date
from bot.core.registry import MenuEntry, Registry
from bot.core.types import Choice, Reply
from bot.domain import scope
from bot.domain.agendas import change_kpi
from bot.domain.places import find_province
from bot.domain.progress import kpi_value_text
from bot.domain.values import BadValue, parse_date, parse_number
from handlers import codes
from handlers.cards import staff_kpi_card
from handlers.labels import agenda_label, listed_kpis
from handlers.secretariat.common import ask_province, unknown_province, working_province
from storage.models import Agenda, Kpi, KpiKind, KpiUnit


class Step(StepName):
    PROVINCE = "province"
    AGENDA = "agenda"
    KPI = "kpi"
    ACTION = "action"
    TARGET = "target"
    DUE = "due"


async def enter(ctx: Ctx) -> Outcome:
    """Choose an agenda of the province (a national member names the province first)."""
    if working_province(ctx) is None:
        return goto(Step.PROVINCE, ask_province())
    return goto(Step.AGENDA, await _agenda_prompt(ctx))


async def on_province(ctx: Ctx) -> Outcome:
    province = await find_province(ctx.session, ctx.text)
    if province is None:
        return stay(ctx, unknown_province(ctx.text))
    ctx.data["province_id"] = province.id
    return goto(Step.AGENDA, await _agenda_prompt(ctx))


async def _agenda_prompt(ctx: Ctx) -> Reply:
    agendas = (
        await ctx.session.scalars(
            select(Agenda)
            .where(Agenda.province_id == working_province(ctx), Agenda.is_active.is_(True))
            .order_by(Agenda.id)
            .limit(11)
        )
    ).all()
    choices = tuple(Choice(codes.MANAGE_AGENDA(a.id), agenda_label(a)) for a in agendas)
    return Reply(_("Which agenda do you want to edit?"), choices=choices)


async def _owned_agenda(ctx: Ctx, agenda_id: int) -> Agenda | None:
    agenda = await ctx.session.get(Agenda, agenda_id)
    return agenda if agenda is not None and scope.serves_province(ctx.person, agenda.province_id) else None


async def on_agenda(ctx: Ctx) -> Outcome:
    agenda_id = codes.MANAGE_AGENDA.number(ctx.choice)
    agenda = await _owned_agenda(ctx, agenda_id) if agenda_id is not None else None
    if agenda is None:
        return stay(ctx, await _agenda_prompt(ctx))
    ctx.data["agenda_id"] = agenda.id
    return goto(Step.KPI, await _kpi_prompt(ctx, agenda.id))


async def _kpi_prompt(ctx: Ctx, agenda_id: int) -> Reply:
    kpis = (await ctx.session.scalars(select(Kpi).where(Kpi.agenda_id == agenda_id).order_by(Kpi.id).limit(12))).all()
    names, labels = listed_kpis(kpis)
    return Reply(
        _("Which KPI?") + "\n" + names,
        choices=tuple(Choice(codes.MANAGE_KPI(k.id), label) for k, label in zip(kpis, labels, strict=True)),
    )


async def _owned_kpi(ctx: Ctx) -> Kpi | None:
    kpi_id = ctx.data.get("kpi_id")
    kpi = await ctx.session.get(Kpi, kpi_id) if isinstance(kpi_id, int) else None
    if kpi is None or await _owned_agenda(ctx, kpi.agenda_id) is None:
        return None
    return kpi


async def on_kpi(ctx: Ctx) -> Outcome:
    kpi_id = codes.MANAGE_KPI.number(ctx.choice)
    kpi = await ctx.session.get(Kpi, kpi_id) if kpi_id is not None else None
    if kpi is None or kpi.agenda_id != ctx.data.get("agenda_id"):
        return stay(ctx, await _kpi_prompt(ctx, int(ctx.data.get("agenda_id") or 0)))
    ctx.data["kpi_id"] = kpi.id
    actions = [Choice(codes.MANAGE_DUE, _("Change the due date"))]
    if kpi.kind != KpiKind.MILESTONE:  # a milestone's target is its last stage
        actions.insert(0, Choice(codes.MANAGE_TARGET, _("Change the target")))
    return goto(
        Step.ACTION,
        Reply(card=await staff_kpi_card(ctx.session, kpi)),
        Reply(_("What do you want to change?"), choices=tuple(actions)),
    )


async def on_action(ctx: Ctx) -> Outcome:
    if ctx.choice == codes.MANAGE_TARGET:
        return goto(Step.TARGET, Reply(_("Type the new target (a number).")))
    if ctx.choice == codes.MANAGE_DUE:
        return goto(Step.DUE, Reply(_("Type the new due date, e.g. 30/9/2570.")))
    return stay(ctx, Reply(_("Please choose what to change.")))


async def on_target(ctx: Ctx) -> Outcome:
    kpi = await _owned_kpi(ctx)
    if kpi is None:
        return finish(Reply(_("That KPI is no longer available.")))
    old = kpi_value_text(kpi, kpi.target)
    try:
        value = parse_number(ctx.text, field="target")
        if value is None:
            raise BadValue(ctx.text)
        await change_kpi(ctx.session, kpi, {"target": value})  # refuses, changing nothing, what the kind cannot take
    except BadValue:
        hint = _("a percentage from 0 to 100") if kpi.unit == KpiUnit.PERCENT else _("a number, 0 or more")
        return stay(ctx, Reply(_("“{text}” is not a valid target: please type {hint}.", text=ctx.text, hint=hint)))
    return finish(Reply(_("Target changed from {old} to {new}.", old=old, new=kpi_value_text(kpi, value))))


def _parse_future_date(ctx: Ctx) -> date | None:
    try:
        day = parse_date(ctx.text)
    except BadValue:
        return None
    return day if day >= ctx.now.date() else None


async def on_due(ctx: Ctx) -> Outcome:
    kpi = await _owned_kpi(ctx)
    if kpi is None:
        return finish(Reply(_("That KPI is no longer available.")))
    day = _parse_future_date(ctx)
    if day is None:
        return stay(ctx, Reply(_("Please type a date from today on, e.g. 30/9/2570.")))
    await change_kpi(ctx.session, kpi, {"due_on": day})
    return finish(Reply(_("Due date set to {date}.", date=format_date(day, "long"))))


def register(registry: Registry) -> None:
    steps: dict[str, StepFn] = {
        Step.PROVINCE: on_province,
        Step.AGENDA: on_agenda,
        Step.KPI: on_kpi,
        Step.ACTION: on_action,
        Step.TARGET: on_target,
        Step.DUE: on_due,
    }
    registry.add_flow(Flow(name=codes.MANAGE_FLOW, enter=enter, steps=steps, roles=scope.SECRETARIAT_ONLY))
    registry.add_menu_entry(
        MenuEntry(codes.menu(codes.MANAGE_FLOW), N_("Edit agendas, KPIs"), 62, roles=scope.SECRETARIAT_ONLY)
    )
