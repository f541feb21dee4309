"""Step 1 in the open: the secretariat asks a province's citizens to choose among candidate agendas or pain points.
One vote per person and poll (the primary key holds it, even for two taps at once); the secretariat reads the
count per option."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Person, Poll, PollOption, PollVote

MIN_OPTIONS, MAX_OPTIONS = 2, 8
QUESTION_MAX, OPTION_MAX = 300, 200


class PollProblem(ValueError):
    """A question or options the poll cannot take."""


def parse_options(text: str) -> list[str]:
    """Options typed one a line; raises PollProblem unless there are 2–8 distinct ones of fitting length."""
    options = list(dict.fromkeys(line.strip(" •-\t") for line in text.splitlines() if line.strip(" •-\t")))
    if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS or any(len(o) > OPTION_MAX for o in options):
        raise PollProblem("options")
    return options


async def open_poll(
    session: AsyncSession, province_id: int, question: str, options: Sequence[str], *, actor: Person, now: datetime
) -> Poll:
    if not question.strip() or len(question) > QUESTION_MAX:
        raise PollProblem("question")
    poll = Poll(
        province_id=province_id, question=question.strip(), is_open=True, created_by_id=actor.id, created_at=now
    )
    session.add(poll)
    await session.flush()
    session.add_all(PollOption(poll_id=poll.id, text=text, position=n) for n, text in enumerate(options))
    await session.flush()
    return poll


async def open_polls(session: AsyncSession, province_id: int) -> Sequence[Poll]:
    query = select(Poll).where(Poll.province_id == province_id, Poll.is_open.is_(True)).order_by(Poll.id)
    return (await session.scalars(query)).all()


async def polls_of(session: AsyncSession, province_id: int | None, limit: int = 5) -> Sequence[Poll]:
    """The newest polls of a province (every province when None)."""
    query = select(Poll).order_by(Poll.id.desc()).limit(limit)
    if province_id is not None:
        query = query.where(Poll.province_id == province_id)
    return (await session.scalars(query)).all()


async def options_of(session: AsyncSession, poll: Poll) -> Sequence[PollOption]:
    query = select(PollOption).where(PollOption.poll_id == poll.id).order_by(PollOption.position)
    return (await session.scalars(query)).all()


async def vote(session: AsyncSession, poll: Poll, option_id: int, person: Person, now: datetime) -> bool:
    """Record the person's vote; False when they voted in this poll before or it is closed."""
    if not poll.is_open or await session.get(PollVote, (poll.id, person.id)) is not None:
        return False
    try:
        async with session.begin_nested():
            session.add(PollVote(poll_id=poll.id, person_id=person.id, option_id=option_id, created_at=now))
    except IntegrityError:  # the same person's second tap raced the first
        return False
    return True


@dataclass(frozen=True)
class PollResult:
    poll: Poll
    counts: tuple[tuple[str, int], ...]  # option text, votes; in the options' order

    @property
    def total(self) -> int:
        return sum(n for _text, n in self.counts)


async def poll_result(session: AsyncSession, poll: Poll) -> PollResult:
    votes = dict(
        (
            await session.execute(
                select(PollVote.option_id, func.count()).where(PollVote.poll_id == poll.id).group_by(PollVote.option_id)
            )
        ).all()
    )
    options = await options_of(session, poll)
    return PollResult(poll, tuple((o.text, int(votes.get(o.id, 0))) for o in options))


def close_poll(poll: Poll, now: datetime) -> None:
    poll.is_open, poll.closed_at = False, now
