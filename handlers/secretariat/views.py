"""Citizens' views (ความคิดเห็นจากประชาชน), บอกเราถึงรัฐ answered: the secretariat lists the comments and proposals
of its province, filtered by status, agenda or KPI; opens one; sets its status (received, under consideration,
adopted, declined) or replies. The citizen is told either way, in their language, and sees the status under
"My data" (bot/domain/feedback.py)."""

from __future__ import annotations

from sqlalchemy import select

from bot.core.flow import Ctx, Flow, Outcome, StepFn, StepName, finish, goto, stay
from bot.core.i18n import N_, _, format_date, localized
from bot.core.registry import MenuEntry, Registry
from bot.core.text import shorten
from bot.core.types import Choice, Reply
from bot.domain import scope
from bot.domain.agendas import agenda_kpis
from bot.domain.feedback import (
    REPLY_MAX,
    answer_feedback,
    feedback_status_label,
    list_feedback,
    set_feedback_status,
)
from handlers import codes, notices
from handlers.citizen.feedback import KIND_LABELS
from handlers.labels import agenda_label, kpi_label, kpi_name, legend
from handlers.replies import forbidden_reply
from handlers.secretariat.common import working_province
from storage.models import Agenda, Feedback, FeedbackStatus, Kpi

MAX_AGENDAS = 6


class Step(StepName):
    FILTER = "filter"
    LIST = "list"
    ITEM = "item"
    REPLY = "reply"


async def enter(ctx: Ctx) -> Outcome:
    if not scope.is_secretariat(ctx.person):
        return finish(forbidden_reply())
    ctx.data.clear()
    return goto(Step.FILTER, await _filter_question(ctx))


async def _filter_question(ctx: Ctx) -> Reply:
    province_id = working_province(ctx)
    query = select(Agenda).where(Agenda.is_active.is_(True)).order_by(Agenda.id).limit(MAX_AGENDAS)
    if province_id is not None:
        query = query.where(Agenda.province_id == province_id)
    agendas = (await ctx.session.scalars(query)).all()
    buttons = [Choice(codes.VIEWS_ALL, _("All"))]
    buttons += [Choice(codes.VIEWS_STATUS(s.value), feedback_status_label(s)) for s in FeedbackStatus]
    buttons += [Choice(codes.VIEWS_AGENDA(a.id), agenda_label(a)) for a in agendas]
    return Reply(_("Citizens' comments and proposals: which would you like to see?"), choices=tuple(buttons))


async def on_filter(ctx: Ctx) -> Outcome:
    code = ctx.choice or ""
    status = codes.VIEWS_STATUS.arg(code)
    agenda_id, kpi_id = codes.VIEWS_AGENDA.number(code), codes.VIEWS_KPI.number(code)
    if code == codes.VIEWS_ALL:
        ctx.data.pop("filter", None)
    elif status in {s.value for s in FeedbackStatus}:
        ctx.data["filter"] = {"status": status}
    elif agenda_id is not None and await _agenda_in_scope(ctx, agenda_id):
        ctx.data["filter"] = {"agenda_id": agenda_id}
    elif kpi_id is not None and await _kpi_in_scope(ctx, kpi_id):
        ctx.data["filter"] = {"agenda_id": ctx.data.get("filter", {}).get("agenda_id"), "kpi_id": kpi_id}
    else:
        return stay(ctx, Reply(_("Please choose one of the buttons.")), await _filter_question(ctx))
    return await _show_list(ctx)


async def _agenda_in_scope(ctx: Ctx, agenda_id: int) -> bool:
    agenda = await ctx.session.get(Agenda, agenda_id)
    return agenda is not None and scope.serves_province(ctx.person, agenda.province_id)


async def _kpi_in_scope(ctx: Ctx, kpi_id: int) -> bool:
    kpi = await ctx.session.get(Kpi, kpi_id)
    return kpi is not None and await _agenda_in_scope(ctx, kpi.agenda_id)


async def _show_list(ctx: Ctx) -> Outcome:
    chosen = ctx.data.get("filter", {})
    status = chosen.get("status")
    items = await list_feedback(
        ctx.session,
        working_province(ctx),
        status=FeedbackStatus(status) if status else None,
        agenda_id=chosen.get("agenda_id"),
        kpi_id=chosen.get("kpi_id"),
    )
    buttons = [Choice(codes.VIEWS_OPEN(f.id), f"#{f.id}") for f in items]
    kpi_names: list[tuple[str, str]] = []  # the KPI buttons' short names and the full ones, for the text
    if chosen.get("agenda_id") and not chosen.get("kpi_id"):
        kpis = await agenda_kpis(ctx.session, chosen["agenda_id"])
        buttons += [Choice(codes.VIEWS_KPI(k.id), kpi_label(k)) for k in kpis[:4]]
        kpi_names = [(kpi_label(k), kpi_name(k)) for k in kpis[:4]]
    buttons.append(Choice(codes.VIEWS_FILTER, _("Change the filter")))
    if not items:
        text = "\n".join([_("Nothing matches this filter."), *([legend(kpi_names)] if kpi_names else [])])
        return goto(Step.LIST, Reply(text, choices=tuple(buttons)))
    lines = [_("Comments and proposals, newest first:")]
    for item in items:
        lines.append(
            _(
                "#{id} [{status}] {kind}: {text} ({supports} supports, {date})",
                id=item.id,
                status=feedback_status_label(item.status),
                kind=str(KIND_LABELS.get(item.kind, item.kind)),
                text=shorten(item.text, 80),
                supports=item.support_count,
                date=format_date(item.created_at),
            )
        )
    if kpi_names:
        lines.append(legend(kpi_names))
    return goto(Step.LIST, Reply("\n".join(lines), choices=tuple(buttons)))


