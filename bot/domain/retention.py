"""Retention (PDPA): personal data is kept RETENTION_YEARS after the person's last ticket is closed, as the
first-contact notice promises (handlers/complaints/pdpa.py). After that the person is erased as "delete my
data" does (bot/domain/erasure.py): their tickets stay on the record without them.

Who: citizens (staff data is kept under their employment and removed by the secretariat) with no open ticket,
whose last ticket closed (its last change: the closing, or a rating after it) more than RETENTION_YEARS ago; a
citizen who never filed a ticket, once that long has passed since they last wrote. Someone who wrote in the last
day is left for a later run, so that nobody is erased in the middle of a conversation.

Requests posted through Open311 (no person) follow the same rule, their reporter known by the phone number given
(`forget_api_reporters`). The same daily run deletes the photos erasure had to keep for a ticket that was still
open, once it is closed, and photos nobody owns that nothing uses (someone's very first message, before they had a
person row).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.domain.consents import RETENTION_YEARS
from bot.domain.erasure import delete_media_no_open_ticket_needs, erase_person
from bot.domain.open311 import CHANNEL as OPEN311_CHANNEL
from bot.domain.tickets import OPEN_STATUSES
from storage.db import Database
from storage.models import Complaint, ComplaintPhoto, ContactMode, Media, Person, Role

CHUNK = 100  # people erased in one write: erasing one is a few statements, and the writer is not held long
QUIET_FOR = timedelta(days=1)
UNOWNED_MEDIA_DAYS = 30  # long enough that no draft begun before photos had owners still holds one


@dataclass
class RetentionReport:
    people: int = 0
    photos: int = 0
    reporters: int = 0  # Open311 requests whose reporter's phone and photo address were removed

    def __str__(self) -> str:
        text = (
            f"{self.people} people erased {RETENTION_YEARS} years after their last ticket, "
            f"{self.photos} photos no ticket needs deleted"
        )
        return text + (f", {self.reporters} Open311 requests' reporter data removed" if self.reporters else "")


def years_before(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def past_retention(now: datetime, years: int) -> list[ColumnElement[bool]]:
    """Which citizens' personal data is due for erasure, as conditions on `Person`."""
    theirs = Complaint.person_id == Person.id
    open_ticket = select(Complaint.id).where(theirs, Complaint.status.in_([str(s) for s in OPEN_STATUSES])).exists()
    last_ticket = select(func.max(Complaint.updated_at)).where(theirs).scalar_subquery()
    last_contact = func.coalesce(Person.last_seen_at, Person.created_at)
    return [
        Person.deleted_at.is_(None),
        Person.role == Role.CITIZEN,
        ~open_ticket,
        func.coalesce(last_ticket, last_contact) < years_before(now, years),
        or_(Person.last_seen_at.is_(None), Person.last_seen_at < now - QUIET_FOR),
    ]


async def enforce_retention(db: Database, now: datetime, years: int = RETENTION_YEARS) -> RetentionReport:
    """Erase the people past retention, a chunk per write, then delete the photos no ticket needs."""
    report = RetentionReport()
    due = past_retention(now, years)
    while True:
        async with db.read() as session:
            ids = list((await session.scalars(select(Person.id).where(*due).order_by(Person.id).limit(CHUNK))).all())
        if not ids:
            break
        async with db.write() as session:
            # Asked again inside the write: someone may have filed a ticket since the read.
            people = (await session.scalars(select(Person).where(Person.id.in_(ids), *due))).all()
            for person in people:
                await erase_person(session, person, now)
        report.people += len(people)
        if not people:
            break  # they all wrote meanwhile: the next run looks at them again
    async with db.write() as session:
        report.photos = await _delete_photos_no_ticket_needs(session, now)
        report.reporters = await forget_api_reporters(session, now, years)
    return report


async def forget_api_reporters(session: AsyncSession, now: datetime, years: int = RETENTION_YEARS) -> int:
    """Requests posted through Open311 have no person, so their reporter is the phone number given (the only
    identity kept; a name or e-mail address never is): RETENTION_YEARS after that reporter's last request closed,
    its number and the photo address it gave are removed and it becomes anonymous, as erasing a chat person
    makes their tickets. A request given without a number is its own reporter."""
    cutoff = years_before(now, years)
    theirs = aliased(Complaint)
    still_needed = (
        select(theirs.id)
        .where(
            theirs.channel == OPEN311_CHANNEL,
            theirs.contact_phone == Complaint.contact_phone,
            or_(theirs.status.in_(_open_values()), theirs.updated_at >= cutoff),
        )
        .exists()
    )
    result = await session.execute(
        update(Complaint)
        .where(
            Complaint.channel == OPEN311_CHANNEL,
            Complaint.person_id.is_(None),
            or_(Complaint.contact_phone.is_not(None), Complaint.media_url.is_not(None)),
            Complaint.status.not_in(_open_values()),
            Complaint.updated_at < cutoff,
            ~still_needed,
        )
        .values(contact_phone=None, media_url=None, contact_mode=ContactMode.ANONYMOUS.value)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _open_values() -> list[str]:
    return [str(status) for status in OPEN_STATUSES]


async def _delete_photos_no_ticket_needs(session: AsyncSession, now: datetime) -> int:
    erased = select(Person.id).where(Person.deleted_at.is_not(None))
    kept_for_open_tickets = await delete_media_no_open_ticket_needs(session, Media.owner_id.in_(erased))
    unowned = await delete_media_no_open_ticket_needs(
        session,
        Media.owner_id.is_(None)
        & Media.id.not_in(select(ComplaintPhoto.media_id))
        & (Media.created_at < now - timedelta(days=UNOWNED_MEDIA_DAYS)),
    )
    return kept_for_open_tickets + unowned
