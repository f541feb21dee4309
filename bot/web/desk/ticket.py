"""One ticket: its timeline, photos (signed links), the citizen's contact when they chose to give it, and the
actions its status allows. Every action goes through bot/domain/tickets.py, as in chat, so it is in the history
and the citizen is told in chat through the outbox; every action is also in the audit log."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.core.i18n import _, localized
from bot.core.media import PAGE_LINK_LIFETIME
from bot.core.notify import Notifications
from bot.domain import scope, signin
from bot.domain.tickets import (
    HandlingError,
    TellComplainant,
    change_status,
    find_ticket,
    forward,
    history,
    mark_duplicate,
    normalise_ticket_no,
    reject,
    status_label,
)
from bot.web.desk.auth import Desk, action, page
from bot.web.desk.render import render
from handlers import notices
from handlers.officer.cases import ACTIONS  # the same transitions as in chat
from storage.models import (
    Agency,
    Complaint,
    ComplaintCategory,
    ComplaintEvent,
    ComplaintPhoto,
    ComplaintStatus,
    ContactMode,
    Person,
    Province,
)

MAX_NOTE = 500
NOTE_REQUIRED = {"reply", "reject", "in_progress", "resolved", "closed"}
STATUS_ACTIONS = {
    "accept": ComplaintStatus.ACCEPTED,
    "in_progress": ComplaintStatus.IN_PROGRESS,
    "resolved": ComplaintStatus.RESOLVED,
    "closed": ComplaintStatus.CLOSED,
}


# The statuses the "change status" form offers, by the action code of handlers/officer/cases.py.
STATUS_CHANGES = {
    "in_progress": ComplaintStatus.IN_PROGRESS,
    "resolved": ComplaintStatus.RESOLVED,
    "closed": ComplaintStatus.CLOSED,
    "reject": ComplaintStatus.REJECTED,
}


class NotFound(LookupError):
    """Not there, or not in the person's scope: the same answer for both, so ids cannot be probed."""


@dataclass(frozen=True)
class Contact:
    name: str | None
    phone: str | None


async def ticket_in_scope(session: AsyncSession, person: Person, complaint_id: int) -> Complaint:
    complaint = await session.get(Complaint, complaint_id)
    if complaint is None or not scope.can_handle(person, complaint):
        raise NotFound(complaint_id)
    return complaint


def contact_of(complaint: Complaint, citizen: Person | None) -> Contact | None:
    """Only what the citizen agreed to: nothing for an anonymous complaint, the phone only when given."""
    if complaint.contact_mode == ContactMode.ANONYMOUS or citizen is None or citizen.deleted_at is not None:
        return None
    phone = complaint.contact_phone if complaint.contact_mode == ContactMode.PHONE else None
    return Contact(citizen.display_name, phone)


def not_found(desk: Desk) -> Response:
    return render("not_found.html", desk.context(), status=404)


@page
async def ticket_page(request: Request, desk: Desk) -> Response:
    try:
        return await _show(desk, request.path_params["complaint_id"], message=request.query_params.get("done"))
    except NotFound:
        return not_found(desk)


async def _show(desk: Desk, complaint_id: int, *, message: str | None = None, error: str | None = None) -> Response:
    async with desk.services.db.read() as session:
        complaint = await ticket_in_scope(session, desk.person, complaint_id)
        events = await history(session, complaint)
        photos = (
            await session.scalars(select(ComplaintPhoto).where(ComplaintPhoto.complaint_id == complaint.id))
        ).all()
        citizen = await session.get(Person, complaint.person_id) if complaint.person_id else None
        agencies = (
            await session.scalars(
                select(Agency).where(Agency.province_id == complaint.province_id).order_by(Agency.name_th)
            )
        ).all()
        names = await _names(session, complaint, events)
    links = desk.services.links
    allowed = ACTIONS.get(ComplaintStatus(complaint.status), ())
    return render(
        "ticket.html",
        desk.context(
            complaint=complaint,
            events=events,
            photos=[(photo.kind, links.path(photo.media_id, PAGE_LINK_LIFETIME)) for photo in photos],
            contact=contact_of(complaint, citizen),
            actions=allowed,
            status_actions=[(code, status_label(status)) for code, status in STATUS_CHANGES.items() if code in allowed],
            agencies=[(a.id, localized(a.name_th, a.name_en)) for a in agencies if a.id != complaint.agency_id],
            names=names,
            message=_("Done: the citizen is told in chat.") if message else None,
            error=error,
        ),
        status=400 if error else 200,
    )


