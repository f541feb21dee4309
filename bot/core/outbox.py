"""The outbox: every message to send is a row first, then a sender delivers it.

Rows are written in the same transaction as the change that caused them, with an idempotency key so the same
message is never queued twice. The sender claims due rows with a lease (so a crashed sender's rows are picked up
again when the lease ends), keeps each chat's messages in order, and classifies platform answers: sent, retry
later (429/5xx), failed for good (4xx), or the person blocked the bot.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, Insert, Select, and_, exists, or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.core.i18n import use_locale
from bot.core.types import (
    Channel,
    DeliveryResult,
    DeliveryStatus,
    OutboundMessage,
    Reply,
    replies_from_json,
    replies_to_json,
)
from storage.db import Database, insert_ignore
from storage.models import OutboxMessage, OutboxStatus, Person

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
MAX_ATTEMPTS = 8
MAX_BACKOFF_SECONDS = 300.0
RECORD_ATTEMPTS = 8
LEASE_KEPT_FOR_SENDING = 0.5  # share of the lease that must be left when a send starts


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
    values = _new_row(
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
        _new_row(
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


def _new_row(
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


def backoff_seconds(attempts: int) -> float:
    return float(min(MAX_BACKOFF_SECONDS, 2 ** max(0, attempts - 1)))


def to_message(row: OutboxMessage) -> OutboundMessage:
    return OutboundMessage(
        outbox_id=row.id,
        idempotency_key=row.idempotency_key,
        channel=row.channel,
        recipient=row.recipient,
        replies=tuple(replies_from_json(row.payload)),
        reply_token=row.reply_token,
        reply_token_expires_at=row.reply_token_expires_at,
        attempts=row.attempts,
        is_group=row.is_group,
        recipients=tuple(row.recipients or ()),
        parts_done=row.parts_done,
    )


@dataclass
class _Outcome:
    """A delivery's outcome waiting to be committed."""

    row: OutboxMessage
    result: DeliveryResult
    values: dict[str, object]
    done: asyncio.Future[None]


class _Then(enum.Enum):
    """After a row: the chat's next row may go, it must wait (a retry, a lease nearly over), or the sender is
    stopping and the row was not sent."""

    NEXT = "next"
    WAIT = "wait"
    STOP = "stop"


@dataclass
class Claim:
    """What one claim took: rows leased to this sender, their people's languages, and rows skipped (the person
    blocked the bot)."""

    rows: list[OutboxMessage]
    locales: dict[int, str]
    skipped: int = 0


def _by_chat(rows: Sequence[OutboxMessage]) -> list[list[OutboxMessage]]:
    """Rows grouped per chat, each group in queue order."""
    chats: dict[tuple[str, str], list[OutboxMessage]] = {}
    for row in rows:
        chats.setdefault((row.channel, row.recipient), []).append(row)
    return list(chats.values())


def _forget_delivery(deliveries: set[asyncio.Task[None]]) -> Callable[[asyncio.Task[None]], None]:
    def done(task: asyncio.Task[None]) -> None:
        deliveries.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("outbox sender: a delivery failed", exc_info=task.exception())

    return done


def _lease_allows_sending(row: OutboxMessage) -> bool:
    """A claimed row starts on its way only with a good part of its lease left: the send must end, and its
    outcome be recorded, before another sender may take the row back."""
    return row.claimed_until is None or _now() < row.claimed_until - LEASE * LEASE_KEPT_FOR_SENDING


def _free(now: datetime) -> ColumnElement[bool]:
    """A row no sender holds: waiting to be sent, or leased by a sender whose lease ran out (it died mid-send)."""
    return or_(
        OutboxMessage.status == OutboxStatus.PENDING,
        and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_until < now),
    )


