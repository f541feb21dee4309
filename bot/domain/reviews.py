"""Step 3, reviewing the agenda and tracking progress together: each periodic joint review is recorded with its
date, participants, decisions and a note per KPI (`JointReview`, `JointReviewNote`)."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.refusals import Refused
from storage.models import Agenda, JointReview, JointReviewNote, Kpi, Person
from storage.seed import FIRST_FISCAL_YEAR, fiscal_year_bounds

PARTICIPANTS_MAX = 500
DECISIONS_MAX = 1000  # a chat message is at most 1,000 characters (settings.max_text_length)
NOTE_MAX = 500
MAX_LISTED = 5
MAX_KPIS = 12  # KPIs asked about in one review (a province has a handful)


class ReviewProblem(enum.StrEnum):
    FUTURE = "future"  # a review is recorded after it was held
    TOO_EARLY = "too_early"  # before the programme's first fiscal year
    EMPTY = "empty"
    TOO_LONG = "too_long"
    NOT_THIS_PROVINCE = "not_this_province"  # a note on another province's KPI


class ReviewRefused(Refused[ReviewProblem]):
    """A refused review: nothing was stored."""


def check_held_on(held_on: date, today: date) -> None:
    if held_on > today:
        raise ReviewRefused(ReviewProblem.FUTURE)
    if held_on < fiscal_year_bounds(FIRST_FISCAL_YEAR)[0]:
        raise ReviewRefused(ReviewProblem.TOO_EARLY)


def check_text(text: str, limit: int) -> str:
    """The text as kept, or a refusal when it is empty or over `limit` characters."""
    cleaned = text.strip()
    if not cleaned:
        raise ReviewRefused(ReviewProblem.EMPTY)
    if len(cleaned) > limit:
        raise ReviewRefused(ReviewProblem.TOO_LONG)
    return cleaned


async def review_kpis(session: AsyncSession, province_id: int) -> Sequence[Kpi]:
    """The KPIs of a province's active agendas, asked about one by one in a review."""
    return (
        await session.scalars(
            select(Kpi)
            .join(Agenda, Agenda.id == Kpi.agenda_id)
            .where(Agenda.province_id == province_id, Agenda.is_active.is_(True))
            .order_by(Agenda.id, Kpi.id)
            .limit(MAX_KPIS)
        )
    ).all()


async def record_review(
    session: AsyncSession,
    *,
    province_id: int,
    held_on: date,
    participants: str,
    decisions: str,
    notes: Mapping[int, str],
    by: Person,
    today: date,
) -> JointReview:
    """Keep one joint review; everything is checked first, so a refusal stores nothing."""
    check_held_on(held_on, today)
    participants = check_text(participants, PARTICIPANTS_MAX)
    decisions = check_text(decisions, DECISIONS_MAX)
    allowed = {kpi.id for kpi in await review_kpis(session, province_id)}
    if not set(notes) <= allowed:
        raise ReviewRefused(ReviewProblem.NOT_THIS_PROVINCE)
    kept = {kpi_id: check_text(note, NOTE_MAX) for kpi_id, note in notes.items()}
    review = JointReview(
        province_id=province_id,
        held_on=held_on,
        participants=participants,
        decisions=decisions,
        recorded_by_id=by.id,
    )
    session.add(review)
    await session.flush()
    session.add_all(JointReviewNote(review_id=review.id, kpi_id=kpi_id, note=note) for kpi_id, note in kept.items())
    await session.flush()
    return review


@dataclass(frozen=True)
class ReviewRecord:
    review: JointReview
    notes: list[tuple[Kpi, str]]


async def reviews_of(session: AsyncSession, province_id: int, limit: int = MAX_LISTED) -> list[ReviewRecord]:
    """A province's latest joint reviews, newest first, with their KPI notes."""
    reviews = (
        await session.scalars(
            select(JointReview)
            .where(JointReview.province_id == province_id)
            .order_by(JointReview.held_on.desc(), JointReview.id.desc())
            .limit(limit)
        )
    ).all()
    notes = (
        await session.execute(
            select(JointReviewNote, Kpi)
            .join(Kpi, Kpi.id == JointReviewNote.kpi_id)
            .where(JointReviewNote.review_id.in_([review.id for review in reviews]))
            .order_by(Kpi.id)
        )
    ).all()
    return [
        ReviewRecord(review, [(kpi, note.note) for note, kpi in notes if note.review_id == review.id])
        for review in reviews
    ]


async def latest_note(session: AsyncSession, kpi_id: int) -> tuple[date, str] | None:
    """The newest joint review's note on a KPI: (the review's date, the note)."""
    row = (
        await session.execute(
            select(JointReview.held_on, JointReviewNote.note)
            .join(JointReview, JointReview.id == JointReviewNote.review_id)
            .where(JointReviewNote.kpi_id == kpi_id)
            .order_by(JointReview.held_on.desc(), JointReview.id.desc())
            .limit(1)
        )
    ).first()
    return (row[0], row[1]) if row is not None else None
