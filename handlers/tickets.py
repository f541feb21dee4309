"""Tickets and KPIs as people see them: status names, summary cards, and the one way a ticket's status changes.

Citizens' and officers' flows both use this module, so that every status change is written to the history and
tells the complainant, whoever made it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.flow import Ctx
from bot.core.i18n import N_, _, format_date, format_datetime, get_locale
from bot.core.types import Card, CardField, Choice, Reply
from storage.models import (
    Agency,
    Agenda,
    Complaint,
    ComplaintCategory,
    ComplaintEvent,
    ComplaintStatus,
    District,
    Kpi,
    KpiUnit,
    Person,
    Province,
)

STATUS_LABELS = {
    ComplaintStatus.RECEIVED: N_("Received"),
    ComplaintStatus.ACCEPTED: N_("Accepted by the agency"),
    ComplaintStatus.IN_PROGRESS: N_("In progress"),
    ComplaintStatus.FORWARDED: N_("Forwarded"),
    ComplaintStatus.RESOLVED: N_("Resolved"),
    ComplaintStatus.REJECTED: N_("Rejected"),
    ComplaintStatus.DUPLICATE: N_("Duplicate"),
    ComplaintStatus.CLOSED: N_("Closed"),
}
OPEN_STATUSES = frozenset(
    {ComplaintStatus.RECEIVED, ComplaintStatus.ACCEPTED, ComplaintStatus.IN_PROGRESS, ComplaintStatus.FORWARDED}
)
FOLLOW_TICKET = "t:"  # choice code "t:<ticket_no>" opens a ticket in the follow flow
RATE_TICKET = "rate:"  # "rate:<ticket_no>": the complainant rates a resolved ticket (handlers/citizen/rating.py)
REOPEN_TICKET = "reopen:"  # "reopen:<ticket_no>": the complainant reopens it inside the window


def status_label(status: str) -> str:
    label = STATUS_LABELS.get(ComplaintStatus(status))
    return str(label) if label is not None else status


def localized(th: str, en: str | None) -> str:
    """A name stored in both languages, in the current one (Thai when no English exists)."""
    return en if get_locale() == "en" and en else th


def progress_bar(percent: float, width: int = 10) -> str:
    filled = max(0, min(width, round(percent / 100 * width)))
    return "▓" * filled + "░" * (width - filled) + f" {percent:.0f}%"


async def _name(session: AsyncSession, model: type[Province] | type[District] | type[Agency], key: int | None) -> str:
    if key is None:
        return "-"
    row: Province | District | Agency | None = await session.get(model, key)
    if row is None:
        return "-"
    return localized(row.name_th, getattr(row, "name_en", None))


async def ticket_card(session: AsyncSession, complaint: Complaint, *, public: bool = False) -> Card:
    """The ticket summary. `public` leaves out the description and anything about the complainant."""
    fields = [
        CardField(_("Status"), status_label(complaint.status)),
        CardField(_("Province"), await _name(session, Province, complaint.province_id)),
        CardField(_("District"), await _name(session, District, complaint.district_id)),
        CardField(_("Subject"), await subject_of(session, complaint)),
        CardField(_("Agency"), await _name(session, Agency, complaint.agency_id)),
        CardField(_("Filed on"), format_date(complaint.created_at)),
        CardField(_("Answer expected by"), format_date(complaint.due_on)),
    ]
    if not public:
        fields.append(CardField(_("Description"), _shorten(complaint.description, 200)))
    if complaint.rating:
        fields.append(CardField(_("Your rating"), "★" * complaint.rating + "☆" * (5 - complaint.rating)))
    return Card(
        title=_("Ticket {ticket}", ticket=complaint.ticket_no),
        alt_text=_("Ticket {ticket}: {status}", ticket=complaint.ticket_no, status=status_label(complaint.status)),
        fields=tuple(fields),
        subtitle=status_label(complaint.status),
    )


async def subject_of(session: AsyncSession, complaint: Complaint) -> str:
    """The province agenda the ticket was filed under, else its general category."""
    if complaint.agenda_id is not None:
        agenda = await session.get(Agenda, complaint.agenda_id)
        if agenda is not None:
            return localized(agenda.title_th, agenda.title_en)
    category = await session.get(ComplaintCategory, complaint.category_id) if complaint.category_id else None
    return localized(category.name_th, category.name_en) if category else "-"


def kpi_value_text(kpi: Kpi, value: float | None) -> str:
    if value is None:
        return _("not reported yet")
    if kpi.unit == KpiUnit.YESNO:
        return _("yes") if value >= 1 else _("no")
    if kpi.unit == KpiUnit.PERCENT:
        return f"{value:,.1f}%"
    unit = localized(kpi.unit_label_th, kpi.unit_label_en)
    return f"{value:,.2f}".rstrip("0").rstrip(".") + (f" {unit}" if unit else "")


def kpi_card(kpi: Kpi) -> Card:
    """A KPI's latest progress against its target."""
    name = localized(kpi.name_th, kpi.name_en)
    percent = kpi.latest_percent
    fields = [
        CardField(_("Latest value"), kpi_value_text(kpi, kpi.latest_value)),
        CardField(_("Target"), kpi_value_text(kpi, kpi.target)),
    ]
    if kpi.baseline is not None:
        fields.append(CardField(_("Baseline"), kpi_value_text(kpi, kpi.baseline)))
    if kpi.due_on is not None:
        fields.append(CardField(_("Due"), format_date(kpi.due_on)))
    fields.append(
        CardField(
            _("Last report"),
            format_date(kpi.latest_reported_at) if kpi.latest_reported_at else _("not reported yet"),
        )
    )
    progress = _("{percent} of target", percent=f"{percent:.0f}%") if percent is not None else _("no report yet")
    return Card(
        title=name,
        alt_text=_("KPI {name}: {progress}", name=name, progress=progress),
        fields=tuple(fields),
        progress_percent=percent,
    )


