"""The province's agenda (ประเด็นของจังหวัด): a province's active agendas, what each is filed under (dimension,
mechanisms, advising working group) and its KPIs with their latest progress (figure against target, a bar, the
period and the date of the last report)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.flow import Ctx, Flow, Outcome, StepFn, StepName, goto, stay
from bot.core.i18n import _, localized
from bot.core.registry import Registry
from bot.core.types import Choice, Reply
from bot.domain.agendas import active_agendas, agenda_kpis, agenda_lists
from bot.domain.areas import province_title
from handlers import codes
from handlers.cards import agenda_lists_lines, kpi_card
from handlers.citizen.provinces import picked_province, province_prompt
from handlers.labels import agenda_label
from storage.models import Agenda, Province


class Step(StepName):
    PROVINCE = "province"
    AGENDA = "agenda"


def agenda_title(agenda: Agenda) -> str:
    return localized(agenda.title_th, agenda.title_en)


def agenda_choices(agendas: Sequence[Agenda]) -> tuple[Choice, ...]:
    return tuple(Choice(codes.AGENDA(a.id), agenda_label(a)) for a in agendas)


def no_agenda_text(province: Province) -> str:
    return _(
        "{province} has no active agenda yet. Choose another province, or type its name.",
        province=province_title(province.name_th, province.name_en),
    )


async def enter(ctx: Ctx) -> Outcome:
    """Ask for the province, the person's own first."""
    return goto(Step.PROVINCE, await province_prompt(ctx.session, ctx.person))


async def on_province(ctx: Ctx) -> Outcome:
    picked = await picked_province(ctx)
    if isinstance(picked, Reply):
        return stay(ctx, picked)
    agendas = await active_agendas(ctx.session, picked.id)
    if not agendas:
        return stay(ctx, await province_prompt(ctx.session, ctx.person, no_agenda_text(picked)))
    ctx.data["province_id"] = picked.id
    lines = [_("The agendas of {province}:", province=province_title(picked.name_th, picked.name_en))]
    lines += [f"{n}. {agenda_title(a)}" for n, a in enumerate(agendas, start=1)]
    lines.append(_("Choose one to see its indicators and progress."))
    return goto(Step.AGENDA, Reply("\n".join(lines), choices=agenda_choices(agendas)))


async def on_agenda(ctx: Ctx) -> Outcome:
    if ctx.choice == codes.OTHER_PROVINCE:
        return await enter(ctx)
    province_id = int(ctx.data["province_id"])
    agendas = await active_agendas(ctx.session, province_id)
    chosen = next((a for a in agendas if ctx.choice == codes.AGENDA(a.id)), None)
    if chosen is None:
        return stay(ctx, Reply(_("Please choose an agenda from the list."), choices=agenda_choices(agendas)))
    return goto(Step.AGENDA, *await agenda_replies(ctx, chosen, agendas))


async def agenda_replies(ctx: Ctx, agenda: Agenda, agendas: Sequence[Agenda]) -> list[Reply]:
    """The agenda's goal and lists, one card per KPI, and what to do next."""
    kpis = await agenda_kpis(ctx.session, agenda.id)
    goal = localized(agenda.goal_th, agenda.goal_en)
    intro = agenda_title(agenda)
    if goal:
        intro += "\n" + _("Goal: {goal}", goal=goal)
    lists = (await agenda_lists(ctx.session, [agenda]))[agenda.id]
    intro = "\n".join([intro, *agenda_lists_lines(lists)])
    if not kpis:
        intro += "\n" + _("No indicators have been set for this agenda yet.")
    others = [a for a in agendas if a.id != agenda.id]
    choices = (
        Choice(codes.FEEDBACK_ON_AGENDA(agenda.id), _("Comment or propose")),
        *agenda_choices(others),
        Choice(codes.OTHER_PROVINCE, _("Another province")),
    )
    closing = Reply(
        _('You can comment on this agenda or propose an indicator, see another agenda, or type "menu" to finish.'),
        choices=choices,
    )
    return [Reply(intro), *(Reply(card=kpi_card(kpi)) for kpi in kpis), closing]


def register(registry: Registry) -> None:
    steps: dict[str, StepFn] = {Step.PROVINCE: on_province, Step.AGENDA: on_agenda}
    registry.add_flow(Flow(name=codes.AGENDA_FLOW, enter=enter, steps=steps))
    registry.add_command(codes.menu(codes.AGENDA_FLOW), "/agenda", "ประเด็นของจังหวัด")
