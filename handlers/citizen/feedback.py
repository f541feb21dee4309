"""Tell the state (บอกเราถึงรัฐ / เสนอความคิดเห็น): comment on a province's agenda, propose a new KPI or a target
for an existing one, or support someone's proposal (one support per person). `feedback_counts` gives the
secretariat the numbers per agenda."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from bot.core.flow import Ctx, Flow, Outcome, StepFn, StepName, finish, goto, stay
from bot.core.i18n import N_, _, localized, ngettext
from bot.core.numbers import parse_id
from bot.core.registry import Registry
from bot.core.text import shorten
from bot.core.types import Choice, Reply
from bot.domain.agendas import active_agendas, agenda_kpis
from bot.domain.areas import province_title
from bot.domain.feedback import Kind, add_feedback, add_support, proposals
from bot.domain.progress import kpi_value_text
from handlers import codes
from handlers.citizen.agenda import agenda_title
from handlers.citizen.common import text_problem
from handlers.citizen.provinces import picked_province, province_prompt
from handlers.labels import agenda_label, legend, listed_kpis
from storage.models import Agenda, Feedback, Kpi, Province

TEXT_MIN = 10
TEXT_MAX = 500
KIND_LABELS = {
    Kind.COMMENT: N_("Comment"),
    Kind.KPI_PROPOSAL: N_("New indicator"),
    Kind.TARGET_PROPOSAL: N_("New target"),
}
SUPPORT = "support"  # the feedback action that lists proposals to support


class Step(StepName):
    PROVINCE = "province"
    AGENDA = "agenda"
    ACTION = "action"
    KPI = "kpi"
    TEXT = "text"
    SUPPORT = "support"


# ---------------------------------------------------------------- steps


async def enter(ctx: Ctx) -> Outcome:
    """From an agenda's page ("fb:<id>") go straight to what to say; otherwise ask for the province."""
    agenda_id = parse_id(ctx.args)
    agenda = await ctx.session.get(Agenda, agenda_id) if agenda_id is not None else None
    if agenda is not None and agenda.is_active:
        ctx.data.update(province_id=agenda.province_id, agenda_id=agenda.id)
        return goto(Step.ACTION, await action_reply(ctx))
    return goto(
        Step.PROVINCE,
        await province_prompt(
            ctx.session,
            ctx.person,
            _(
                "Tell the state what you think. Which province is it about? Choose one, or "
                "type its name (for example เชียงราย)."
            ),
        ),
    )


async def on_province(ctx: Ctx) -> Outcome:
    picked = await picked_province(ctx)
    if isinstance(picked, Reply):
        return stay(ctx, picked)
    ctx.data["province_id"] = picked.id
    return goto(Step.AGENDA, await agenda_reply(ctx, picked))


async def agenda_reply(ctx: Ctx, province: Province) -> Reply:
    agendas = await active_agendas(ctx.session, province.id)
    choices = [Choice(codes.FEEDBACK_AGENDA(a.id), agenda_label(a)) for a in agendas]
    choices.append(Choice(codes.FEEDBACK_GENERAL, _("The province in general")))
    name = province_title(province.name_th, province.name_en)
    if agendas:
        text = _("Which agenda of {province} is it about?", province=name)
        text += "\n" + legend([(agenda_label(a), agenda_title(a)) for a in agendas])
    else:
        text = _("{province} has no active agenda yet; you can still tell the province in general.", province=name)
    return Reply(text, choices=tuple(choices))


async def on_agenda(ctx: Ctx) -> Outcome:
    province_id = int(ctx.data["province_id"])
    if ctx.choice == codes.FEEDBACK_GENERAL:
        ctx.data["agenda_id"] = None
        return goto(Step.ACTION, await action_reply(ctx))
    agendas = await active_agendas(ctx.session, province_id)
    chosen = next((a for a in agendas if ctx.choice == codes.FEEDBACK_AGENDA(a.id)), None)
    if chosen is None:
        province = await ctx.session.get(Province, province_id)
        assert province is not None
        reply = await agenda_reply(ctx, province)
        return stay(ctx, Reply(_("Please choose from the list.") + "\n" + reply.text, choices=reply.choices))
    ctx.data["agenda_id"] = chosen.id
    return goto(Step.ACTION, await action_reply(ctx))


async def action_reply(ctx: Ctx) -> Reply:
    agenda_id = ctx.data.get("agenda_id")
    choices = [
        Choice(codes.FEEDBACK_ACTION(Kind.COMMENT), _("Comment")),
        Choice(codes.FEEDBACK_ACTION(Kind.KPI_PROPOSAL), _("Propose an indicator")),
    ]
    if agenda_id is not None and await agenda_kpis(ctx.session, agenda_id):
        choices.append(Choice(codes.FEEDBACK_ACTION(Kind.TARGET_PROPOSAL), _("Propose a target")))
    listed = await proposals(ctx.session, int(ctx.data["province_id"]), agenda_id)
    if listed:
        choices.append(Choice(codes.FEEDBACK_ACTION(SUPPORT), _("Support a proposal ({count})", count=len(listed))))
    agenda = await ctx.session.get(Agenda, agenda_id) if agenda_id is not None else None
    about = agenda_title(agenda) if agenda else _("the province in general")
    return Reply(_("About: {about}\nWhat would you like to do?", about=about), choices=tuple(choices))