async def history_text(session: AsyncSession, complaint: Complaint) -> str:
    """The status history, oldest first, with Buddhist-Era dates."""
    events = (
        await session.scalars(
            select(ComplaintEvent).where(ComplaintEvent.complaint_id == complaint.id).order_by(ComplaintEvent.id)
        )
    ).all()
    lines = []
    for event in events:
        line = f"• {format_datetime(event.created_at)} — {status_label(event.status)}"
        if event.note:
            line += f": {_shorten(event.note, 120)}"
        lines.append(line)
    return "\n".join(lines)


async def change_status(
    ctx: Ctx,
    complaint: Complaint,
    status: ComplaintStatus,
    *,
    note: str | None = None,
    agency_id: int | None = None,
    actor: Person | None = None,
) -> ComplaintEvent:
    """Move a ticket to `status`, record it in the history, and tell the complainant in their chat."""
    event = await record_status(
        ctx.session, complaint, status, note=note, agency_id=agency_id, actor=actor, now=ctx.now
    )
    complainant = await ctx.session.get(Person, complaint.person_id) if complaint.person_id else None
    if complainant is not None and complainant.id != (actor.id if actor else None):
        ticket_no, new_status = complaint.ticket_no, status

        def build() -> Sequence[Reply]:
            text = _("Update on your ticket {ticket}: {status}.", ticket=ticket_no, status=status_label(new_status))
            if note:
                text += "\n" + _("Note: {note}", note=note)
            buttons = [Choice(f"{FOLLOW_TICKET}{ticket_no}", _("View ticket"))]
            if new_status is ComplaintStatus.RESOLVED:  # the moment to ask how it went (issue 5, step 4)
                buttons += [
                    Choice(f"{RATE_TICKET}{ticket_no}", _("Rate")),
                    Choice(f"{REOPEN_TICKET}{ticket_no}", _("Not solved: reopen")),
                ]
            return [Reply(text, choices=tuple(buttons))]

        ctx.notify(complainant, build, key=f"ticket:{complaint.id}:event:{event.id}")
    return event


async def record_status(
    session: AsyncSession,
    complaint: Complaint,
    status: ComplaintStatus,
    *,
    note: str | None = None,
    agency_id: int | None = None,
    actor: Person | None = None,
    now: datetime,
) -> ComplaintEvent:
    """Write the status and its history row (no notification: for filing, imports and scheduled jobs)."""
    complaint.status = status
    complaint.updated_at = now
    if agency_id is not None:
        complaint.agency_id = agency_id
    if status is ComplaintStatus.RESOLVED:
        complaint.resolved_at = now
    event = ComplaintEvent(
        complaint_id=complaint.id,
        status=status,
        note=note,
        actor_id=actor.id if actor else None,
        agency_id=agency_id or complaint.agency_id,
        created_at=now,
    )
    session.add(event)
    await session.flush()
    return event


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
