"""Claiming due rows: found by a read, which takes no lock, then leased by id in a short write that checks each row
is still free. A lease lets a crashed sender's rows be taken again when it ends; a chat's rows keep their order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Integer,
    Select,
    and_,
    bindparam,
    case,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute, aliased
from sqlalchemy.sql import Subquery

from storage.models import OutboxMessage, OutboxStatus, Person, UTCDateTime

LEASE = timedelta(seconds=60)
# A LINE reply token lasts about a minute and can be used once. A row that will answer with one gets a lease
# that ends while the token is still good: if its sender dies mid-send, the next sender takes the row while the
# token can still be tried, and LINE's refusal of a used token says the reply went out (docs/scaling.md).
REPLY_LEASE = timedelta(seconds=20)
LEASE_KEPT_FOR_SENDING = 0.5  # share of the lease that must be left when a send starts


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Claim:
    """What one claim took: rows leased to this sender, their people's languages, and rows skipped (the person
    blocked the bot)."""

    rows: list[OutboxMessage]
    locales: dict[int, str]
    skipped: int = 0


def by_chat(rows: Sequence[OutboxMessage]) -> list[list[OutboxMessage]]:
    """Rows grouped per chat, each group in queue order."""
    chats: dict[tuple[str, str], list[OutboxMessage]] = {}
    for row in rows:
        chats.setdefault((row.channel, row.recipient), []).append(row)
    return list(chats.values())


def replies_by_token(row: OutboxMessage) -> bool:
    """Whether the row's first part goes as a LINE reply (the token may have expired by then: it is pushed)."""
    return row.reply_token is not None and row.parts_done == 0


def lease_of(row: OutboxMessage) -> timedelta:
    return REPLY_LEASE if replies_by_token(row) else LEASE


def lease_until(now: datetime) -> ColumnElement[datetime]:
    """The lease a claim gives each row, by the rule of `lease_of`, in the claiming statement."""
    by_token = and_(OutboxMessage.reply_token.is_not(None), OutboxMessage.parts_done == 0)
    return case((by_token, now + REPLY_LEASE), else_=now + LEASE)


def lease_allows_sending(row: OutboxMessage) -> bool:
    """A claimed row starts on its way only with a good part of its lease left: the send must end, and its
    outcome be recorded, before another sender may take the row back."""
    return row.claimed_until is None or _now() < row.claimed_until - lease_of(row) * LEASE_KEPT_FOR_SENDING


def _free(now: datetime) -> ColumnElement[bool]:
    """A row no sender holds: waiting to be sent, or leased by a sender whose lease ran out (it died mid-send)."""
    return or_(
        OutboxMessage.status == OutboxStatus.PENDING,
        and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_until < now),
    )


@cache
def due_rows(channels: tuple[str, ...]) -> CompoundSelect[*tuple[Any, ...]] | Select[*tuple[Any, ...]]:
    """The first unfinished row of each chat, if it is due, with what the sender needs to know of its person;
    conversation first, broadcasts after; each channel its own share (so one cannot crowd out another), at most
    `:limit_<channel>` rows, as of `:now`.

    Built once per set of channels and kept: the sender claims dozens of times a second, and building the
    statement (an aliased class, an EXISTS, a union) left ~240 objects a time for the cycle collector, whose full
    collections then held up the event loop (issue 11).

    A chat's messages never overtake each other, with two exceptions that keep a chat from waiting on what is not
    part of its conversation: a row queued for later (never tried, not yet due), and a broadcast. A Telegram
    broadcast to 10,000 people takes five and a half minutes at 30 messages a second; the replies to someone
    talking to the bot meanwhile go first, rather than behind it."""
    shares = [select(_due_rows_of(channel).subquery()) for channel in channels]
    return union_all(*shares) if len(shares) > 1 else shares[0]


def due_rows_parameters(now: datetime, room: dict[str, int]) -> dict[str, object]:
    """The parameters of `due_rows(tuple(sorted(room)))`: the time, and how many rows each channel has room for."""
    return {"now": now, **{f"limit_{channel}": free for channel, free in room.items()}}


def _due_rows_of(channel: str) -> Select[*tuple[Any, ...]]:
    """One channel's share: its conversation rows, its broadcasts' rows and rows a dead sender left, each found by
    walking `ix_outbox_claim` in queue order until the share is full (migration 0021), then put in sending order."""
    earlier = aliased(OutboxMessage, name="earlier")
    now = bindparam("now", type_=UTCDateTime())
    limit = bindparam(f"limit_{channel}", type_=Integer())
    # OFFSET 0 keeps PostgreSQL from turning this into an anti-join, which its planner, believing a table that
    # grew fast to be nearly empty, ran by walking all the channel's unfinished rows for every candidate (2.3-3.6 s
    # a claim with 5,000 Telegram rows waiting): asked per candidate, it is one probe of ix_outbox_chat_unfinished.
    blocked = (
        select(earlier.id)
        .where(
            earlier.channel == OutboxMessage.channel,
            earlier.recipient == OutboxMessage.recipient,
            earlier.id < OutboxMessage.id,
            earlier.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING)),
            ~and_(earlier.status == OutboxStatus.PENDING, earlier.attempts == 0, earlier.next_attempt_at > now),
            or_(earlier.broadcast_id.is_(None), OutboxMessage.broadcast_id.is_not(None)),
        )
        .offset(0)
        .exists()
    )

    def first_due(*where: ColumnElement[bool], order: Sequence[QueryableAttribute[Any]]) -> Subquery:
        return (
            select(
                OutboxMessage.id,
                OutboxMessage.channel,
                OutboxMessage.status,  # "sending": a sender died with it, this claim takes it back
                OutboxMessage.broadcast_id,
                Person.id.label("person_id"),
                Person.is_reachable,
                Person.locale,
                Person.deleted_at,
            )
            .outerjoin(Person, Person.id == OutboxMessage.person_id)
            .where(OutboxMessage.channel == channel, *where, ~blocked)
            .order_by(*order)
            .limit(limit)
            .subquery()
        )

    pending = OutboxMessage.status == OutboxStatus.PENDING
    due = OutboxMessage.next_attempt_at <= now
    conversation = first_due(pending, OutboxMessage.broadcast_id.is_(None), due, order=[OutboxMessage.id])
    broadcasts = first_due(
        pending, OutboxMessage.broadcast_id.is_not(None), due, order=[OutboxMessage.broadcast_id, OutboxMessage.id]
    )
    abandoned = first_due(
        OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_until < now, order=[OutboxMessage.id]
    )
    share = union_all(*(select(part) for part in (conversation, broadcasts, abandoned))).subquery()
    return select(share).order_by(share.c.broadcast_id.is_not(None), share.c.id).limit(limit)


def sending_order(row: OutboxMessage) -> tuple[bool, int]:
    """Conversation before broadcasts, then queue order (as `due_rows` chooses them)."""
    return row.broadcast_id is not None, row.id


async def set_free_rows(
    session: AsyncSession, ids: list[int], now: datetime, **values: object
) -> Sequence[OutboxMessage]:
    """Change those of the rows that no sender holds (another may have claimed some since they were read)."""
    if not ids:
        return []
    changed = await session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), _free(now))
        .values(**values)
        .returning(OutboxMessage)
        .execution_options(synchronize_session=False)
    )
    return changed.all()