async def _names(session: AsyncSession, complaint: Complaint, events: Sequence[ComplaintEvent]) -> dict[str, str]:
    province = await session.get(Province, complaint.province_id)
    category = await session.get(ComplaintCategory, complaint.category_id) if complaint.category_id else None
    agency_ids = {event.agency_id for event in events if event.agency_id} | {complaint.agency_id or 0}
    agencies = (await session.scalars(select(Agency).where(Agency.id.in_(agency_ids)))).all()
    names = {f"agency:{a.id}": localized(a.name_th, a.name_en) for a in agencies}
    names["province"] = localized(province.name_th, province.name_en) if province else "-"
    names["category"] = localized(category.name_th, category.name_en) if category else "-"
    return names


@action
async def ticket_action(request: Request, desk: Desk, form: FormData) -> Response:
    complaint_id = request.path_params["complaint_id"]
    chosen = str(form.get("action", ""))
    note = str(form.get("note", "")).strip()[:MAX_NOTE] or None
    try:
        problem = await _apply(desk, complaint_id, chosen, note, form)
    except NotFound:
        return not_found(desk)
    if problem is not None:
        return await _show(desk, complaint_id, error=problem)
    desk.services.outbox_wakeup.set()  # the notice goes out now, not at the sender's next poll
    return RedirectResponse(f"/desk/complaints/{complaint_id}?done={chosen}", status_code=303)


async def _apply(desk: Desk, complaint_id: int, chosen: str, note: str | None, form: FormData) -> str | None:
    """Carry out one action in one transaction with its notices and audit entry; a problem's text, or None."""
    notes = Notifications()
    tell = notices.tell_complainant(notes.notify)
    now = desk.now()
    async with desk.services.db.write() as session:
        actor = await session.get(Person, desk.person.id)
        complaint = await ticket_in_scope(session, desk.person, complaint_id)
        allowed = ACTIONS.get(ComplaintStatus(complaint.status), ())
        if chosen != "reply" and chosen not in allowed:
            return _("This action is not possible in the ticket's current status.")
        if chosen in NOTE_REQUIRED and not note:
            return _("Please write a note: the citizen reads it in chat.")
        try:
            problem = await _carry_out(
                session, complaint, chosen, note, form, actor=actor, tell=tell, notes=notes, now=now
            )
        except HandlingError:
            problem = _("That cannot be done with this ticket.")
        if problem is not None:  # found before anything changed
            return problem
        signin.audit(
            session,
            actor,
            f"ticket_{chosen}",
            f"complaint:{complaint.id}",
            page=desk.page(form),
            now=now,
            detail={"ticket": complaint.ticket_no, "status": complaint.status, "note": note or ""},
        )
        await notes.queue(session)
    return None


async def _carry_out(
    session: AsyncSession,
    complaint: Complaint,
    chosen: str,
    note: str | None,
    form: FormData,
    *,
    actor: Person | None,
    tell: TellComplainant,
    notes: Notifications,
    now: datetime,
) -> str | None:
    """The domain call for `chosen`; a problem found before anything changed, or None."""
    if chosen in STATUS_ACTIONS:
        await change_status(session, complaint, STATUS_ACTIONS[chosen], now=now, tell=tell, note=note, actor=actor)
    elif chosen == "reply":  # a message to the citizen: in the history, the status unchanged
        await change_status(
            session, complaint, ComplaintStatus(complaint.status), now=now, tell=tell, note=note, actor=actor
        )
    elif chosen == "reject":
        await reject(session, complaint, note or "", now=now, actor=actor, tell=tell)
    elif chosen == "forward":
        agency = await session.get(Agency, int(str(form.get("agency_id", "0")) or 0))
        if agency is None:
            return _("Choose the agency to forward it to.")
        await forward(
            session,
            complaint,
            agency,
            now=now,
            note=note or "",
            actor=actor,
            tell=tell,
            tell_agency=notices.tell_agency(notes.notify),
        )
    elif chosen == "duplicate":
        number = normalise_ticket_no(str(form.get("original", "")))
        original = await find_ticket(session, number) if number else None
        if original is None or actor is None or not scope.can_handle(actor, original):
            return _("No ticket with that number in your scope.")
        await mark_duplicate(session, complaint, original, now=now, note=note or "", actor=actor, tell=tell)
    return None
