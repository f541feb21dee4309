"""What the citizen flows share: ticket numbers, a person's own tickets, text checks and times."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import _
from storage.models import Complaint, Person

# "CRI-69-00042", "cri 69 42", "cri6900042": a province code, a two-digit Buddhist year and a sequence.
_TICKET_NO = re.compile(r"^\s*([A-Za-z]{3})[\s\-–/.]*(\d{2})[\s\-–/.]*(\d{1,7})\s*$")
TICKET_EXAMPLE = "CRI-69-00042"
RECENT_TICKETS = 10


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


def aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything the app stores is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def text_problem(text: str, *, minimum: int, maximum: int) -> str | None:
    """A message saying what is wrong with a typed text, or None when its length is fine."""
    length = len(text.strip())
    if length < minimum:
        return _("Please type a little more: at least {minimum} characters.", minimum=minimum)
    if length > maximum:
        return _(
            "That is {length} characters: please keep it to {maximum} characters or fewer.",
            length=length,
            maximum=maximum,
        )
    return None


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