async def on_list(ctx: Ctx) -> Outcome:
    if ctx.choice == codes.VIEWS_FILTER:
        return goto(Step.FILTER, await _filter_question(ctx))
    if codes.VIEWS_KPI.number(ctx.choice) is not None:
        return await on_filter(ctx)
    feedback = await _feedback_in_scope(ctx, codes.VIEWS_OPEN.number(ctx.choice))
    if feedback is None:
        return await _show_list(ctx)
    ctx.data["feedback_id"] = feedback.id
    return goto(Step.ITEM, await _item_reply(ctx, feedback))


async def _feedback_in_scope(ctx: Ctx, feedback_id: int | None) -> Feedback | None:
    feedback = await ctx.session.get(Feedback, feedback_id) if feedback_id is not None else None
    if feedback is None or not scope.serves_province(ctx.person, feedback.province_id):
        return None
    return feedback


async def _item_reply(ctx: Ctx, feedback: Feedback, lead: str | None = None) -> Reply:
    agenda = await ctx.session.get(Agenda, feedback.agenda_id) if feedback.agenda_id else None
    kpi = await ctx.session.get(Kpi, feedback.kpi_id) if feedback.kpi_id else None
    lines = [lead] if lead else []
    lines.append(
        _(
            "#{id} {kind}, {date}",
            id=feedback.id,
            kind=str(KIND_LABELS.get(feedback.kind, feedback.kind)),
            date=format_date(feedback.created_at),
        )
    )
    if agenda is not None:
        lines.append(_("Agenda: {title}", title=localized(agenda.title_th, agenda.title_en)))
    if kpi is not None:
        lines.append(_("KPI: {name}", name=localized(kpi.name_th, kpi.name_en)))
    lines += [feedback.text, _("Status: {status}", status=feedback_status_label(feedback.status))]
    if feedback.reply:
        lines.append(_("Your reply: {reply}", reply=feedback.reply))
    buttons = [
        Choice(codes.VIEWS_SET(s.value), feedback_status_label(s)) for s in FeedbackStatus if s != feedback.status
    ]
    buttons.append(Choice(codes.VIEWS_REPLY, _("Reply to the citizen")))
    return Reply("\n".join(lines), choices=tuple(buttons))


async def on_item(ctx: Ctx) -> Outcome:
    feedback = await _feedback_in_scope(ctx, ctx.data.get("feedback_id"))
    if feedback is None:
        return finish(forbidden_reply())
    if ctx.choice == codes.VIEWS_REPLY:
        return goto(Step.REPLY, Reply(_("Type your reply. The citizen will receive it as you write it.")))
    status = codes.VIEWS_SET.arg(ctx.choice)
    if status not in {s.value for s in FeedbackStatus} or status == feedback.status:
        return stay(ctx, await _item_reply(ctx, feedback, _("Please choose one of the buttons.")))
    tell = notices.tell_feedback_author(ctx.notify)
    await set_feedback_status(ctx.session, feedback, FeedbackStatus(status), actor=ctx.person, now=ctx.now, tell=tell)
    return _done(feedback)


async def on_reply(ctx: Ctx) -> Outcome:
    feedback = await _feedback_in_scope(ctx, ctx.data.get("feedback_id"))
    if feedback is None:
        return finish(forbidden_reply())
    if not ctx.text:
        return stay(ctx, Reply(_("Please type the reply as text.")))
    if len(ctx.text) > REPLY_MAX:
        return stay(ctx, Reply(_("That reply is too long: please keep it under {limit} characters.", limit=REPLY_MAX)))
    tell = notices.tell_feedback_author(ctx.notify)
    await answer_feedback(ctx.session, feedback, ctx.text, actor=ctx.person, now=ctx.now, tell=tell)
    return _done(feedback)


def _done(feedback: Feedback) -> Outcome:
    text = _(
        "Saved: #{id} is now {status}. The citizen has been told.",
        id=feedback.id,
        status=feedback_status_label(feedback.status),
    )
    return finish(Reply(text, choices=(Choice(codes.menu(codes.VIEWS_FLOW), _("Back to the list")),)), menu=False)


def register(registry: Registry) -> None:
    steps: dict[str, StepFn] = {
        Step.FILTER: on_filter,
        Step.LIST: on_list,
        Step.ITEM: on_item,
        Step.REPLY: on_reply,
    }
    registry.add_flow(Flow(name=codes.VIEWS_FLOW, enter=enter, steps=steps))
    registry.add_menu_entry(
        MenuEntry(codes.menu(codes.VIEWS_FLOW), N_("Citizens' views"), 63, roles=scope.SECRETARIAT_ONLY)
    )
    registry.add_command(codes.menu(codes.VIEWS_FLOW), "ความเห็นประชาชน", "ความคิดเห็นจากประชาชน", "/views")
