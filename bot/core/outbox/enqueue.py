"""Queueing messages: every message to send is an outbox row first, written in the transaction of the change
that caused it, with an idempotency key so the same message is never queued twice."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import use_locale
from bot.core.types import Reply, replies_to_json
from storage.db import insert_ignore
from storage.models import OutboxMessage, OutboxStatus, Person


def _now() -> datetime:
    return datetime.now(UTC)


async def enqueue(
    session: AsyncSession,
    *,
    channel: str,
    recipient: str,
    replies: Sequence[Reply],
    key: str,
    person_id: int | None = None,
    reply_token: str | None = None,
    reply_token_expires_at: datetime | None = None,
    is_group: bool = False,
    recipients: Sequence[str] | None = None,
    broadcast_id: int | None = None,
    not_before: datetime | None = None,
) -> bool:
    """Queue a message in the caller's transaction. Returns False if that key was queued before."""
    values = new_row(
        key=key,
        channel=channel,
        recipient=recipient,
        recipients=list(recipients) if recipients else None,
        person_id=person_id,
        payload=replies_to_json(list(replies)),
        is_group=is_group,
        reply_token=reply_token,
        reply_token_expires_at=reply_token_expires_at,
        next_attempt_at=not_before or _now(),
        broadcast_id=broadcast_id,
    )
    result = await session.execute(_insert_new(session).values(**values))
    return bool(result.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Queued:
    """One message of a bulk enqueue: to one person's chat."""

    key: str
    channel: str
    recipient: str
    person_id: int | None = None


async def enqueue_many(
    session: AsyncSession, messages: Sequence[Queued], replies: Sequence[Reply], *, broadcast_id: int | None = None
) -> dict[str, int]:
    """Queue the same replies to many chats in one statement (a broadcast's chunk). Keys queued before are left
    alone. Returns each key's outbox id."""
    if not messages:
        return {}
    payload, now = replies_to_json(list(replies)), _now()
    rows = [
        new_row(
            key=m.key,
            channel=m.channel,
            recipient=m.recipient,
            person_id=m.person_id,
            payload=payload,
            next_attempt_at=now,
            broadcast_id=broadcast_id,
        )
        for m in messages
    ]
    await session.execute(_insert_new(session), rows)
    keys = [m.key for m in messages]
    found = await session.execute(
        select(OutboxMessage.idempotency_key, OutboxMessage.id).where(OutboxMessage.idempotency_key.in_(keys))
    )
    return {key: outbox_id for key, outbox_id in found.all()}


def new_row(
    *,
    key: str,
    channel: str,
    recipient: str,
    payload: list[dict[str, object]],
    next_attempt_at: datetime,
    person_id: int | None = None,
    recipients: list[str] | None = None,
    is_group: bool = False,
    reply_token: str | None = None,
    reply_token_expires_at: datetime | None = None,
    broadcast_id: int | None = None,
) -> dict[str, object]:
    return {
        "idempotency_key": key,
        "channel": channel,
        "recipient": recipient,
        "recipients": recipients,
        "person_id": person_id,
        "payload": payload,
        "is_group": is_group,
        "reply_token": reply_token,
        "reply_token_expires_at": reply_token_expires_at,
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "next_attempt_at": next_attempt_at,
        "broadcast_id": broadcast_id,
        "used_reply_token": False,
    }


def _insert_new(session: AsyncSession) -> Insert:
    """An INSERT that leaves a key queued before alone."""
    return insert_ignore(session, OutboxMessage, "idempotency_key")


async def enqueue_to(session: AsyncSession, person: Person, build: Callable[[], Sequence[Reply]], *, key: str) -> bool:
    """Queue a message to one person's chat, worded in their language. False if that key was queued before."""
    with use_locale(person.locale):
        replies = list(build())
    return await enqueue(
        session, channel=person.channel, recipient=person.chat_id, replies=replies, key=key, person_id=person.id
    )


async def insert_rows(session: AsyncSession, rows: Sequence[dict[str, object]]) -> None:
    """Queue prepared rows (`new_row`) in one statement; keys queued before are left alone."""
    if rows:
        await session.execute(_insert_new(session), list(rows))
