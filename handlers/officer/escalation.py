"""The daily escalation digest: open tickets past their answer date go to their province's secretariat.

`escalate_overdue(db, now)` runs once a day from the scheduler (and by hand: `hpp-bot cases escalate`). Each
province's secretariat gets one digest a day, in their own language, listing the tickets that became overdue
and were not escalated before; those tickets are then marked `escalated_at`. The outbox key
`digest:{province}:{date}:{person}` makes a second run on the same day (another worker, a restart) send
nothing twice; tickets it finds that day stay unmarked and go into the next day's digest.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import outbox
from bot.core.i18n import _, format_date, use_locale
from bot.core.types import Choice, Reply
from handlers.officer.cases import LIST_FLOW, open_case_code
from handlers.officer.progress import local_today
from handlers.tickets import OPEN_STATUSES, localized, status_label
from storage.db import Database
from storage.models import Agency, Complaint, Person, Province, Role

log = logging.getLogger(__name__)

MAX_LISTED = 20
MAX_BUTTONS = 5


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


async def escalate_overdue(db: Database, now: datetime) -> EscalationReport:
    """Send today's digests; one transaction per province, so one province's failure does not hold the others."""
    today = local_today(now)
    report = EscalationReport()
    async with db.read() as session:
        province_ids = (await session.scalars(select(Complaint.province_id).where(*_overdue(today)).distinct())).all()
    for province_id in sorted(province_ids):
        async with db.write() as session:
            await _escalate_province(session, province_id, today, now, report)
    return report


def _overdue(today: date) -> tuple[ColumnElement[bool], ...]:
    return (
        Complaint.status.in_([str(s) for s in OPEN_STATUSES]),
        Complaint.due_on < today,
        Complaint.escalated_at.is_(None),
    )


async def _escalate_province(
    session: AsyncSession, province_id: int, today: date, now: datetime, report: EscalationReport
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
        with use_locale(person.locale):
            replies = [digest_reply(province, tickets, agencies, today)]
        queued += await outbox.enqueue(
            session,
            channel=person.channel,
            recipient=person.chat_id,
            replies=replies,
            key=f"digest:{province_id}:{today.isoformat()}:{person.id}",
            person_id=person.id,
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


def digest_reply(province: Province, tickets: Sequence[Complaint], agencies: dict[int, Agency], today: date) -> Reply:
    """The digest in the current locale."""
    lines = [
        _(
            "Overdue complaints in {province} ({date}): {count} past their answer date.",
            province=localized(province.name_th, province.name_en),
            date=format_date(today),
            count=len(tickets),
        )
    ]
    for ticket in tickets[:MAX_LISTED]:
        agency = agencies.get(ticket.agency_id or 0)
        lines.append(
            _(
                "• {ticket}: {status}, due {date}, {agency}",
                ticket=ticket.ticket_no,
                status=status_label(ticket.status),
                date=format_date(ticket.due_on),
                agency=localized(agency.name_th, agency.name_en) if agency else _("no agency"),
            )
        )
    if len(tickets) > MAX_LISTED:
        lines.append(_("…and {n} more.", n=len(tickets) - MAX_LISTED))
    buttons = [Choice(open_case_code(t.ticket_no), t.ticket_no) for t in tickets[:MAX_BUTTONS]]
    buttons.append(Choice(f"m:{LIST_FLOW}", _("Complaints to handle")))
    return Reply("\n".join(lines), choices=tuple(buttons))
