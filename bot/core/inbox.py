"""The inbox: every received event is stored once (unique on channel + event id) before it is acknowledged,
then a worker applies it through the engine. Events of one chat are applied in the order they arrived.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy import ColumnElement, func, or_, select, update

from bot.core import metrics, outbox
from bot.core.documents import DOCUMENT_ID, document_content_type, document_id
from bot.core.engine import Applied, Engine, Pending
from bot.core.failures import chat_ref, describe, kind_of
from bot.core.i18n import _, use_locale
from bot.core.media import store_media
from bot.core.receive import InboxWriter
from bot.core.seats import STEAL_SECONDS, Share, WorkerSeats
from bot.core.types import AnswersApplied, Channel, Inbound, InboundKind, Reply
from bot.settings import Settings
from storage.db import Database
from storage.models import InboxEvent, InboxStatus, Person

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5  # the default of INBOX_MAX_ATTEMPTS
RETRY_SECONDS = 2.0  # the default of INBOX_RETRY_SECONDS
MAX_RETRY_SECONDS = 300.0
HEADS_PER_ROUND = 500  # chats looked at in one round
FIRST_BATCH = 32
MIN_BATCH, MAX_BATCH = 8, 256
# Aim for batches this long (see InboxWorker._apply): a batch runs without letting the event loop go, and a
# webhook's ack may wait for one; the ack's p99 is to stay under 20 ms at 200 events a second.
BATCH_SECONDS = 0.008


class Receiving(Protocol):
    """What a channel's webhook needs from the running app (`request.app.state.services`)."""

    settings: Settings
    channels: dict[str, Channel]
    inbox: InboxWriter