def _due_rows(now: datetime, limit: int) -> Select[int, int | None, bool | None, str | None, datetime | None]:
    """The first unfinished row of each chat, if it is due, with what the sender needs to know of its person;
    conversation first, broadcasts after.

    A chat's messages never overtake each other, with two exceptions that keep a chat from waiting on what is not
    part of its conversation: a row queued for later (never tried, not yet due), and a broadcast. A Telegram
    broadcast to 10,000 people takes five and a half minutes at 30 messages a second; the replies to someone
    talking to the bot meanwhile go first, rather than behind it."""
    earlier = aliased(OutboxMessage)
    blocked = exists().where(
        and_(
            earlier.channel == OutboxMessage.channel,
            earlier.recipient == OutboxMessage.recipient,
            earlier.id < OutboxMessage.id,
            earlier.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING)),
            ~and_(earlier.status == OutboxStatus.PENDING, earlier.attempts == 0, earlier.next_attempt_at > now),
            or_(earlier.broadcast_id.is_(None), OutboxMessage.broadcast_id.is_not(None)),
        )
    )
    due = or_(
        and_(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_until < now),
    )
    return (
        select(OutboxMessage.id, Person.id, Person.is_reachable, Person.locale, Person.deleted_at)
        .outerjoin(Person, Person.id == OutboxMessage.person_id)
        .where(due, ~blocked)
        .order_by(OutboxMessage.broadcast_id.is_not(None), OutboxMessage.id)
        .limit(limit)
    )


def _sending_order(row: OutboxMessage) -> tuple[bool, int]:
    """Conversation before broadcasts, then queue order (as `_due_rows` chooses them)."""
    return row.broadcast_id is not None, row.id


