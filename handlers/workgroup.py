"""A working-group member in chat: the provinces their group advises, each one's agendas with the KPI cards, and
advice on a KPI, which the province's secretariat is told of and then sees on the card
(bot/domain/working_groups.py)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from bot.core.flow import Ctx, Flow, Outcome, StepFn, StepName, finish, goto, stay
from bot.core.i18n import N_, _, localized
from bot.core.registry import MenuEntry, Registry
from bot.core.text import button_label
from bot.core.types import Choice, Reply
from bot.domain.working_groups import (
    ADVICE_MAX,
    AdviceProblem,
    AdviceRefused,
    advised_agendas,
    advised_provinces,
    advises,
    give_advice,
    is_member,
    secretariat_of,
)
from handlers import codes
from handlers.cards import staff_kpi_card
from handlers.replies import forbidden_reply
from storage.models import Agenda, Kpi, Province, Role, WorkingGroup

WORKING_GROUP_ONLY = frozenset({Role.WORKING_GROUP.value})
MAX_KPI_BUTTONS = 10


class Step(StepName):
    PROVINCE = "province"
    KPI = "kpi"
    ADVICE = "advice"


def _province_prompt(provinces: Sequence[Province]) -> Reply:
    return Reply(
        _("Which province?"),
        choices=tuple(
            Choice(codes.ADVISE_PROVINCE(p.id), button_label(localized(p.name_th, p.name_en))) for p in provinces
        ),
    )


async def enter(ctx: Ctx) -> Outcome:
    if not is_member(ctx.person):
        return finish(forbidden_reply())
    provinces = await advised_provinces(ctx.session, ctx.person)
    if not provinces:
        return finish(Reply(_("Your working group follows no province's agenda yet.")))
    return goto(Step.PROVINCE, _province_prompt(provinces))


async def on_province(ctx: Ctx) -> Outcome:
    provinces = await advised_provinces(ctx.session, ctx.person)
    chosen = codes.ADVISE_PROVINCE.number(ctx.choice)
    province = next((p for p in provinces if p.id == chosen), None)
    if province is None:
        return stay(ctx, Reply(_("Please choose one of the buttons.")), _province_prompt(provinces))
    agendas = await advised_agendas(ctx.session, ctx.person, province.id)
    replies: list[Reply] = []
    buttons: list[Choice] = []
    for agenda in agendas:
        replies.append(Reply(_agenda_text(agenda, province)))
        for kpi in await _kpis(ctx, agenda):
            replies.append(Reply(card=await staff_kpi_card(ctx.session, kpi)))
            name = button_label(localized(kpi.name_th, kpi.name_en))
            buttons.append(Choice(codes.ADVISE_KPI(kpi.id), name))
    replies.append(Reply(_("To leave advice on a KPI, choose it."), choices=tuple(buttons[:MAX_KPI_BUTTONS])))
    return goto(Step.KPI, *replies)


def _agenda_text(agenda: Agenda, province: Province) -> str:
    return _(
        "{province}: {title}",
        province=localized(province.name_th, province.name_en),
        title=localized(agenda.title_th, agenda.title_en),
    )


async def _kpis(ctx: Ctx, agenda: Agenda) -> Sequence[Kpi]:
    return (await ctx.session.scalars(select(Kpi).where(Kpi.agenda_id == agenda.id).order_by(Kpi.id))).all()


async def on_kpi(ctx: Ctx) -> Outcome:
    kpi_id = codes.ADVISE_KPI.number(ctx.choice)
    kpi = await ctx.session.get(Kpi, kpi_id) if kpi_id is not None else None
    if kpi is None or await advises(ctx.session, ctx.person, kpi) is None:
        return stay(ctx, Reply(_("Please choose a KPI from the buttons.")))
    ctx.data["kpi_id"] = kpi.id
    return goto(
        Step.ADVICE, Reply(_("Type your advice on “{name}”, in one message.", name=localized(kpi.name_th, kpi.name_en)))
    )


async def on_advice(ctx: Ctx) -> Outcome:
    kpi = await ctx.session.get(Kpi, int(ctx.data.get("kpi_id") or 0))
    if kpi is None:
        return finish(Reply(_("That KPI is no longer available.")))
    if not ctx.text:
        return stay(ctx, Reply(_("Please type your advice as text.")))
    try:
        advice = await give_advice(ctx.session, ctx.person, kpi, ctx.text)
    except AdviceRefused as refused:
        if refused.problem is AdviceProblem.TOO_LONG:
            return stay(ctx, Reply(_("That is too long: please keep it under {limit} characters.", limit=ADVICE_MAX)))
        return finish(forbidden_reply())
    agenda = await ctx.session.get(Agenda, kpi.agenda_id)
    assert agenda is not None
    told = await _tell_secretariat(ctx, agenda, kpi, advice.text, advice.id)
    province = await ctx.session.get(Province, agenda.province_id)
    name = localized(province.name_th, province.name_en) if province else "-"
    if told == 0:
        return finish(
            Reply(
                _(
                    "Advice kept. {province} has no secretariat member in the bot yet; they will see it on the "
                    "KPI card.",
                    province=name,
                )
            )
        )
    return finish(
        Reply(_("Advice sent to the secretariat of {province}. They also see it on the KPI card.", province=name))
    )


async def _tell_secretariat(ctx: Ctx, agenda: Agenda, kpi: Kpi, text: str, advice_id: int) -> int:
    group = await ctx.session.get(WorkingGroup, ctx.person.working_group_id or 0)
    group_th, group_en = (group.name_th, group.name_en) if group else ("", "")
    recipients = await secretariat_of(ctx.session, agenda.province_id)
    for person in recipients:

        def build(kpi: Kpi = kpi) -> list[Reply]:
            message = _(
                "Advice from the {group} on the KPI “{kpi}”:\n{text}",
                group=localized(group_th, group_en),
                kpi=localized(kpi.name_th, kpi.name_en),
                text=text,
            )
            return [Reply(message, choices=(Choice(codes.menu(codes.MY_KPIS_FLOW), _("See the KPI cards")),))]

        ctx.notify(person, build, key=f"advice:{advice_id}:{person.id}")
    return len(recipients)


def register(registry: Registry) -> None:
    steps: dict[str, StepFn] = {Step.PROVINCE: on_province, Step.KPI: on_kpi, Step.ADVICE: on_advice}
    registry.add_flow(Flow(name=codes.ADVISE_FLOW, enter=enter, steps=steps, roles=WORKING_GROUP_ONLY))
    registry.add_menu_entry(
        MenuEntry(codes.menu(codes.ADVISE_FLOW), N_("Advised provinces"), 55, roles=WORKING_GROUP_ONLY)
    )
