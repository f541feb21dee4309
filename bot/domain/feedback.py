"""Tell the state (บอกเราถึงรัฐ): citizens' comments on a province's agenda, their proposals of a new KPI or a
target, and the supports proposals gather (one per person). `feedback_counts` gives the secretariat the numbers
per agenda; `list_feedback`, `set_feedback_status` and `answer_feedback` let it read each item and answer it
(the citizen is told through `tell`, worded by handlers/notices.py, and sees the status under "My data")."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import N_
from storage.models import Feedback, FeedbackStatus, FeedbackSupport, Person

MAX_PROPOSALS = 10
MAX_LISTED = 10
REPLY_MAX = 500
STATUS_LABELS = {
    FeedbackStatus.RECEIVED: N_("Received"),
    FeedbackStatus.CONSIDERING: N_("Under consideration"),
    FeedbackStatus.ADOPTED: N_("Adopted"),
    FeedbackStatus.DECLINED: N_("Declined"),
}
TellCitizen = Callable[[Person, Feedback], None]


class Kind:
    COMMENT = "comment"
    KPI_PROPOSAL = "kpi_proposal"
    TARGET_PROPOSAL = "target_proposal"


PROPOSAL_KINDS = (Kind.KPI_PROPOSAL, Kind.TARGET_PROPOSAL)


async def add_feedback(
    session: AsyncSession,
    person: Person,
    *,
    province_id: int,
    kind: str,
    text: str,
    now: datetime,
    agenda_id: int | None = None,
    kpi_id: int | None = None,
) -> Feedback:
    feedback = Feedback(
        person_id=person.id,
        province_id=province_id,
        agenda_id=agenda_id,
        kpi_id=kpi_id,
        kind=kind,
        text=text,
        sector_id=person.sector_id,
        support_count=0,
        created_at=now,
    )
    session.add(feedback)
    await session.flush()
    return feedback


async def proposals(session: AsyncSession, province_id: int, agenda_id: int | None) -> Sequence[Feedback]:
    """Proposals of one agenda (or the province's general ones), most supported first."""
    agenda_filter = Feedback.agenda_id.is_(None) if agenda_id is None else Feedback.agenda_id == agenda_id
    rows = await session.scalars(
        select(Feedback)
        .where(Feedback.province_id == province_id, agenda_filter, Feedback.kind.in_(PROPOSAL_KINDS))
        .order_by(Feedback.support_count.desc(), Feedback.id)
        .limit(MAX_PROPOSALS)
    )
    return rows.all()


async def add_support(session: AsyncSession, feedback_id: int, person: Person) -> bool:
    """Record one person's support; False if they already support it. The count rises in the database, so
    two people supporting at once both count."""
    existing = await session.get(FeedbackSupport, (feedback_id, person.id))
    if existing is not None:
        return False
    try:
        async with session.begin_nested():
            session.add(FeedbackSupport(feedback_id=feedback_id, person_id=person.id))
    except IntegrityError:  # the same person's second tap raced the first
        return False
    await session.execute(
        update(Feedback).where(Feedback.id == feedback_id).values(support_count=Feedback.support_count + 1)
    )
    return True


@dataclass
class AgendaCounts:
    comments: int = 0
    proposals: int = 0
    supports: int = 0


async def feedback_counts(session: AsyncSession, province_id: int) -> dict[int | None, AgendaCounts]:
    """Per agenda of a province (None = general feedback): comments, proposals, and supports of proposals."""
    rows = await session.execute(
        select(Feedback.agenda_id, Feedback.kind, func.count(), func.coalesce(func.sum(Feedback.support_count), 0))
        .where(Feedback.province_id == province_id)
        .group_by(Feedback.agenda_id, Feedback.kind)
    )
    counts: dict[int | None, AgendaCounts] = {}
    for agenda_id, kind, number, supports in rows:
        entry = counts.setdefault(agenda_id, AgendaCounts())
        if kind == Kind.COMMENT:
            entry.comments += number
        else:
            entry.proposals += number
        entry.supports += int(supports)
    return counts


# ---------------------------------------------------------------- the secretariat's answer


def feedback_status_label(status: str) -> str:
    return str(STATUS_LABELS.get(FeedbackStatus(status), status))


async def list_feedback(
    session: AsyncSession,
    province_id: int | None,
    *,
    status: FeedbackStatus | None = None,
    agenda_id: int | None = None,
    kpi_id: int | None = None,
    limit: int = MAX_LISTED,
) -> Sequence[Feedback]:
    """Comments and proposals of a province (every province when None), newest first, filtered."""
    query = select(Feedback).order_by(Feedback.created_at.desc(), Feedback.id.desc()).limit(limit)
    if province_id is not None:
        query = query.where(Feedback.province_id == province_id)
    if status is not None:
        query = query.where(Feedback.status == status)
    if agenda_id is not None:
        query = query.where(Feedback.agenda_id == agenda_id)
    if kpi_id is not None:
        query = query.where(Feedback.kpi_id == kpi_id)
    return (await session.scalars(query)).all()


async def _tell_author(session: AsyncSession, feedback: Feedback, tell: TellCitizen | None) -> None:
    author = await session.get(Person, feedback.person_id) if feedback.person_id else None
    if tell is not None and author is not None and author.deleted_at is None:
        tell(author, feedback)


async def set_feedback_status(
    session: AsyncSession,
    feedback: Feedback,
    status: FeedbackStatus,
    *,
    actor: Person,
    now: datetime,
    tell: TellCitizen | None,
) -> bool:
    """Set the status; the author is told. False when it already had that status (nothing changes)."""
    if feedback.status == status:
        return False
    feedback.status = status
    feedback.answered_at, feedback.answered_by_id = now, actor.id
    await _tell_author(session, feedback, tell)
    return True


async def answer_feedback(
    session: AsyncSession, feedback: Feedback, text: str, *, actor: Person, now: datetime, tell: TellCitizen | None
) -> None:
    """Reply to the author (kept with the item; a received item moves to under consideration)."""
    if not text.strip() or len(text) > REPLY_MAX:
        raise ValueError("a reply is 1 to REPLY_MAX characters")
    feedback.reply = text.strip()
    if feedback.status == FeedbackStatus.RECEIVED:
        feedback.status = FeedbackStatus.CONSIDERING
    feedback.answered_at, feedback.answered_by_id = now, actor.id
    await _tell_author(session, feedback, tell)


async def my_feedback(session: AsyncSession, person: Person, limit: int = 5) -> Sequence[Feedback]:
    """What the person sent, newest first."""
    query = (
        select(Feedback)
        .where(Feedback.person_id == person.id)
        .order_by(Feedback.created_at.desc(), Feedback.id.desc())
        .limit(limit)
    )
    return (await session.scalars(query)).all()
