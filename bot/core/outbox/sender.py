"""The outbox sender: delivers due rows through their channels until stopped, within the platforms' limits."""

from __future__ import annotations

import asyncio
import enum
import json
import logging
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import update

from bot.core.failures import ascii_safe, describe
from bot.core.i18n import use_locale
from bot.core.outbox.claim import (
    Claim,
    by_chat,
    due_rows,
    due_rows_parameters,
    lease_allows_sending,
    lease_until,
    sending_order,
    set_free_rows,
)
from bot.core.outbox.records import OutcomeRecorder, outcome_values
from bot.core.outbox.rights import SendingRights, pace_of
from bot.core.types import Channel, DeliveryResult, DeliveryStatus, OutboundMessage, replies_from_json
from storage.db import Database
from storage.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

CLAIM_AHEAD_SECONDS = 2.0  # a paced channel claims what it can send in this long
SENDING_SLOTS = 32  # deliveries under way at once, per channel (a channel's HTTP client allows as many)


def _now() -> datetime:
    return datetime.now(UTC)


UNENCODABLE = "encoding: the message is not valid Unicode text (a lone surrogate)"


def error_kind(error: str | None) -> str:
    """What a delivery error is, without its details: 'BadRequest', 'LINE 400', 'encoding'."""
    return ascii_safe((error or "").split(":", 1)[0], 60)


def encodable(row: OutboxMessage) -> bool:
    """Whether the row's text can go out as UTF-8: a lone surrogate can never be sent, however often tried."""
    try:
        json.dumps([row.payload, row.recipient, row.recipients], ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def to_message(row: OutboxMessage, *, retaken: bool = False) -> OutboundMessage:
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
        retaken=retaken,
    )


class _Then(enum.Enum):
    """After a row: the chat's next row may go, it must wait (a retry, a lease nearly over), or the sender is
    stopping and the row was not sent."""

    NEXT = "next"
    WAIT = "wait"
    STOP = "stop"