async def on_action(ctx: Ctx) -> Outcome:
    action = codes.FEEDBACK_ACTION.arg(ctx.choice) or ""
    if action in (Kind.COMMENT, Kind.KPI_PROPOSAL):
        ctx.data["kind"] = action
        return goto(Step.TEXT, Reply(text_prompt(action)))
    if action == Kind.TARGET_PROPOSAL and ctx.data.get("agenda_id") is not None:
        kpis = await agenda_kpis(ctx.session, int(ctx.data["agenda_id"]))
        return goto(Step.KPI, kpi_reply(kpis, _("Which indicator should have a different target?")))
    if action == SUPPORT:
        return goto(Step.SUPPORT, await support_reply(ctx))
    return stay(ctx, await action_reply(ctx))


def text_prompt(kind: str, kpi: Kpi | None = None) -> str:
    limits = {"minimum": TEXT_MIN, "maximum": TEXT_MAX}
    if kind == Kind.COMMENT:
        return _("Type your comment ({minimum} to {maximum} characters).", **limits)
    if kind == Kind.KPI_PROPOSAL:
        return _("Which indicator should the province measure, and why? ({minimum} to {maximum} characters)", **limits)
    assert kpi is not None
    return _(
        'The target of "{kpi}" is now {target}. What target do you propose, and why? ({minimum} to '
        "{maximum} characters)",
        kpi=localized(kpi.name_th, kpi.name_en),
        target=kpi_value_text(kpi, kpi.target),
        **limits,
    )


def kpi_reply(kpis: Sequence[Kpi], text: str) -> Reply:
    """The KPIs numbered in full in the text, their short names on the numbered buttons."""
    names, labels = listed_kpis(kpis)
    choices = tuple(Choice(codes.FEEDBACK_KPI(k.id), label) for k, label in zip(kpis, labels, strict=True))
    return Reply(text + "\n" + names, choices=choices)


async def on_kpi(ctx: Ctx) -> Outcome:
    kpis = await agenda_kpis(ctx.session, int(ctx.data["agenda_id"]))
    chosen = next((k for k in kpis if ctx.choice == codes.FEEDBACK_KPI(k.id)), None)
    if chosen is None:
        return stay(ctx, kpi_reply(kpis, _("Please choose an indicator from the list.")))
    ctx.data.update(kind=Kind.TARGET_PROPOSAL, kpi_id=chosen.id)
    return goto(Step.TEXT, Reply(text_prompt(Kind.TARGET_PROPOSAL, chosen)))


async def on_text(ctx: Ctx) -> Outcome:
    problem = text_problem(ctx.text, minimum=TEXT_MIN, maximum=TEXT_MAX)
    if problem:
        return stay(ctx, Reply(problem))
    kind = str(ctx.data["kind"])
    await add_feedback(
        ctx.session,
        ctx.person,
        province_id=int(ctx.data["province_id"]),
        kind=kind,
        text=ctx.text,
        now=ctx.now,
        agenda_id=ctx.data.get("agenda_id"),
        kpi_id=ctx.data.get("kpi_id"),
    )
    if kind == Kind.COMMENT:
        return finish(Reply(_("Thank you. Your comment has been passed to the province's secretariat.")))
    return finish(
        Reply(
            _(
                "Thank you. Your proposal has been passed to the province's secretariat; other "
                "people can now support it."
            )
        )
    )


async def support_reply(ctx: Ctx, lead: str | None = None) -> Reply:
    listed = await proposals(ctx.session, int(ctx.data["province_id"]), ctx.data.get("agenda_id"))
    lines = [lead] if lead else []
    lines.append(_("Proposals so far (supporters in brackets). Choose one to support it:"))
    choices = []
    for number, item in enumerate(listed, start=1):
        lines.append(f"{number}. [{KIND_LABELS[item.kind]}] {shorten(item.text, 120)} ({item.support_count})")
        choices.append(Choice(codes.FEEDBACK_SUPPORT(item.id), _("Support #{number}", number=number)))
    return Reply("\n".join(lines), choices=tuple(choices))


async def on_support(ctx: Ctx) -> Outcome:
    listed = await proposals(ctx.session, int(ctx.data["province_id"]), ctx.data.get("agenda_id"))
    chosen = next((f for f in listed if ctx.choice == codes.FEEDBACK_SUPPORT(f.id)), None)
    if chosen is None:
        return stay(ctx, await support_reply(ctx, _("Please choose a proposal from the list.")))
    if not await add_support(ctx.session, chosen.id, ctx.person):
        return stay(ctx, await support_reply(ctx, _("You already support this proposal.")))
    count = await ctx.session.scalar(select(Feedback.support_count).where(Feedback.id == chosen.id))
    thanks = ngettext(
        "Thank you for your support. {n} person now supports this proposal.",
        "Thank you for your support. {n} people now support this proposal.",
        int(count or 0),
    )
    return finish(Reply(thanks))


def register(registry: Registry) -> None:
    steps: dict[str, StepFn] = {
        Step.PROVINCE: on_province,
        Step.AGENDA: on_agenda,
        Step.ACTION: on_action,
        Step.KPI: on_kpi,
        Step.TEXT: on_text,
        Step.SUPPORT: on_support,
    }
    registry.add_flow(Flow(name=codes.FEEDBACK_FLOW, enter=enter, steps=steps))
    registry.add_code_prefix(codes.FEEDBACK_ON_AGENDA.prefix, codes.FEEDBACK_FLOW)
    registry.add_command(codes.menu(codes.FEEDBACK_FLOW), "/feedback", "บอกเราถึงรัฐ", "เสนอความคิดเห็น")
