"""Messages to someone other than the person acting: the citizen when an officer changes a status, the
secretariat when a complaint is reopened. Chat steps, the web desk and scheduled jobs all collect them the same
way and queue them in the transaction of the change that caused them, each in its recipient's language."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import outbox
from bot.core.i18n import use_locale
from bot.core.types import Reply
from storage.models import Person


@dataclass(frozen=True, slots=True)
class Notification:
    person: Person
    build: Callable[[], Sequence[Reply]]  # called in the recipient's locale
    key: str  # stable idempotency key: the same key is never queued twice


Notify = Callable[[Person, Callable[[], Sequence[Reply]], str], None]


async def queue_notifications(session: AsyncSession, notifications: Sequence[Notification]) -> int:
    """Queue each notification to a reachable person who has not erased their data; returns how many."""
    queued = 0
    for note in notifications:
        if not note.person.is_reachable or note.person.deleted_at is not None:
            continue
        with use_locale(note.person.locale):
            built = list(note.build())
        queued += await outbox.enqueue(
            session,
            channel=note.person.channel,
            recipient=note.person.chat_id,
            replies=built,
            key=f"n:{note.key}",
            person_id=note.person.id,
        )
    return queued


class Notifications:
    """A collector for code outside a chat step (the web desk, jobs): pass `.notify` where a domain function
    asks for one, then `await .queue(session)` before the transaction ends."""

    def __init__(self) -> None:
        self.pending: list[Notification] = []

    def notify(self, person: Person, build: Callable[[], Sequence[Reply]], key: str) -> None:
        self.pending.append(Notification(person, build, key))

    async def queue(self, session: AsyncSession) -> int:
        queued = await queue_notifications(session, self.pending)
        self.pending.clear()
        return queued
