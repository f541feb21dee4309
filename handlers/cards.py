"""Tickets, KPIs and agendas in chat: the ticket summary, its history, a KPI's progress, and what an agenda is
filed under."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import _, format_date, format_datetime, localized
from bot.core.text import shorten_block
from bot.core.types import Card, CardField
from bot.domain.agendas import AgendaLists
from bot.domain.complaints.disclosure import publication_consents
from bot.domain.figures import cap_used, stage_count
from bot.domain.periods import figures_span
from bot.domain.progress import kind_label, kpi_value_text
from bot.domain.reviews import latest_note
from bot.domain.tickets import history, map_link, phone_for_handler, status_label, subject_of
from bot.domain.working_groups import latest_advice
from storage.models import Agency, Complaint, ContactMode, District, Kpi, KpiKind, Province

NOTE_LENGTH = 300  # of advice or a review note on a card; the full text is in the lists


async def _name(session: AsyncSession, model: type[Province] | type[District] | type[Agency], key: int | None) -> str:
    if key is None:
        return "-"
    row: Province | District | Agency | None = await session.get(model, key)
    if row is None:
        return "-"
    return localized(row.name_th, getattr(row, "name_en", None))


async def ticket_card(
    session: AsyncSession,
    complaint: Complaint,
    *,
    public: bool = False,
    handler: bool = False,
    public_page: str | None = None,
) -> Card:
    """The ticket summary. `public` leaves out the description and anything about the complainant; `handler` (the
    officer's or the secretariat's view) adds the location with a map link and how the citizen may be reached;
    `public_page`, the link to the ticket's public status page, is its footer."""
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
        fields.append(CardField(_("Public page"), shown_label(*publication_consents(complaint))))
    if handler:
        fields += handler_fields(complaint)
    if complaint.rating:
        fields.append(CardField(_("Your rating"), "★" * complaint.rating + "☆" * (5 - complaint.rating)))
    return Card(
        title=_("Ticket {ticket}", ticket=complaint.ticket_no),
        alt_text=_("Ticket {ticket}: {status}", ticket=complaint.ticket_no, status=status_label(complaint.status)),
        fields=tuple(fields),
        subtitle=status_label(complaint.status),
        footer=public_page,
    )


def shown_label(publish: bool, photos: bool) -> str:
    """What the public page shows of a complaint, given its consents."""
    if publish and photos:
        return _("Description, rounded place and photos")
    if publish:
        return _("Description and rounded place")
    return _("Not shown")


def handler_fields(complaint: Complaint) -> list[CardField]:
    """Where it is and how to reach the citizen: the phone only if they chose to be called."""
    fields = []
    if complaint.latitude is not None and complaint.longitude is not None:
        point = f"{complaint.latitude:.5f}, {complaint.longitude:.5f}"
        fields.append(CardField(_("Location"), f"{point}\n{map_link(complaint.latitude, complaint.longitude)}"))
    if complaint.media_url:
        fields.append(CardField(_("Photo (link given with the request)"), complaint.media_url))
    phone = phone_for_handler(complaint)
    if phone is not None:
        contact = _("Phone {phone} (the citizen asked to be called)", phone=phone)
    elif complaint.contact_mode == ContactMode.ANONYMOUS:
        contact = _("Anonymous: no name or contact")
    else:
        contact = _("By chat only: answer through the ticket's status and notes")
    fields.append(CardField(_("Contact"), contact))
    return fields


