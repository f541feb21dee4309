""" "My agenda's KPIs": each KPI of the officer's province agendas as a card, then what is due, with buttons that
start the report on a due KPI or correct the officer's own report of the last day."""

from __future__ import annotations

from sqlalchemy import select

from bot.core.flow import Ctx, Flow, Outcome, finish
from bot.core.i18n import N_, _, format_date, localized
from bot.core.registry import MenuEntry, Registry
from bot.core.types import Choice, Reply
from bot.domain import scope
from bot.domain.periods import Owed, kpi_periods, local_day, period_label
from bot.domain.progress import CORRECTION_WINDOW
from handlers import codes
from handlers.cards import staff_kpi_card
from handlers.labels import kpi_label
from handlers.replies import forbidden_reply
from storage.models import Agenda, Kpi, ProgressReport

MAX_CARDS = 10


async def enter(ctx: Ctx) -> Outcome:
    if not scope.STAFF_ROLES & {ctx.person.role}:
        return finish(forbidden_reply())
    rows = (
        await ctx.session.execute(
            select(Kpi, Agenda)
            .join(Agenda, Kpi.agenda_id == Agenda.id)
            .where(scope.agendas_of(ctx.person), Agenda.is_active.is_(True))
            .order_by(Agenda.id, Kpi.id)
            .limit(MAX_CARDS)
        )
    ).all()
    if not rows:
        return finish(Reply(_("There is no active agenda in your province yet.")))
    cards = [Reply(card=await staff_kpi_card(ctx.session, kpi)) for kpi, _agenda in rows]
    today = local_day(ctx.now)
    schedules = await kpi_periods(ctx.session, [kpi for kpi, _agenda in rows], today)
    due = [(kpi, owed) for kpi, _agenda in rows if (owed := schedules[kpi.id].due_soon(today)) is not None]
    buttons = [Choice(codes.report_on_kpi(kpi.id), kpi_label(kpi)) for kpi, _owed in due[:6]]
    recent = await _my_recent_report(ctx)
    if recent is not None:
        buttons.append(Choice(codes.correct_report(recent.id), _("Correct my last report")))
    buttons += ctx.registry.menu_choices(ctx.person)
    return finish(*cards, Reply(_due_text(due), choices=tuple(buttons)), menu=False)


def _due_text(due: list[tuple[Kpi, Owed]]) -> str:
    if not due:
        return _("No report is due in the next 30 days.")
    lines = [_("Reports due:")]
    for kpi, owed in due:
        name, period = localized(kpi.name_th, kpi.name_en), period_label(owed.period)
        when = format_date(owed.period.due)
        if owed.overdue:
            lines.append(_("• {name}, {period}: overdue since {date}", name=name, period=period, date=when))
        else:
            lines.append(_("• {name}, {period}: by {date}", name=name, period=period, date=when))
    return "\n".join(lines)


async def _my_recent_report(ctx: Ctx) -> ProgressReport | None:
    return await ctx.session.scalar(
        select(ProgressReport)
        .where(
            ProgressReport.author_id == ctx.person.id,
            ProgressReport.superseded.is_(False),
            ProgressReport.created_at > ctx.now - CORRECTION_WINDOW,
        )
        .order_by(ProgressReport.created_at.desc(), ProgressReport.id.desc())
        .limit(1)
    )


def register(registry: Registry) -> None:
    registry.add_flow(Flow(name=codes.MY_KPIS_FLOW, enter=enter, steps={}))
    registry.add_menu_entry(
        MenuEntry(codes.menu(codes.MY_KPIS_FLOW), N_("My agenda's KPIs"), 52, roles=scope.STAFF_ROLES)
    )
