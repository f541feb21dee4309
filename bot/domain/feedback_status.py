"""What the desk makes of citizens' comments and proposals (บอกเราถึงรัฐ): each is received, under consideration,
adopted or declined, and the citizen is told in chat, with the desk's reply, through `tell` (the caller's words,
as for tickets: handlers/desk/notices.py)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import scope
from storage.models import Feedback, FeedbackStatus, Person

TellAuthor = Callable[[Person, Feedback, str | None], None]


def may_answer(person: Person, feedback: Feedback) -> bool:
    """The secretariat of the feedback's province (or the national team)."""
    return scope.is_secretariat(person) and scope.serves_province(person, feedback.province_id)


async def answer(
    session: AsyncSession, feedback: Feedback, status: FeedbackStatus, note: str | None, *, tell: TellAuthor | None
) -> None:
    """Set the status and tell the author (if they are still there) with the note."""
    feedback.status = status
    author = await session.get(Person, feedback.person_id) if feedback.person_id else None
    if tell is not None and author is not None:
        tell(author, feedback, note)
    await session.flush()