async def _set_free_rows(
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


class OutboxSender:
    """Delivers due outbox rows through their channels until stopped."""

    def __init__(
        self,
        db: Database,
        channels: dict[str, Channel],
        *,
        wakeup: asyncio.Event | None = None,
        poll_seconds: float = 0.5,
        batch_size: int = 100,
        concurrency: int = 32,
    ) -> None:
        self.db = db
        self.channels = channels
        self.wakeup = wakeup or asyncio.Event()
        self.poll_seconds = poll_seconds
        self.batch_size = batch_size
        self._limit = asyncio.Semaphore(concurrency)
        # The next batch is claimed once this few rows are left in hand: enough to keep every concurrent slot
        # busy while the claim runs, few enough that a claimed row starts well within its lease.
        self._refill_at = concurrency
        self._in_hand = 0  # rows claimed by this sender and not yet recorded
        self._row_done = asyncio.Event()
        self._stopping = asyncio.Event()
        self._erased: set[int] = set()  # people who deleted their data: their sent rows keep no trace
        self._outcomes: list[_Outcome] = []  # delivered, not yet committed
        self._outcome_writer: asyncio.Task[None] | None = None
        self._unstarted: list[int] = []  # claimed, never started: handed back when the sender stops

    async def run(self) -> None:
        """Deliver until stopped, as a pipeline: the next batch is claimed while the current one is still on
        its way, so a rate-limited channel never idles between batches (a round of claim, deliver all, claim
        again left a gap at each batch's tail: 3-4% of Telegram's rate)."""
        log.info("outbox sender started (channels: %s)", ", ".join(sorted(self.channels)))
        deliveries: set[asyncio.Task[None]] = set()
        try:
            while not self._stopping.is_set():
                if self._in_hand > self._refill_at:
                    await self._wait_for_work(poll=None)  # enough in hand: claim more once some is done
                elif await self._claim_and_start(deliveries) == 0:
                    await self._wait_for_work(poll=self.poll_seconds)
            # Stopped (SIGTERM on a deploy): what is on its way finishes and is recorded; what has not started
            # is handed back at once, rather than waiting out its lease, for the next sender.
            await asyncio.gather(*deliveries, return_exceptions=True)
            await self._release(self._unstarted)
            self._unstarted = []
        finally:
            for task in deliveries:
                task.cancel()

    def stop(self) -> None:
        self._stopping.set()
        self.wakeup.set()

    async def _claim_and_start(self, deliveries: set[asyncio.Task[None]]) -> int:
        """Claim the due rows and start delivering them in the background; returns how many."""
        # Cleared before the claim, so rows queued or unblocked while it runs are looked for again at once.
        self.wakeup.clear()
        self._row_done.clear()
        try:
            claim = await self._claim()
        except Exception:
            log.exception("outbox sender: claiming failed; trying again")
            return 0
        self._in_hand += len(claim.rows)
        for chat_rows in _by_chat(claim.rows):
            task = asyncio.create_task(self._deliver_chat(chat_rows, claim.locales))
            deliveries.add(task)
            task.add_done_callback(_forget_delivery(deliveries))
        return len(claim.rows) + claim.skipped

    async def _wait_for_work(self, *, poll: float | None) -> None:
        """Until a row in hand is done (room for the next batch, or that chat's next message may go now), new
        rows are queued (wakeup), or `poll` seconds pass (rows whose retry time has come)."""
        self._row_done.clear()
        waits = [asyncio.ensure_future(self._row_done.wait()), asyncio.ensure_future(self.wakeup.wait())]
        try:
            await asyncio.wait(waits, timeout=poll, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiting in waits:
                waiting.cancel()

    async def run_once(self) -> int:
        """Claim the due rows (the first pending row of each chat) and deliver them. Returns rows handled."""
        claim = await self._claim()
        self._in_hand += len(claim.rows)
        await asyncio.gather(*(self._deliver_chat(rows, claim.locales) for rows in _by_chat(claim.rows)))
        return len(claim.rows) + claim.skipped

    async def _claim(self) -> Claim:
        """Claim the due rows: found by a read, which takes no lock, then leased by id in a short write that
        checks each row is still free. SQLite has one writer: a claim that searched inside its write held up
        the recording of messages already sent, and a worker killed meanwhile sent them again."""
        now = _now()
        async with self.db.read() as session:
            candidates = (await session.execute(_due_rows(now, self.batch_size))).all()
        if not candidates:
            return Claim([], {})
        unreachable = [row_id for row_id, _person, reachable, _locale, _deleted in candidates if reachable is False]
        wanted = [row_id for row_id, _person, reachable, _locale, _deleted in candidates if reachable is not False]
        async with self.db.write() as session:
            # Someone who blocked the bot gets nothing more: their messages are skipped, not attempted.
            await _set_free_rows(session, unreachable, now, status=OutboxStatus.SKIPPED, last_error="unreachable")
            claimed = await _set_free_rows(session, wanted, now, status=OutboxStatus.SENDING, claimed_until=now + LEASE)
        people = {person: (locale, deleted) for _id, person, _reachable, locale, deleted in candidates if person}
        self._erased |= {person for person, (_locale, deleted) in people.items() if deleted is not None}
        locales = {person: locale for person, (locale, _deleted) in people.items() if locale is not None}
        return Claim(sorted(claimed, key=_sending_order), locales, skipped=len(unreachable))

    async def _deliver_chat(self, rows: list[OutboxMessage], locales: dict[int, str]) -> None:
        try:
            for index, row in enumerate(rows):
                then = await self._deliver_and_record(row, locales)
                if then is _Then.STOP:
                    self._unstarted.extend(unsent.id for unsent in rows[index:])
                elif then is _Then.WAIT:
                    # The chat's later rows wait behind this one (its order is kept): handed back now, not held
                    # for the rest of the lease, so they follow as soon as it has gone.
                    await self._release([later.id for later in rows[index + 1 :]])
                if then is not _Then.NEXT:
                    break
        finally:
            self._in_hand -= len(rows)
            self._row_done.set()

    async def _deliver_and_record(self, row: OutboxMessage, locales: dict[int, str]) -> _Then:
        """Deliver and record one row; says whether the chat's next row may follow."""
        # What a channel adds itself (button captions, "type the number") speaks the person's language.
        locale = locales.get(row.person_id) if row.person_id is not None else None
        async with self._limit:
            if self._stopping.is_set():
                return _Then.STOP
            if not _lease_allows_sending(row):
                # Another sender may take the row back soon: sending now could send it twice. Leave it leased.
                log.warning("outbox %s: lease nearly over before sending; left for the next claim", row.id)
                return _Then.WAIT
            with use_locale(locale):
                result = await self._deliver(row)
        await self._record(row, result)
        return _Then.WAIT if result.status is DeliveryStatus.RETRY else _Then.NEXT

    async def _release(self, ids: list[int]) -> None:
        """Hand back rows this sender claimed but never started."""
        if not ids:
            return
        async with self.db.write() as session:
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.SENDING)
                .values(status=OutboxStatus.PENDING, claimed_until=None)
                .execution_options(synchronize_session=False)
            )
        log.info("outbox sender: %d claimed rows handed back unsent", len(ids))

    async def _deliver(self, row: OutboxMessage) -> DeliveryResult:
        channel = self.channels.get(row.channel)
        if channel is None:
            return DeliveryResult(DeliveryStatus.RETRY, retry_after=30, error=f"channel {row.channel} is off")
        try:
            return await channel.deliver(to_message(row))
        except Exception as exc:  # a bug or an unexpected error: retry with backoff, keep the reason
            log.exception("outbox %s: delivery raised", row.id)
            return DeliveryResult(DeliveryStatus.RETRY, error=f"{type(exc).__name__}: {exc}")

    async def _write_outcome(self, row: OutboxMessage, result: DeliveryResult, values: dict[str, object]) -> None:
        """Record what the platform said, as soon as possible: the message is out already, and until this is
        committed a crash would let the lease run out and send it again. Outcomes are committed together by one
        writer (group commit): those that arrive while a write is under way go in the next transaction, so none
        waits longer than one write, and thirty a second do not race each other for SQLite's lock."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._outcomes.append(_Outcome(row, result, values, done))
        if self._outcome_writer is None or self._outcome_writer.done():
            self._outcome_writer = asyncio.create_task(self._write_outcomes())
        await done

    async def _write_outcomes(self) -> None:
        while self._outcomes:
            batch, self._outcomes = sorted(self._outcomes, key=lambda o: o.row.id), []
            try:
                await self._commit_outcomes(batch)
            except Exception as exc:
                for outcome in batch:
                    if not outcome.done.done():
                        outcome.done.set_exception(exc)
            else:
                for outcome in batch:
                    if not outcome.done.done():
                        outcome.done.set_result(None)

    async def _commit_outcomes(self, batch: list[_Outcome]) -> None:
        """One transaction for the batch. If the database is busy, keep trying (the writes are idempotent),
        since a lost record would let the lease expire and send the message twice."""
        for attempt in range(RECORD_ATTEMPTS):
            try:
                async with self.db.write() as session:
                    for outcome in batch:
                        row = outcome.row
                        changes = update(OutboxMessage).where(OutboxMessage.id == row.id).values(**outcome.values)
                        await session.execute(changes)
                        if outcome.result.status is DeliveryStatus.UNREACHABLE and row.person_id is not None:
                            reachable = update(Person).where(Person.id == row.person_id).values(is_reachable=False)
                            await session.execute(reachable)
                return
            except OperationalError as exc:
                if attempt + 1 == RECORD_ATTEMPTS:
                    raise
                ids = ", ".join(str(outcome.row.id) for outcome in batch)
                log.warning("outbox %s: recording the outcome failed (%s); trying again", ids, exc)
                await asyncio.sleep(min(5.0, 0.2 * 2**attempt))

    async def _record(self, row: OutboxMessage, result: DeliveryResult) -> None:
        now = _now()
        values: dict[str, object] = {"attempts": row.attempts + 1, "claimed_until": None}
        if result.status is DeliveryStatus.SENT:
            values |= {"status": OutboxStatus.SENT, "sent_at": now, "used_reply_token": result.used_reply_token}
            if row.person_id in self._erased:  # e.g. the "your data is deleted" confirmation itself
                values |= {"payload": [], "recipient": "erased", "reply_token": None}
        elif result.status is DeliveryStatus.RETRY and row.attempts + 1 < MAX_ATTEMPTS:
            delay = result.retry_after if result.retry_after is not None else backoff_seconds(row.attempts + 1)
            values |= {
                "status": OutboxStatus.PENDING,
                "next_attempt_at": now + timedelta(seconds=delay),
                "last_error": result.error,
            }
            if result.parts_done is not None:
                values["parts_done"] = result.parts_done
        else:
            values |= {"status": OutboxStatus.FAILED, "last_error": result.error or result.status.value}
        await self._write_outcome(row, result, values)
        if result.status is not DeliveryStatus.SENT:
            log.info("outbox %s: %s (%s)", row.id, values.get("status"), result.error)
