"""Alerts to staff about complaints in their scope (issue 12).

- A new complaint: the officers who handle it (its agency's, or its district's when they have no agency) and its
  province's secretariat are told, each as they chose (`Person.alert_mode`): at once, or in a digest at 08:00 and
  16:00 Bangkok time. The national team is not alerted: it follows the country through the comparison.
- A complaint past its answer date: the same people are told once, at once (`Complaint.overdue_alerted_at`).

Both are claimed in the database before anything is queued (a compare-and-set on the person's or the ticket's
row), so two schedulers, or one restarted, send each alert once. The words are the caller's
(handlers/notices.py); every alert carries the button that opens the case.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from sqlalchemy import Update, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import outbox
from bot.core.i18n import BANGKOK
from bot.core.notify import Notifications, Notify
from bot.core.text import shorten_block
from bot.core.types import Reply
from bot.domain import scope
from bot.domain.progress import local_today
from bot.domain.tickets import OPEN_STATUSES
from storage.db import Database
from storage.models import (
    Agenda,
    AlertMode,
    Complaint,
    ComplaintCategory,
    District,
    Person,
    Province,
    Role,
)

log = logging.getLogger(__name__)

DIGEST_HOURS = (8, 16)  # Bangkok time
SUMMARY_LENGTH = 120
MAX_DIGEST_ITEMS = 30


@dataclass(frozen=True)
class CaseFacts:
    """What an alert says about a ticket, in both languages where the data has both."""

    ticket_no: str
    subject_th: str
    subject_en: str
    place_th: str
    place_en: str
    summary: str  # the start of the description, as the citizen wrote it
    due_on: date


Alert = Callable[[Person, CaseFacts], None]
AlertDigest = Callable[[Sequence[CaseFacts]], Sequence[Reply]]


@dataclass(frozen=True)
class AlertWords:
    """The words of the alerts (handlers/notices.py): each given a `Notify` where it is sent outside a step."""

    new_case: Callable[[Notify], Alert]
    overdue: Callable[[Notify], Alert]
    digest: AlertDigest


async def case_facts(session: AsyncSession, complaint: Complaint) -> CaseFacts:
    subject_th = subject_en = "-"
    if complaint.agenda_id is not None and (agenda := await session.get(Agenda, complaint.agenda_id)) is not None:
        subject_th, subject_en = agenda.title_th, agenda.title_en or agenda.title_th
    elif complaint.category_id is not None:
        category = await session.get(ComplaintCategory, complaint.category_id)
        if category is not None:
            subject_th, subject_en = category.name_th, category.name_en
    province = await session.get(Province, complaint.province_id)
    district = await session.get(District, complaint.district_id) if complaint.district_id else None
    place_th = " ".join(n for n in (district.name_th if district else "", province.name_th if province else "") if n)
    place_en = " ".join(n for n in (district.name_th if district else "", province.name_en if province else "") if n)
    return CaseFacts(
        ticket_no=complaint.ticket_no,
        subject_th=subject_th,
        subject_en=subject_en,
        place_th=place_th or "-",
        place_en=place_en or "-",
        summary=shorten_block(complaint.description, SUMMARY_LENGTH),
        due_on=complaint.due_on,
    )


async def alert_recipients(session: AsyncSession, complaint: Complaint) -> list[Person]:
    """The officers who handle the ticket and its province's secretariat: reachable, not erased."""
    candidates = await session.scalars(
        select(Person)
        .where(
            Person.role.in_([Role.OFFICER.value, Role.SECRETARIAT.value]),
            Person.province_id == complaint.province_id,
            Person.deleted_at.is_(None),
            Person.is_reachable.is_(True),
        )
        .order_by(Person.id)
    )
    return [person for person in candidates if scope.can_handle(person, complaint)]


async def alert_new_complaint(
    session: AsyncSession, complaint: Complaint, alert: Alert, *, filed_by: Person | None = None
) -> int:
    """Tell the instant-mode recipients of a just-filed ticket (the digest-mode ones hear at the next digest).
    Returns how many were told."""
    told = 0
    facts: CaseFacts | None = None
    for person in await alert_recipients(session, complaint):
        if person.alert_mode != AlertMode.INSTANT or (filed_by is not None and person.id == filed_by.id):
            continue
        facts = facts or await case_facts(session, complaint)
        alert(person, facts)
        told += 1
    return told


async def set_alert_mode(session: AsyncSession, person: Person, mode: AlertMode, now: datetime) -> list[CaseFacts]:
    """Switch instant or digest; a new digest covers what is filed from now on. Switching back to instant returns
    the tickets filed since the last digest: no digest will carry them now, so the caller tells them at once."""
    was_digest = person.alert_mode == AlertMode.DIGEST
    since = person.alerts_digested_until
    if mode is AlertMode.DIGEST and not was_digest:
        person.alerts_digested_until = now
    person.alert_mode = mode
    if mode is AlertMode.DIGEST or not was_digest or since is None:
        return []
    person.alerts_digested_until = now
    return [await case_facts(session, ticket) for ticket in await _filed_for(session, person, since, now)]


