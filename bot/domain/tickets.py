"""Tickets: their status names, the one way a ticket's status changes, and finding tickets.

Chat steps, the web desk and the public API all change a status through `change_status`, so that every change is
written to the history and the complainant is told, whoever made it. How they are told is the caller's: it
passes `tell`, which the conversations build (`handlers/notices.py`) so that the message is the same everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import N_, localized
from storage.models import (
    Agency,
    Agenda,
    Complaint,
    ComplaintCategory,
    ComplaintEvent,
    ComplaintPhoto,
    ComplaintStatus,
    ContactMode,
    Person,
    PhotoKind,
    Role,
)

STATUS_LABELS = {
    ComplaintStatus.RECEIVED: N_("Awaiting acceptance"),
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
RATEABLE = (ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED)
# "CRI-69-00042", "cri 69 42", "cri6900042": a province code, a two-digit Buddhist year and a sequence.
_TICKET_NO = re.compile(r"^\s*([A-Za-z]{3})[\s\-–/.]*(\d{2})[\s\-–/.]*(\d{1,7})\s*$")
TICKET_EXAMPLE = "CRI-69-00042"
RECENT_TICKETS = 10

TellComplainant = Callable[[Person, Complaint, ComplaintEvent], None]


def status_label(status: str) -> str:
    label = STATUS_LABELS.get(ComplaintStatus(status))
    return str(label) if label is not None else status


# ---------------------------------------------------------------- changing a status


async def change_status(
    session: AsyncSession,
    complaint: Complaint,
    status: ComplaintStatus,
    *,
    now: datetime,
    tell: TellComplainant | None,
    note: str | None = None,
    agency_id: int | None = None,
    actor: Person | None = None,
    photo: int | None = None,
) -> ComplaintEvent:
    """Move a ticket to `status`, record it in the history, and tell the complainant (unless they made the
    change themselves) through `tell`. `photo`, the officer's picture of the work (a stored media id), is kept
    with the ticket and the event, and goes to the complainant with the notice."""
    if photo is not None:
        add_after_photo(session, complaint, photo)
    event = await record_status(session, complaint, status, note=note, agency_id=agency_id, actor=actor, now=now)
    event.media_id = photo
    complainant = await session.get(Person, complaint.person_id) if complaint.person_id else None
    if tell is not None and complainant is not None and complainant.id != (actor.id if actor else None):
        tell(complainant, complaint, event)
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


def reopen_deadline(complaint: Complaint, reopen_days: int) -> datetime | None:
    """Until when the complainant may reopen a resolved ticket; None when it cannot be reopened."""
    if complaint.status != ComplaintStatus.RESOLVED or complaint.resolved_at is None:
        return None
    return complaint.resolved_at + timedelta(days=reopen_days)


def can_reopen(complaint: Complaint, now: datetime, reopen_days: int) -> bool:
    until = reopen_deadline(complaint, reopen_days)
    return until is not None and now <= until


# ---------------------------------------------------------------- finding tickets


def normalise_ticket_no(text: str) -> str | None:
    """The canonical form of a typed ticket number, or None when it does not look like one."""
    matched = _TICKET_NO.match(text)
    if matched is None:
        return None
    code, year, sequence = matched.groups()
    return f"{code.upper()}-{year}-{int(sequence):05d}"


async def find_ticket(session: AsyncSession, ticket_no: str) -> Complaint | None:
    return await session.scalar(select(Complaint).where(Complaint.ticket_no == ticket_no))


def is_own(complaint: Complaint, person: Person) -> bool:
    return complaint.person_id is not None and complaint.person_id == person.id


async def recent_tickets(session: AsyncSession, person: Person, limit: int = RECENT_TICKETS) -> Sequence[Complaint]:
    """The person's tickets, newest first."""
    rows = await session.scalars(
        select(Complaint)
        .where(Complaint.person_id == person.id)
        .order_by(Complaint.created_at.desc(), Complaint.id.desc())
        .limit(limit)
    )
    return rows.all()


async def history(session: AsyncSession, complaint: Complaint) -> Sequence[ComplaintEvent]:
    """The status history, oldest first."""
    query = select(ComplaintEvent).where(ComplaintEvent.complaint_id == complaint.id).order_by(ComplaintEvent.id)
    return (await session.scalars(query)).all()


