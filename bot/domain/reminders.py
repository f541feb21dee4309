"""Deadline reminders: before each deadline (and once when overdue), remind only the people who still owe.

A reminder is a `ReminderSent` row (unique per deadline, person and offset) and an outbox row written in the same
transaction: a second worker, or the same one after a restart, finds the row and sends nothing again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import outbox
from bot.core.types import Reply
from bot.domain.agendas import ensure_cycle_deadlines
from bot.domain.periods import periods_of
from storage.db import Database, insert_ignore
from storage.models import (
    Agenda,
    Deadline,
    DeadlineSubmission,
    Kpi,
    Person,
    ReminderSent,
    ReportingCycle,
    Role,
)

DEFAULT_OFFSETS = (14, 7, 3, 1, 0, -1)  # days before the due date; negative = overdue (REMINDER_OFFSETS)
OVERDUE_WINDOW_DAYS = 7  # an overdue reminder missed for longer than this (the bot was down) is not sent late

Reminder = Callable[[Deadline, int], Sequence[Reply]]  # the message, from the deadline and the days left


def applicable_offset(days_left: int, offsets: tuple[int, ...]) -> int | None:
    """The last reminder point already reached: 5 days left with (14, 7, 3) gives 7. A point that passed while
    the bot was down is still caught up once; nothing before the first point or long after the last."""
    reached = [offset for offset in offsets if offset >= days_left]
    if not reached or days_left < min(offsets) - OVERDUE_WINDOW_DAYS:
        return None
    return min(reached)


@dataclass
class ReminderReport:
    deadlines: int = 0
    queued: int = 0


# ---------------------------------------------------------------- who owes


def _reachable() -> list[ColumnElement[bool]]:
    return [Person.is_reachable.is_(True), Person.deleted_at.is_(None)]


async def people_who_owe(session: AsyncSession, deadline: Deadline) -> list[Person]:
    """The secretariat of each province that owes a programme step (it hands the step in, not its officers or
    districts; the national team owes nothing); the officers of a KPI whose report for the deadline's period is
    not in."""
    if deadline.kpi_id is not None:
        return await _kpi_owers(session, deadline)
    submitted = select(DeadlineSubmission.province_id).where(DeadlineSubmission.deadline_id == deadline.id)
    query = select(Person).where(
        Person.role == Role.SECRETARIAT.value,
        Person.province_id.is_not(None),
        Person.province_id.not_in(submitted),
        *_reachable(),
    )
    if deadline.province_id is not None:
        query = query.where(Person.province_id == deadline.province_id)
    return list((await session.scalars(query.order_by(Person.id))).all())


async def _kpi_owers(session: AsyncSession, deadline: Deadline) -> list[Person]:
    kpi = await session.get(Kpi, deadline.kpi_id)
    agenda = await session.get(Agenda, kpi.agenda_id) if kpi else None
    if kpi is None or agenda is None or not agenda.is_active:
        return []
    schedule = await periods_of(session, kpi, deadline.due_on)
    if schedule.covers(schedule.at(deadline.due_on)):  # the period this deadline is the due date of
        return []
    return await agenda_reporters(session, agenda)


async def agenda_reporters(session: AsyncSession, agenda: Agenda) -> list[Person]:
    """The reachable officers who report on an agenda's KPIs (the web desk lists them as owing)."""
    query = select(Person).where(Person.role == Role.OFFICER.value, Person.province_id == agenda.province_id)
    if agenda.owner_agency_id is not None:  # officers of the owner agency, and province-wide officers
        query = query.where(or_(Person.agency_id.is_(None), Person.agency_id == agenda.owner_agency_id))
    return list((await session.scalars(query.where(*_reachable()).order_by(Person.id))).all())


# ---------------------------------------------------------------- sending


async def _mark_sent(session: AsyncSession, deadline_id: int, person_id: int, offset: int) -> bool:
    """Claim (deadline, person, offset); False when someone already did."""
    statement = insert_ignore(session, ReminderSent, "deadline_id", "person_id", "offset_days").values(
        deadline_id=deadline_id, person_id=person_id, offset_days=offset
    )
    result = await session.execute(statement)
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def remind_deadline(
    db: Database, deadline_id: int, today: date, offsets: tuple[int, ...], message: Reminder
) -> int:
    """Queue this deadline's reminders due today, worded by `message`; returns how many were queued (one
    transaction)."""
    async with db.write() as session:
        deadline = await session.get(Deadline, deadline_id)
        if deadline is None:
            return 0
        days_left = (deadline.due_on - today).days
        offset = applicable_offset(days_left, offsets)
        if offset is None:
            return 0
        queued = 0
        for person in await people_who_owe(session, deadline):
            if not await _mark_sent(session, deadline.id, person.id, offset):
                continue
            await outbox.enqueue_to(
                session,
                person,
                lambda: message(deadline, days_left),
                key=f"reminder:{deadline.id}:{person.id}:{offset}",
            )
            queued += 1
        return queued


async def prepare_kpi_deadlines(db: Database, start: date, end: date) -> int:
    """Make sure the reporting deadlines of KPIs with a cycle exist in the window (seeded KPIs have none yet).
    Each KPI row is locked first so that two schedulers never add the same deadline twice."""
    async with db.write() as session:
        kpis = (
            await session.scalars(
                select(Kpi)
                .join(Agenda, Agenda.id == Kpi.agenda_id)
                .where(Kpi.reporting_cycle != ReportingCycle.NONE, Agenda.is_active.is_(True))
                .order_by(Kpi.id)
                .with_for_update(of=Kpi)
            )
        ).all()
        added = 0
        for kpi in kpis:
            agenda = await session.get(Agenda, kpi.agenda_id)
            assert agenda is not None
            added += await ensure_cycle_deadlines(session, kpi, agenda, start=start, end=end)
        return added


async def run_reminders(
    db: Database, today: date, message: Reminder, offsets: tuple[int, ...] | None = None
) -> ReminderReport:
    """Every reminder due today, deadline by deadline, worded by `message`."""
    offsets = offsets or DEFAULT_OFFSETS
    start = today - timedelta(days=max(0, -min(offsets)) + OVERDUE_WINDOW_DAYS)
    end = today + timedelta(days=max(max(offsets), 0))
    await prepare_kpi_deadlines(db, start, end)
    async with db.read() as session:
        ids = (
            await session.scalars(
                select(Deadline.id)
                .where(Deadline.due_on >= start, Deadline.due_on <= end)
                .order_by(Deadline.due_on, Deadline.id)
            )
        ).all()
    report = ReminderReport(deadlines=len(ids))
    for deadline_id in ids:
        report.queued += await remind_deadline(db, deadline_id, today, offsets, message)
    return report