async def _filed_for(session: AsyncSession, person: Person, start: datetime, end: datetime) -> Sequence[Complaint]:
    """The tickets in `person`'s scope filed in [start, end), oldest first, as many as a digest lists."""
    return (
        await session.scalars(
            select(Complaint)
            .where(scope.handled_by(person), Complaint.created_at >= start, Complaint.created_at < end)
            .order_by(Complaint.created_at, Complaint.id)
            .limit(MAX_DIGEST_ITEMS)
        )
    ).all()


async def claim(session: AsyncSession, statement: Update) -> bool:
    """Run a compare-and-set UPDATE of one row: True when this caller changed it, False when another process
    (a second scheduler, the same one before a restart) had already."""
    result = await session.execute(statement.execution_options(synchronize_session=False))
    return cast(CursorResult[Any], result).rowcount == 1


async def one_by_one(db: Database, keys: Sequence[int], work: Callable[[AsyncSession, int], Awaitable[int]]) -> int:
    """`work` for each key in its own transaction (one failure does not hold the rest back); the sum of what
    each returned."""
    total = 0
    for key in keys:
        async with db.write() as session:
            total += await work(session, key)
    return total


# ---------------------------------------------------------------- the digest, 08:00 and 16:00


def digest_slot(now: datetime) -> datetime:
    """The latest digest time at or before `now` (an aware datetime)."""
    local = now.astimezone(BANGKOK)
    for hour in sorted(DIGEST_HOURS, reverse=True):
        slot = datetime.combine(local.date(), time(hour), BANGKOK)
        if slot <= local:
            return slot
    return datetime.combine(local.date() - timedelta(days=1), time(max(DIGEST_HOURS)), BANGKOK)


async def send_alert_digests(db: Database, now: datetime, digest: AlertDigest) -> int:
    """Queue the digest of the latest slot to every digest-mode person not yet served it; returns how many."""
    slot = digest_slot(now)
    async with db.read() as session:
        waiting = (
            await session.scalars(
                select(Person.id).where(
                    Person.alert_mode == AlertMode.DIGEST,
                    Person.role.in_([Role.OFFICER.value, Role.SECRETARIAT.value]),
                    Person.province_id.is_not(None),
                    Person.deleted_at.is_(None),
                    or_(Person.alerts_digested_until.is_(None), Person.alerts_digested_until < slot),
                )
            )
        ).all()
    return await one_by_one(db, waiting, lambda session, person_id: _digest_one(session, person_id, slot, digest))


async def _digest_one(session: AsyncSession, person_id: int, slot: datetime, digest: AlertDigest) -> int:
    person = await session.get(Person, person_id)
    if person is None:
        return 0
    since = person.alerts_digested_until
    if since is not None and since >= slot:
        return 0
    claimed = await claim(
        session,
        update(Person)
        .where(
            Person.id == person_id,
            Person.alerts_digested_until.is_(None) if since is None else Person.alerts_digested_until == since,
        )
        .values(alerts_digested_until=slot),
    )
    if not claimed:
        return 0  # another scheduler took this slot
    start = since if since is not None else slot - timedelta(hours=24)
    tickets = await _filed_for(session, person, start, slot)
    if not tickets or not person.is_reachable:
        return 0
    facts = [await case_facts(session, ticket) for ticket in tickets]
    key = f"alerts:{person.id}:{slot.isoformat()}"
    return int(await outbox.enqueue_to(session, person, lambda: digest(facts), key=key))


# ---------------------------------------------------------------- past the answer date


async def alert_overdue(db: Database, now: datetime, overdue: Callable[[Notify], Alert]) -> int:
    """Tell the handlers of each open ticket that passed its answer date, once per ticket; returns how many
    tickets."""
    today = local_today(now)
    async with db.read() as session:
        ids = (
            await session.scalars(
                select(Complaint.id)
                .where(
                    Complaint.status.in_([str(s) for s in OPEN_STATUSES]),
                    Complaint.due_on < today,
                    Complaint.overdue_alerted_at.is_(None),
                )
                .order_by(Complaint.id)
            )
        ).all()
    return await one_by_one(db, ids, lambda session, complaint_id: _overdue_one(session, complaint_id, now, overdue))


async def _overdue_one(
    session: AsyncSession, complaint_id: int, now: datetime, overdue: Callable[[Notify], Alert]
) -> int:
    claimed = await claim(
        session,
        update(Complaint)
        .where(Complaint.id == complaint_id, Complaint.overdue_alerted_at.is_(None))
        .values(overdue_alerted_at=now),
    )
    complaint = await session.get(Complaint, complaint_id)
    if not claimed or complaint is None:
        return 0
    notes = Notifications()
    alert = overdue(notes.notify)
    facts = await case_facts(session, complaint)
    recipients = await alert_recipients(session, complaint)
    for person in recipients:
        alert(person, facts)
    if any(person.role == Role.SECRETARIAT for person in recipients):
        # The province's secretariat has just heard of it: the daily escalation digest need not tell them again.
        complaint.escalated_at = now
    await notes.queue(session)
    return 1
