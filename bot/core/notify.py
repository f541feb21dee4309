"""Messages to someone other than the person acting: the citizen when an officer changes a status, the
secretariat when a complaint is reopened. Chat steps, the web desk and scheduled jobs all collect them the same
way and queue them in the transaction of the change that caused them, each in its recipient's language."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import outbox
from bot.core.i18n import use_locale
from bot.core.types import Reply, replies_to_json
from storage.models import Person


@dataclass(frozen=True, slots=True)
class Notification:
    person: Person
    build: Callable[[], Sequence[Reply]]  # called in the recipient's locale
    key: str  # stable idempotency key: the same key is never queued twice


Notify = Callable[[Person, Callable[[], Sequence[Reply]], str], None]


def notification_rows(notifications: Sequence[Notification]) -> list[dict[str, object]]:
    """The outbox rows of the notifications to reachable people who have not erased their data, each worded in
    its recipient's language."""
    rows, now = [], datetime.now(UTC)
    for note in notifications:
        if not note.person.is_reachable or note.person.deleted_at is not None:
            continue
        with use_locale(note.person.locale):
            payload = replies_to_json(list(note.build()))
        rows.append(
            outbox.new_row(
                key=f"n:{note.key}",
                channel=note.person.channel,
                recipient=note.person.chat_id,
                payload=payload,
                next_attempt_at=now,
                person_id=note.person.id,
            )
        )
    return rows


async def queue_notifications(session: AsyncSession, notifications: Sequence[Notification]) -> int:
    """Queue the notifications in the caller's transaction; returns how many were for someone reachable."""
    rows = notification_rows(notifications)
    await outbox.insert_rows(session, rows)
    return len(rows)


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