def _forget_delivery(deliveries: set[asyncio.Task[None]]) -> Callable[[asyncio.Task[None]], None]:
    def done(task: asyncio.Task[None]) -> None:
        deliveries.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("outbox sender: a delivery failed", exc_info=task.exception())

    return done


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
        concurrency: int = SENDING_SLOTS,
    ) -> None:
        self.db = db
        self.channels = channels
        self.wakeup = wakeup or asyncio.Event()
        self.poll_seconds = poll_seconds
        self.batch_size = batch_size
        # Slots per channel: Telegram rows waiting for their turn in its throttle must not hold up LINE's replies,
        # whose reply tokens expire (a shared pool let a Telegram backlog starve LINE: 48% of replies by token).
        self._slots: defaultdict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(concurrency))
        # The next batch is claimed once this few rows are left in hand: enough to keep every concurrent slot
        # busy while the claim runs, few enough that a claimed row starts well within its lease.
        self._refill_at = concurrency
        self._in_hand_on: Counter[str] = Counter()  # rows claimed by this sender and not yet recorded, per channel
        self._sendable: set[str] = set(channels)  # the channels this process sent on at its last claim
        self._found_all: dict[str, float] = {}  # channel -> when a claim last found fewer due rows than it had room for
        self.rights = SendingRights(db, channels)
        self._row_done = asyncio.Event()
        self._stopping = asyncio.Event()
        self._erased: set[int] = set()  # people who deleted their data: their sent rows keep no trace
        self._recorder = OutcomeRecorder(db)
        self._unstarted: list[int] = []  # claimed, never started: handed back when the sender stops
        self._retaken: set[int] = set()  # claimed from a sender that died holding them, not yet tried again

    async def run(self) -> None:
        """Deliver until stopped, as a pipeline: the next batch is claimed while the current one is still on
        its way, so a rate-limited channel never idles between batches (a round of claim, deliver all, claim
        again left a gap at each batch's tail: 3-4% of Telegram's rate)."""
        log.info("outbox sender started (channels: %s)", ", ".join(sorted(self.channels)))
        deliveries: set[asyncio.Task[None]] = set()
        try:
            while not self._stopping.is_set():
                if not self._wants_more():
                    # Enough in hand, or nothing more due: claim again once some is done, new rows are queued,
                    # or rows come due (the poll).
                    await self._wait_for_work(poll=self.poll_seconds)
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
            await self.rights.close()

    def stop(self) -> None:
        self._stopping.set()
        self.wakeup.set()

    async def close(self) -> None:
        """Give up this process's exclusive channels (for `run_once` users; `run` does it when it ends)."""
        await self.rights.close()

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
        self._take(claim.rows)
        for chat_rows in by_chat(claim.rows):
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
        self._found_all.clear()
        claim = await self._claim()
        self._take(claim.rows)
        await asyncio.gather(*(self._deliver_chat(rows, claim.locales) for rows in by_chat(claim.rows)))
        return len(claim.rows) + claim.skipped

    def _take(self, rows: list[OutboxMessage]) -> None:
        self._in_hand_on.update(row.channel for row in rows)

    def _wants_more(self) -> bool:
        return any(self._short_of_rows(name) for name in self._sendable)

    def _short_of_rows(self, name: str) -> bool:
        """Whether a claim should look for more of the channel's rows: it has at most a slot's worth in hand
        (unpaced) or CLAIM_AHEAD_SECONDS / 2 of sending (paced), and its last claim did not find all there was,
        unless rows were queued since (wakeup) or a poll has passed. Under a burst a claim for every row done
        cost more than the turns: each read scanned Telegram's backlog (py-spy, docs/scaling.md)."""
        if self.wakeup.is_set():
            self._found_all.clear()
        pace = pace_of(self.channels[name])
        low = self._refill_at if pace is None else int(pace * CLAIM_AHEAD_SECONDS / 2)
        found_all_at = self._found_all.get(name)
        found_all = found_all_at is not None and time.monotonic() - found_all_at < self.poll_seconds
        return self._in_hand_on[name] <= low and not found_all

    def _room(self, channels: set[str]) -> dict[str, int]:
        """How many more rows each channel short of rows can use now. A paced channel takes only what it can send
        in the next CLAIM_AHEAD_SECONDS: rows claimed beyond that would only wait, their leases running, and every
        claim for them would be a read and a write for nothing."""
        room = {}
        for name in filter(self._short_of_rows, channels):
            pace = pace_of(self.channels[name])
            room[name] = self.batch_size if pace is None else int(pace * CLAIM_AHEAD_SECONDS) - self._in_hand_on[name]
        return {name: free for name, free in room.items() if free > 0}

    async def _claim(self) -> Claim:
        """Claim the due rows: found by a read, which takes no lock, then leased by id in a short write that
        checks each row is still free. SQLite has one writer: a claim that searched inside its write held up
        the recording of messages already sent, and a worker killed meanwhile sent them again."""
        now = _now()
        self._sendable = await self.rights.channels()
        room = self._room(self._sendable)
        if not room:
            return Claim([], {})
        # Every channel in one read (each is a few thread hand-offs on SQLite).
        async with self.db.read() as session:
            found = (await session.execute(due_rows(tuple(sorted(room))), due_rows_parameters(now, room))).all()
        per_channel = Counter(row.channel for row in found)
        self._found_all |= {name: time.monotonic() for name, free in room.items() if per_channel[name] < free}
        if not found:
            return Claim([], {})
        unreachable = [row.id for row in found if row.is_reachable is False]
        wanted = [row.id for row in found if row.is_reachable is not False]
        async with self.db.write() as session:
            # Someone who blocked the bot gets nothing more: their messages are skipped, not attempted.
            await set_free_rows(session, unreachable, now, status=OutboxStatus.SKIPPED, last_error="unreachable")
            claimed = await set_free_rows(
                session, wanted, now, status=OutboxStatus.SENDING, claimed_until=lease_until(now)
            )
        people = {row.person_id: (row.locale, row.deleted_at) for row in found if row.person_id}
        self._erased |= {person for person, (_locale, deleted) in people.items() if deleted is not None}
        locales = {person: locale for person, (locale, _deleted) in people.items() if locale is not None}
        mine = {row.id for row in claimed}
        self._retaken |= {row.id for row in found if row.status == OutboxStatus.SENDING and row.id in mine}
        return Claim(sorted(claimed, key=sending_order), locales, skipped=len(unreachable))

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
            self._in_hand_on.subtract(row.channel for row in rows)
            self._row_done.set()

    async def _deliver_and_record(self, row: OutboxMessage, locales: dict[int, str]) -> _Then:
        """Deliver and record one row; says whether the chat's next row may follow."""
        # What a channel adds itself (button captions, "type the number") speaks the person's language.
        locale = locales.get(row.person_id) if row.person_id is not None else None
        async with self._slots[row.channel]:
            if self._stopping.is_set():
                return _Then.STOP
            if not lease_allows_sending(row):
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
        if not encodable(row):  # no platform takes it, now or later: failed at once, the chat's next row goes
            return DeliveryResult(DeliveryStatus.FAILED, error=UNENCODABLE)
        try:
            return await channel.deliver(to_message(row, retaken=row.id in self._retaken))
        except UnicodeError:
            return DeliveryResult(DeliveryStatus.FAILED, error=UNENCODABLE)
        except Exception as exc:  # a bug or an unexpected error: retry with backoff, keep its kind (not its words)
            log.exception("outbox %s: delivery raised", row.id)
            return DeliveryResult(DeliveryStatus.RETRY, error=describe(exc))

    async def _record(self, row: OutboxMessage, result: DeliveryResult) -> None:
        self._retaken.discard(row.id)
        values = outcome_values(row, result, _now(), erased=row.person_id in self._erased)
        await self._recorder.record(row, result, values)
        if result.status is not DeliveryStatus.SENT:
            # The platform's own words stay in last_error: they may quote a chat id.
            log.info("outbox %s: %s (%s)", row.id, values.get("status"), error_kind(result.error))
