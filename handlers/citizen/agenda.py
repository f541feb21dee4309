"""The province's agenda (ประเด็นของจังหวัด): a province's active agendas and each one's KPIs with their latest
progress (value against target, a bar, the date of the last report)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.flow import Ctx, Flow, Outcome, StepName, goto, stay
from bot.core.i18n import _
from bot.core.types import Choice, Reply
from handlers import router
from handlers.citizen.common import shorten
from handlers.citizen.provinces import picked_province, province_prompt
from handlers.tickets import kpi_card, localized
from storage.models import Agenda, Kpi, Province

FLOW = "agenda"
AGENDA_CODE = "a:"
OTHER_PROVINCE = "a:province"
FEEDBACK_ON_AGENDA = "fb:"  # "fb:<agenda id>" starts "tell the state" about that agenda, from anywhere
MAX_AGENDAS = 10


class Step(StepName):
    PROVINCE = "province"
    AGENDA = "agenda"


async def active_agendas(session: AsyncSession, province_id: int) -> Sequence[Agenda]:
    rows = await session.scalars(
        select(Agenda)
        .where(Agenda.province_id == province_id, Agenda.is_active.is_(True))
        .order_by(Agenda.is_ceo_pilot.desc(), Agenda.id)
        .limit(MAX_AGENDAS)
    )
    return rows.all()


async def agenda_kpis(session: AsyncSession, agenda_id: int) -> Sequence[Kpi]:
    return (await session.scalars(select(Kpi).where(Kpi.agenda_id == agenda_id).order_by(Kpi.id))).all()


def agenda_title(agenda: Agenda) -> str:
    return localized(agenda.title_th, agenda.title_en)


def agenda_choices(agendas: Sequence[Agenda]) -> tuple[Choice, ...]:
    return tuple(Choice(f"{AGENDA_CODE}{a.id}", shorten(agenda_title(a), 40)) for a in agendas)


def no_agenda_text(province: Province) -> str:
    return _(
        "{province} has no active agenda yet. Choose another province, or type its name.",
        province=localized(province.name_th, province.name_en),
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
    lines = [_("The agendas of {province}:", province=localized(picked.name_th, picked.name_en))]
    lines += [f"{n}. {agenda_title(a)}" for n, a in enumerate(agendas, start=1)]
    lines.append(_("Choose one to see its indicators and progress."))
    return goto(Step.AGENDA, Reply("\n".join(lines), choices=agenda_choices(agendas)))


async def on_agenda(ctx: Ctx) -> Outcome:
    if ctx.choice == OTHER_PROVINCE:
        return await enter(ctx)
    province_id = int(ctx.data["province_id"])
    agendas = await active_agendas(ctx.session, province_id)
    chosen = next((a for a in agendas if ctx.choice == f"{AGENDA_CODE}{a.id}"), None)
    if chosen is None:
        return stay(ctx, Reply(_("Please choose an agenda from the list."), choices=agenda_choices(agendas)))
    return goto(Step.AGENDA, *await agenda_replies(ctx, chosen, agendas))


async def agenda_replies(ctx: Ctx, agenda: Agenda, agendas: Sequence[Agenda]) -> list[Reply]:
    """The agenda's goal, one card per KPI, and what to do next."""
    kpis = await agenda_kpis(ctx.session, agenda.id)
    goal = localized(agenda.goal_th, agenda.goal_en)
    intro = agenda_title(agenda)
    if goal:
        intro += "\n" + _("Goal: {goal}", goal=goal)
    if not kpis:
        intro += "\n" + _("No indicators have been set for this agenda yet.")
    others = [a for a in agendas if a.id != agenda.id]
    choices = (
        Choice(f"{FEEDBACK_ON_AGENDA}{agenda.id}", _("Comment or propose")),
        *agenda_choices(others),
        Choice(OTHER_PROVINCE, _("Another province")),
    )
    closing = Reply(
        _('You can comment on this agenda or propose an indicator, see another agenda, or type "menu" to finish.'),
        choices=choices,
    )
    return [Reply(intro), *(Reply(card=kpi_card(kpi)) for kpi in kpis), closing]


router.register(Flow(name=FLOW, enter=enter, steps={Step.PROVINCE: on_province, Step.AGENDA: on_agenda}))
for _word in ("/agenda", "ประเด็นของจังหวัด"):
    router.add_command(_word, f"{router.MENU_PREFIX}{FLOW}")
