"""The programme's four steps as work: what a province hands in for step 2 (the agenda proposal) and step 4 (the
results report), and the step deadlines the national secretariat enters for a fiscal year.

A hand-in is a file or photo and a note, kept with who and when (`StepHandIn`); a province may hand in again (a
revised proposal), and every hand-in is kept. The first one records the `DeadlineSubmission` that stops the
reminders and counts in the comparison of provinces. Nothing is copied between fiscal years: a year whose step
deadlines were not entered has none, and says so (`year_deadlines`).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.agendas import add_step_deadline
from bot.domain.refusals import Refused
from storage.db import insert_ignore
from storage.models import (
    Deadline,
    DeadlineSubmission,
    FiscalYear,
    Media,
    Person,
    ProgrammeStep,
    Province,
    StepHandIn,
)
from storage.seed import fiscal_year_bounds

HANDIN_STEPS = ("submit_proposal", "report_results")  # steps 2 and 4: something is handed in
NOTE_MAX = 500
OPEN_FOR = timedelta(days=365)  # a deadline stays open to hand-ins this long after it passed (late is better)
MAX_LISTED = 10
# A step's deadline lies within its fiscal year or the one after it (step 4 reports after the year ends).
YEARS_AFTER = 1


class HandInProblem(enum.StrEnum):
    NOT_HANDIN_STEP = "not_handin_step"  # step 1 or 3: nothing is handed in for them
    NOT_THIS_PROVINCE = "not_this_province"  # the deadline is another province's
    NO_FILE = "no_file"
    NOTE_TOO_LONG = "note_too_long"


class HandInRefused(Refused[HandInProblem]):
    """A refused hand-in: nothing was stored."""


class DeadlineProblem(enum.StrEnum):
    NOT_A_STEP = "not_a_step"
    UNKNOWN_YEAR = "unknown_year"
    OUTSIDE_YEAR = "outside_year"  # not within the fiscal year or the year after it
    PAST = "past"


class DeadlineRefused(Refused[DeadlineProblem]):
    """A refused deadline: nothing was stored."""


def applies_to(province_id: int) -> object:
    """The SQL condition of the deadlines that concern a province: its own and those of every province."""
    return or_(Deadline.province_id == province_id, Deadline.province_id.is_(None))


# ---------------------------------------------------------------- handing in


async def handin_deadlines(session: AsyncSession, province_id: int, today: date) -> Sequence[Deadline]:
    """The step 2 and 4 deadlines a province can hand in for now: due from a year ago on, soonest first."""
    return (
        await session.scalars(
            select(Deadline)
            .join(ProgrammeStep, ProgrammeStep.id == Deadline.step_id)
            .where(
                ProgrammeStep.code.in_(HANDIN_STEPS),
                Deadline.kpi_id.is_(None),
                applies_to(province_id),  # type: ignore[arg-type]
                Deadline.due_on >= today - OPEN_FOR,
            )
            .order_by(Deadline.due_on, Deadline.id)
            .limit(MAX_LISTED)
        )
    ).all()


async def is_handin_deadline(session: AsyncSession, deadline: Deadline) -> bool:
    code = await session.scalar(select(ProgrammeStep.code).where(ProgrammeStep.id == deadline.step_id))
    return deadline.kpi_id is None and code in HANDIN_STEPS


async def hand_in(
    session: AsyncSession,
    *,
    deadline: Deadline,
    province_id: int,
    person: Person,
    media_id: int | None,
    note: str,
    now: datetime,
) -> StepHandIn:
    """Keep what a province handed in for a step deadline; refuses (changing nothing) what does not fit."""
    if not await is_handin_deadline(session, deadline):
        raise HandInRefused(HandInProblem.NOT_HANDIN_STEP)
    if deadline.province_id is not None and deadline.province_id != province_id:
        raise HandInRefused(HandInProblem.NOT_THIS_PROVINCE)
    if media_id is None or await session.get(Media, media_id) is None:
        raise HandInRefused(HandInProblem.NO_FILE)
    if len(note.strip()) > NOTE_MAX:
        raise HandInRefused(HandInProblem.NOTE_TOO_LONG)
    handin = StepHandIn(
        deadline_id=deadline.id,
        province_id=province_id,
        media_id=media_id,
        note=note.strip(),
        handed_in_by_id=person.id,
        created_at=now,
    )
    session.add(handin)
    await session.execute(
        insert_ignore(session, DeadlineSubmission, "deadline_id", "province_id").values(
            deadline_id=deadline.id, province_id=province_id, submitted_by_id=person.id, submitted_at=now
        )
    )
    await session.flush()
    return handin


@dataclass(frozen=True)
class HandedIn:
    """One hand-in as listed: what for, which province, who, when, the file and the note."""

    handin: StepHandIn
    deadline: Deadline
    province: Province
    by: Person | None


async def handins_of(session: AsyncSession, province_id: int | None, limit: int = MAX_LISTED) -> list[HandedIn]:
    """The latest hand-ins of a province, or of every province (None: the national secretariat's view)."""
    query = (
        select(StepHandIn, Deadline, Province, Person)
        .join(Deadline, Deadline.id == StepHandIn.deadline_id)
        .join(Province, Province.id == StepHandIn.province_id)
        .outerjoin(Person, Person.id == StepHandIn.handed_in_by_id)
        .order_by(StepHandIn.created_at.desc(), StepHandIn.id.desc())
        .limit(limit)
    )
    if province_id is not None:
        query = query.where(StepHandIn.province_id == province_id)
    return [HandedIn(*row) for row in (await session.execute(query)).all()]


# ---------------------------------------------------------------- a fiscal year's deadlines


async def year_deadlines(session: AsyncSession, year_be: int) -> Sequence[Deadline]:
    """The programme-step deadlines entered for a fiscal year (every province's and provinces' own); empty when
    none were entered."""
    return (
        await session.scalars(
            select(Deadline)
            .join(FiscalYear, FiscalYear.id == Deadline.fiscal_year_id)
            .where(FiscalYear.year_be == year_be, Deadline.kpi_id.is_(None), Deadline.step_id.is_not(None))
            .order_by(Deadline.due_on, Deadline.id)
        )
    ).all()


def deadline_window(year_be: int) -> tuple[date, date]:
    """The days a step deadline of this fiscal year may fall on: within it or the year after it."""
    return fiscal_year_bounds(year_be)[0], fiscal_year_bounds(year_be + YEARS_AFTER)[1]


async def enter_year_deadline(
    session: AsyncSession, *, step_code: str, year_be: int, due_on: date, today: date
) -> tuple[Deadline, bool]:
    """The national secretariat's deadline for a step of a fiscal year, for every province. A second entry for the
    same step and year moves the date (a correction) instead of adding a second deadline. Returns (deadline,
    created)."""
    step = await session.scalar(select(ProgrammeStep).where(ProgrammeStep.code == step_code))
    if step is None:
        raise DeadlineRefused(DeadlineProblem.NOT_A_STEP)
    year = await session.scalar(select(FiscalYear).where(FiscalYear.year_be == year_be))
    if year is None:
        raise DeadlineRefused(DeadlineProblem.UNKNOWN_YEAR)
    first, last = deadline_window(year_be)
    if not first <= due_on <= last:
        raise DeadlineRefused(DeadlineProblem.OUTSIDE_YEAR)
    if due_on < today:
        raise DeadlineRefused(DeadlineProblem.PAST)
    existing = await session.scalar(
        select(Deadline).where(
            Deadline.fiscal_year_id == year.id,
            Deadline.step_id == step.id,
            Deadline.province_id.is_(None),
            Deadline.kpi_id.is_(None),
        )
    )
    if existing is not None:
        existing.due_on = due_on
        await session.flush()
        return existing, False
    deadline = await add_step_deadline(
        session,
        step_code=step_code,
        year_be=year_be,
        due_on=due_on,
        province_id=None,
        title_th=f"{step.name_th} ปีงบประมาณ พ.ศ. {year_be}",
        title_en=f"{step.name_en}, fiscal year {year_be} (BE)",
    )
    return deadline, True
