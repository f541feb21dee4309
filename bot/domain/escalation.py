"""The daily escalation digest: open tickets past their answer date go to their province's secretariat.

`escalate_overdue(db, now, digest)` runs once a day from the scheduler (and by hand: `hpp-bot cases escalate`). Each
province's secretariat gets one digest a day, in their own language, listing the tickets that became overdue
and were not escalated before; those tickets are then marked `escalated_at`. The outbox key
`digest:{province}:{date}:{person}` makes a second run on the same day (another worker, a restart) send
nothing twice; tickets it finds that day stay unmarked and go into the next day's digest.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import outbox
from bot.core.types import Reply
from bot.domain.progress import local_today
from bot.domain.tickets import OPEN_STATUSES
from storage.db import Database
from storage.models import Agency, Complaint, Person, Province, Role

log = logging.getLogger(__name__)

Digest = Callable[[Province, Sequence[Complaint], dict[int, Agency], date], Sequence[Reply]]


@dataclass
class EscalationReport:
    provinces: int = 0  # provinces whose digest went out
    tickets: int = 0  # tickets newly escalated
    recipients: int = 0
    without_secretariat: list[str] = field(default_factory=list)  # province codes with no one to tell

    def __str__(self) -> str:
        text = f"{self.tickets} overdue tickets escalated to {self.recipients} people in {self.provinces} provinces"
        if self.without_secretariat:
            text += f"; no secretariat for {', '.join(self.without_secretariat)}"
        return text


async def escalate_overdue(db: Database, now: datetime, digest: Digest) -> EscalationReport:
    """Send today's digests (worded by `digest`); one transaction per province, so one province's failure does not
    hold the others."""
    today = local_today(now)
    report = EscalationReport()
    async with db.read() as session:
        province_ids = (await session.scalars(select(Complaint.province_id).where(*_overdue(today)).distinct())).all()
    for province_id in sorted(province_ids):
        async with db.write() as session:
            await _escalate_province(session, province_id, today, now, digest, report)
    return report


def _overdue(today: date) -> tuple[ColumnElement[bool], ...]:
    return (
        Complaint.status.in_([str(s) for s in OPEN_STATUSES]),
        Complaint.due_on < today,
        Complaint.escalated_at.is_(None),
    )


async def _escalate_province(
    session: AsyncSession, province_id: int, today: date, now: datetime, digest: Digest, report: EscalationReport
) -> None:
    province = await session.get(Province, province_id)
    tickets = (
        await session.scalars(
            select(Complaint)
            .where(Complaint.province_id == province_id, *_overdue(today))
            .order_by(Complaint.due_on, Complaint.id)
        )
    ).all()
    if province is None or not tickets:
        return
    recipients = await _secretariat_of(session, province_id)
    if not recipients:
        log.warning("overdue tickets in %s but no secretariat to tell", province.code)
        report.without_secretariat.append(province.code)
        return
    agencies = await _agency_names(session, tickets)
    queued = 0
    for person in recipients:
        queued += await outbox.enqueue_to(
            session,
            person,
            lambda: digest(province, tickets, agencies, today),
            key=f"digest:{province_id}:{today.isoformat()}:{person.id}",
        )
    if queued == 0:
        return  # today's digest went out already: these tickets wait for tomorrow's
    for ticket in tickets:
        ticket.escalated_at = now
    report.provinces += 1
    report.tickets += len(tickets)
    report.recipients += queued


async def _secretariat_of(session: AsyncSession, province_id: int) -> Sequence[Person]:
    """The province's secretariat; when it has none, the national team."""
    base = select(Person).where(
        Person.role == Role.SECRETARIAT, Person.deleted_at.is_(None), Person.is_reachable.is_(True)
    )
    provincial = (await session.scalars(base.where(Person.province_id == province_id).order_by(Person.id))).all()
    if provincial:
        return provincial
    return (await session.scalars(base.where(Person.province_id.is_(None)).order_by(Person.id))).all()


async def _agency_names(session: AsyncSession, tickets: Sequence[Complaint]) -> dict[int, Agency]:
    ids = {t.agency_id for t in tickets if t.agency_id is not None}
    if not ids:
        return {}
    return {a.id: a for a in await session.scalars(select(Agency).where(Agency.id.in_(ids)))}
