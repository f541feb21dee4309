"""Tickets and KPIs as chat cards: the ticket summary, its history, and a KPI's progress."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import _, format_date, format_datetime, localized
from bot.core.text import shorten_block
from bot.core.types import Card, CardField
from bot.domain.progress import kpi_value_text
from bot.domain.tickets import history, status_label, subject_of
from storage.models import Agency, Complaint, District, Kpi, Province


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
        fields.append(CardField(_("Description"), shorten_block(complaint.description, 200)))
    if complaint.rating:
        fields.append(CardField(_("Your rating"), "★" * complaint.rating + "☆" * (5 - complaint.rating)))
    return Card(
        title=_("Ticket {ticket}", ticket=complaint.ticket_no),
        alt_text=_("Ticket {ticket}: {status}", ticket=complaint.ticket_no, status=status_label(complaint.status)),
        fields=tuple(fields),
        subtitle=status_label(complaint.status),
    )


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
    lines = []
    for event in await history(session, complaint):
        line = f"• {format_datetime(event.created_at)} — {status_label(event.status)}"
        if event.note:
            line += f": {shorten_block(event.note, 120)}"
        lines.append(line)
    return "\n".join(lines)