class InboxWorker:
    """Applies pending events: the oldest pending event of each chat, many chats to a batch."""

    def __init__(
        self,
        db: Database,
        engine: Engine,
        channels: dict[str, Channel],
        *,
        wakeup: asyncio.Event | None = None,
        poll_seconds: float = 0.5,
        max_image_bytes: int = 10 * 1024 * 1024,
        downloads: int = 8,
        max_attempts: int = MAX_ATTEMPTS,
        retry_seconds: float = RETRY_SECONDS,
    ) -> None:
        self.db = db
        self.engine = engine
        self.channels = channels
        self.wakeup = wakeup or asyncio.Event()
        self.poll_seconds = poll_seconds
        self.max_image_bytes = max_image_bytes
        self._downloads = asyncio.Semaphore(downloads)
        self.max_attempts = max_attempts
        self.retry_seconds = retry_seconds
        self._stopping = asyncio.Event()
        self.batch_size = FIRST_BATCH
        self.seats = WorkerSeats(db, on_new_events=self.wakeup.set)

    async def run(self) -> None:
        log.info("inbox worker started")
        try:
            while not self._stopping.is_set():
                try:
                    handled = await self.run_once(await self.seats.share())
                except Exception:
                    log.exception("inbox worker: a round failed; trying again")
                    handled = 0
                if handled == 0:
                    self.wakeup.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self.wakeup.wait(), timeout=self.poll_seconds)
        finally:
            await self.seats.close()

    def stop(self) -> None:
        self._stopping.set()
        self.wakeup.set()

    async def run_once(self, share: Share | None = None) -> int:
        """Apply the head event of every chat that has one (of `share`'s chats, with several workers), in batches.
        Returns how many events were handled."""
        heads = await self._heads(share)
        if not heads:
            return 0
        prepared = await asyncio.gather(*(self._prepared(row) for row in heads), return_exceptions=True)
        events: list[Pending] = []
        for row, event in zip(heads, prepared, strict=True):
            if isinstance(event, Pending):
                events.append(event)
            elif isinstance(event, Exception):  # a payload that cannot be read back: it never will be
                await self._record_failure(row, event, None)
            else:
                raise event
        await self._apply(events, {row.id: row for row in heads})
        return len(heads)

    async def _apply(self, events: list[Pending], rows: dict[int, InboxEvent]) -> None:
        """Apply in batches sized so that one takes about BATCH_SECONDS: on SQLite the batch holds the one
        writer, and a webhook's insert waits behind it."""
        while events:
            batch, events = events[: self.batch_size], events[self.batch_size :]
            result = await self.engine.apply(batch)
            self._resize(result)
            applied = set(result.applied)
            self._after_applied([event for event in batch if event.inbox_id in applied])
            metrics.turns_applied([rows[inbox_id].received_at for inbox_id in result.applied])
            for event, error in result.failed:
                await self._record_failure(rows[event.inbox_id], error, event.inbound)
            await asyncio.sleep(0)  # the webhooks that came in meanwhile get on with their inserts

    def _after_applied(self, events: list[Pending]) -> None:
        """The platforms' own follow-ups (a pressed Telegram button's spinner), out of the webhook's request."""
        for event in events:
            channel = self.channels.get(event.inbound.channel)
            if isinstance(channel, AnswersApplied):
                channel.after_applied(event.inbound)

    def _resize(self, result: Applied) -> None:
        handled = len(result.applied) + len(result.failed)
        if handled and result.seconds > 0:
            per_event = result.seconds / handled
            self.batch_size = max(MIN_BATCH, min(MAX_BATCH, int(BATCH_SECONDS / per_event)))

    async def _heads(self, share: Share | None) -> list[InboxEvent]:
        """The oldest pending event of each chat, unless it failed lately and waits to be tried again (the
        chat's later events wait behind it: they are applied in order)."""
        oldest_per_chat = (
            select(func.min(InboxEvent.id))
            .where(InboxEvent.status == InboxStatus.PENDING)
            .group_by(InboxEvent.chat_key)
        )
        now = datetime.now(UTC)
        due = or_(InboxEvent.next_attempt_at.is_(None), InboxEvent.next_attempt_at <= now)
        heads = select(InboxEvent).where(InboxEvent.id.in_(oldest_per_chat), due).order_by(InboxEvent.id)
        async with self.db.read() as session:
            if share is None:
                return list((await session.scalars(heads.limit(HEADS_PER_ROUND))).all())
            mine = await session.scalars(heads.where(_of(share)).limit(HEADS_PER_ROUND))
            found = list(mine.all())
            if found:
                return found
            # Nothing of its own: it helps with the other workers' chats whose next event has waited too long.
            waited = InboxEvent.received_at <= now - timedelta(seconds=STEAL_SECONDS)
            return list((await session.scalars(heads.where(waited).limit(HEADS_PER_ROUND))).all())

    async def drain(self, max_rounds: int = 100) -> int:
        """Apply everything pending (tests and the CLI use this)."""
        total = 0
        for _round in range(max_rounds):
            handled = await self.run_once()
            if handled == 0:
                break
            total += handled
        return total

    async def _prepared(self, row: InboxEvent) -> Pending:
        inbound = Inbound.from_json(row.payload)
        async with self._downloads:
            return Pending(row.id, await self._fetch_image(inbound))

    async def _fetch_image(self, inbound: Inbound) -> Inbound:
        """Download the user's photo before the transaction, so no network wait holds the write lock."""
        if not inbound.image_ref or inbound.media_id is not None or document_id(inbound) is not None:
            return inbound
        channel = self.channels.get(inbound.channel)
        if channel is None:
            return replace(inbound, extra={**inbound.extra, "media_error": "unavailable"})
        try:
            data, content_type = await channel.fetch_media(inbound.image_ref)
        except Exception as exc:
            log.warning("inbox: could not fetch a picture: %s", describe(exc))
            return replace(inbound, extra={**inbound.extra, "media_error": "unavailable"})
        if len(data) > self.max_image_bytes:
            return replace(inbound, extra={**inbound.extra, "media_error": "too_large", "media_size": len(data)})
        if inbound.kind is InboundKind.FILE:
            return await self._store_document(inbound, data)
        if not content_type.startswith("image/"):
            return replace(inbound, extra={**inbound.extra, "media_error": "not_image"})
        ref, sender = f"{inbound.channel}:{inbound.image_ref}", (inbound.channel, inbound.user)
        media_id = await store_media(self.db, data, content_type, ref=ref, sent_by=sender)  # owned: erasure finds it
        return replace(inbound, media_id=media_id)

    async def _store_document(self, inbound: Inbound, data: bytes) -> Inbound:
        """Keep a document whose content matches its name (bot/core/documents.py); the platforms' own content
        types are not trusted (LINE calls every file application/octet-stream)."""
        name = str(inbound.extra.get("file_name") or "")
        content_type = document_content_type(data, name)
        if content_type is None:
            return replace(inbound, extra={**inbound.extra, "media_error": "not_document"})
        ref, sender = f"{inbound.channel}:{inbound.image_ref}", (inbound.channel, inbound.user)
        media_id = await store_media(self.db, data, content_type, ref=ref, filename=name, sent_by=sender)
        return replace(inbound, extra={**inbound.extra, DOCUMENT_ID: media_id})

    async def _record_failure(self, row: InboxEvent, error: Exception, inbound: Inbound | None) -> None:
        """The step's transaction was rolled back. Only the attempt count, the failure's kind and when to try
        again are written, by id: nothing of the payload, so this write cannot fail the way the event did. After
        the last attempt the event is failed (`hpp-bot inbox failed` lists it) and the person told."""
        attempts = row.attempts + 1
        failed = attempts >= self.max_attempts
        wait = min(MAX_RETRY_SECONDS, self.retry_seconds * 2 ** (attempts - 1))
        what = describe(error)
        log.warning(
            "inbox %s (chat %s): attempt %d of %d failed: %s",
            row.id,
            chat_ref(row.chat_key),
            attempts,
            self.max_attempts,
            what,
            exc_info=error if attempts == 1 else None,  # the traceback once, not at every attempt
        )
        still_pending = InboxEvent.status == InboxStatus.PENDING  # another worker may have applied it meanwhile
        async with self.db.write() as session:
            written = await session.execute(
                update(InboxEvent)
                .where(InboxEvent.id == row.id, still_pending)
                .values(
                    attempts=attempts,
                    status=InboxStatus.FAILED if failed else InboxStatus.PENDING,
                    error=what,
                    next_attempt_at=None if failed else datetime.now(UTC) + timedelta(seconds=wait),
                )
                .execution_options(synchronize_session=False)
            )
        if failed and written.rowcount:  # type: ignore[attr-defined]
            metrics.inbox_failed(kind_of(error))
            log.error(
                "inbox %s (chat %s): failed for good after %d attempts: %s",
                row.id,
                chat_ref(row.chat_key),
                attempts,
                what,
            )
            if inbound is not None and not inbound.is_group:
                await self._apologise(row.id, inbound)

    async def _apologise(self, inbox_id: int, inbound: Inbound) -> None:
        """Tell the person something went wrong, so a failure never looks like silence. A chat the database
        cannot take (the poison event's own) gets nothing: the failure is recorded already."""
        try:
            async with self.db.write() as session:
                locale = await session.scalar(
                    select(Person.locale).where(
                        Person.channel == inbound.channel, Person.platform_user_id == inbound.user
                    )
                )
                with use_locale(locale):
                    apology = Reply(_("Sorry, something went wrong on our side. Please try again in a moment."))
                await outbox.enqueue(
                    session, channel=inbound.channel, recipient=inbound.chat, replies=[apology], key=f"fail:{inbox_id}"
                )
        except Exception as error:
            log.warning("inbox %s: could not queue the apology: %s", inbox_id, describe(error))


def _of(share: Share) -> ColumnElement[bool]:
    """The events of this worker's chats (see bot/core/seats.py)."""
    return func.hashtext(InboxEvent.chat_key).op("&")(0x7FFFFFFF) % share.of == share.rank