def kpi_card(kpi: Kpi, notes: Sequence[CardField] = ()) -> Card:
    """A KPI's progress (bot/domain/figures.py): its figure, target, baseline and the period they are for; then
    `notes` (a working group's advice, a joint review's note: `staff_kpi_card`)."""
    name = localized(kpi.name_th, kpi.name_en)
    percent = kpi.latest_percent
    fields = [CardField(_("Kind"), kind_label(kpi)), *_figure_fields(kpi)]
    if kpi.baseline is not None and kpi.kind != KpiKind.MILESTONE:
        fields.append(CardField(_("Baseline"), kpi_value_text(kpi, kpi.baseline)))
    span = figures_span(kpi)
    if span:
        fields.append(CardField(_("Period"), span))
    if kpi.due_on is not None:
        fields.append(CardField(_("Due"), format_date(kpi.due_on)))
    fields.append(
        CardField(
            _("Last report"),
            format_date(kpi.latest_reported_at) if kpi.latest_reported_at else _("not reported yet"),
        )
    )
    fields.extend(notes)
    progress = _("Progress {percent} %", percent=f"{percent:.0f}") if percent is not None else _("no report yet")
    return Card(
        title=name,
        alt_text=_("KPI {name}: {progress}", name=name, progress=progress),
        fields=tuple(fields),
        subtitle=progress,
        progress_percent=percent,
        footer=_("Example figures") if kpi.is_example else None,
    )


async def staff_kpi_card(session: AsyncSession, kpi: Kpi) -> Card:
    """The KPI card staff and working groups see: with the latest working-group advice and joint-review note."""
    notes = []
    advice = await latest_advice(session, kpi.id)
    if advice is not None:
        given, group = advice
        who = localized(group.name_th, group.name_en) if group is not None else _("Working group")
        text = shorten_block(given.text, NOTE_LENGTH)
        notes.append(CardField(_("Advice ({date})", date=format_date(given.created_at)), f"{who}: {text}"))
    note = await latest_note(session, kpi.id)
    if note is not None:
        held_on, text = note
        notes.append(CardField(_("Joint review ({date})", date=format_date(held_on)), shorten_block(text, NOTE_LENGTH)))
    return kpi_card(kpi, notes)


def _figure_fields(kpi: Kpi) -> list[CardField]:
    """The figure and what it is measured against, in the words of the KPI's kind."""
    value = kpi_value_text(kpi, kpi.latest_value)
    if kpi.kind == KpiKind.MILESTONE:
        return [CardField(_("Stage reached"), value), CardField(_("Target"), kpi_value_text(kpi, stage_count(kpi)))]
    target = kpi_value_text(kpi, kpi.target) if kpi.target is not None else "-"
    if kpi.kind == KpiKind.LEVEL:
        return [CardField(_("Latest value"), value), CardField(_("Target"), target)]
    if kpi.higher_is_better:
        return [CardField(_("Year to date"), value), CardField(_("Target for the year"), target)]
    fields = [CardField(_("Year to date"), value), CardField(_("Cap for the year (at most)"), target)]
    used = cap_used(kpi)
    if used is not None:
        over = used > 100
        text = _("{percent} % (over the cap)", percent=f"{used:.0f}") if over else f"{used:.0f} %"
        fields.append(CardField(_("Share of the cap used"), text))
    return fields


def agenda_lists_lines(lists: AgendaLists) -> list[str]:
    """An agenda's dimension, mechanisms and advising working group, one line each (those it has)."""
    lines = []
    if lists.dimension is not None:
        lines.append(_("Dimension: {name}", name=localized(lists.dimension.name_th, lists.dimension.name_en)))
    if lists.mechanisms:
        names = ", ".join(localized(m.name_th, m.name_en) for m in lists.mechanisms)
        lines.append(_("Mechanisms: {names}", names=names))
    if lists.working_group is not None:
        name = localized(lists.working_group.name_th, lists.working_group.name_en)
        lines.append(_("Advised by: {name}", name=name))
    return lines


async def history_text(session: AsyncSession, complaint: Complaint) -> str:
    """The status history, oldest first, with Buddhist-Era dates."""
    lines = []
    for event in await history(session, complaint):
        line = f"• {format_datetime(event.created_at)} — {status_label(event.status)}"
        if event.note:
            line += f": {shorten_block(event.note, 120)}"
        lines.append(line)
    return "\n".join(lines)