async def subject_of(session: AsyncSession, complaint: Complaint) -> str:
    """The province agenda the ticket was filed under, else its general category."""
    if complaint.agenda_id is not None:
        agenda = await session.get(Agenda, complaint.agenda_id)
        if agenda is not None:
            return localized(agenda.title_th, agenda.title_en)
    category = await session.get(ComplaintCategory, complaint.category_id) if complaint.category_id else None
    return localized(category.name_th, category.name_en) if category else "-"


async def officers_of_agency(session: AsyncSession, agency_id: int | None) -> Sequence[Person]:
    """The officers of an agency who have not erased their data."""
    if agency_id is None:
        return []
    query = select(Person).where(
        Person.role == Role.OFFICER, Person.agency_id == agency_id, Person.deleted_at.is_(None)
    )
    return (await session.scalars(query)).all()


# ---------------------------------------------------------------- what an officer does with a ticket


class HandlingError(ValueError):
    """An action the ticket cannot take (the wrong agency, a duplicate of itself, another province's original)."""


async def forward(
    session: AsyncSession,
    complaint: Complaint,
    agency: Agency,
    *,
    now: datetime,
    note: str,
    actor: Person | None,
    tell: TellComplainant | None,
    tell_agency: TellComplainant | None,
) -> ComplaintEvent:
    """Hand the ticket to another agency of its province; its officers are told through `tell_agency`."""
    if agency.province_id != complaint.province_id or agency.id == complaint.agency_id:
        raise HandlingError(f"cannot forward {complaint.ticket_no} to agency {agency.id}")
    event = await change_status(
        session, complaint, ComplaintStatus.FORWARDED, now=now, tell=tell, note=note, agency_id=agency.id, actor=actor
    )
    if tell_agency is not None:
        for officer in await officers_of_agency(session, agency.id):
            tell_agency(officer, complaint, event)
    return event


async def mark_duplicate(
    session: AsyncSession,
    complaint: Complaint,
    original: Complaint,
    *,
    now: datetime,
    note: str,
    actor: Person | None,
    tell: TellComplainant | None,
) -> ComplaintEvent:
    """Close the ticket as the same matter as `original` (another ticket of the same province)."""
    if original.id == complaint.id or original.province_id != complaint.province_id:
        raise HandlingError(f"{original.ticket_no} cannot be the original of {complaint.ticket_no}")
    complaint.duplicate_of_id = original.id
    return await change_status(
        session, complaint, ComplaintStatus.DUPLICATE, now=now, tell=tell, note=note, actor=actor
    )


async def reject(
    session: AsyncSession,
    complaint: Complaint,
    reason: str,
    *,
    now: datetime,
    actor: Person | None,
    tell: TellComplainant | None,
) -> ComplaintEvent:
    complaint.reject_reason = reason
    return await change_status(
        session, complaint, ComplaintStatus.REJECTED, now=now, tell=tell, note=reason, actor=actor
    )


def add_after_photo(session: AsyncSession, complaint: Complaint, media_id: int) -> None:
    """The officer's photo of the work done, shown with the ticket."""
    session.add(ComplaintPhoto(complaint_id=complaint.id, media_id=media_id, kind=PhotoKind.AFTER))


# ---------------------------------------------------------------- what the handler sees of the citizen's report


def map_link(latitude: float, longitude: float) -> str:
    """A Google Maps link to a point (opens the app on a phone)."""
    return f"https://www.google.com/maps/search/?api=1&query={latitude:.6f},{longitude:.6f}"


async def photo_ids(session: AsyncSession, complaint: Complaint, kind: PhotoKind = PhotoKind.BEFORE) -> list[int]:
    """The media ids of the ticket's photos of one kind, in the order they were sent."""
    query = (
        select(ComplaintPhoto.media_id)
        .where(ComplaintPhoto.complaint_id == complaint.id, ComplaintPhoto.kind == kind)
        .order_by(ComplaintPhoto.id)
    )
    return list((await session.scalars(query)).all())


def phone_for_handler(complaint: Complaint) -> str | None:
    """The number the agency may call: only when the citizen chose to be called (PDPA: nothing more)."""
    return complaint.contact_phone if complaint.contact_mode == ContactMode.PHONE else None
