"""The inbox: every received event is stored once (unique on channel + event id) before it is acknowledged,
then a worker applies it through the engine. Events of one chat are applied in the order they arrived.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy import func, select, update

from bot.core import outbox
from bot.core.engine import Applied, Engine, Pending
from bot.core.i18n import _, use_locale
from bot.core.media import store_media
from bot.core.types import Channel, Inbound, Reply
from bot.settings import Settings
from storage.db import Database, insert_ignore
from storage.models import InboxEvent, InboxStatus, Person

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
HEADS_PER_ROUND = 500  # chats looked at in one round
FIRST_BATCH = 32
MIN_BATCH, MAX_BATCH = 16, 256
BATCH_SECONDS = 0.01  # aim for batches this long (see InboxWorker._apply)


def chat_key(inbound: Inbound) -> str:
    return f"{inbound.channel}:{inbound.user}"


async def store_inbound(db: Database, inbounds: Sequence[Inbound], wakeup: asyncio.Event | None = None) -> int:
    """Store events in arrival order; a redelivered event id is ignored. Returns how many were new."""
    if not inbounds:
        return 0
    stored = 0
    async with db.write() as session:
        for inbound in inbounds:
            received = inbound.received_at or datetime.now(UTC)
            statement = insert_ignore(session, InboxEvent, "channel", "event_id").values(
                channel=inbound.channel,
                event_id=inbound.event_id,
                chat_key=chat_key(inbound),
                payload=replace(inbound, received_at=received).to_json(),
                status=InboxStatus.PENDING,
                attempts=0,
            )
            result = await session.execute(statement)
            stored += int(result.rowcount or 0)  # type: ignore[attr-defined]
    if stored and wakeup is not None:
        wakeup.set()
    return stored


class InboxWriter:
    """Where webhooks and polling put what they receive: stored, then the worker is woken."""

    def __init__(self, db: Database, wakeup: asyncio.Event | None = None) -> None:
        self.db = db
        self.wakeup = wakeup

    async def receive(self, inbounds: Sequence[Inbound]) -> int:
        """Store events in arrival order; returns how many were new (a redelivery is ignored)."""
        return await store_inbound(self.db, inbounds, self.wakeup)


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
    ) -> None:
        self.db = db
        self.engine = engine
        self.channels = channels
        self.wakeup = wakeup or asyncio.Event()
        self.poll_seconds = poll_seconds
        self.max_image_bytes = max_image_bytes
        self._downloads = asyncio.Semaphore(downloads)
        self._stopping = asyncio.Event()
        self.batch_size = FIRST_BATCH

    async def run(self) -> None:
        log.info("inbox worker started")
        while not self._stopping.is_set():
            try:
                handled = await self.run_once()
            except Exception:
                log.exception("inbox worker: a round failed; trying again")
                handled = 0
            if handled == 0:
                self.wakeup.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wakeup.wait(), timeout=self.poll_seconds)

    def stop(self) -> None:
        self._stopping.set()
        self.wakeup.set()

    async def run_once(self) -> int:
        """Apply the head event of every chat that has one, in batches. Returns how many events were handled."""
        heads = await self._heads()
        if not heads:
            return 0
        events = await asyncio.gather(*(self._prepared(row) for row in heads))
        await self._apply(list(events), {row.id: row.attempts for row in heads})
        return len(heads)

    async def _apply(self, events: list[Pending], attempts: dict[int, int]) -> None:
        """Apply in batches sized so that one takes about BATCH_SECONDS: on SQLite the batch holds the one
        writer, and a webhook's insert waits behind it."""
        while events:
            batch, events = events[: self.batch_size], events[self.batch_size :]
            result = await self.engine.apply(batch)
            self._resize(result)
            for event, error in result.failed:
                log.error(
                    "inbox %s (%s): applying the event failed",
                    event.inbox_id,
                    chat_key(event.inbound),
                    exc_info=error,
                )
                await self._record_failure(event.inbox_id, attempts[event.inbox_id] + 1, error, event.inbound)

    def _resize(self, result: Applied) -> None:
        handled = len(result.applied) + len(result.failed)
        if handled and result.seconds > 0:
            per_event = result.seconds / handled
            self.batch_size = max(MIN_BATCH, min(MAX_BATCH, int(BATCH_SECONDS / per_event)))

    async def _heads(self) -> list[InboxEvent]:
        oldest_per_chat = (
            select(func.min(InboxEvent.id))
            .where(InboxEvent.status == InboxStatus.PENDING)
            .group_by(InboxEvent.chat_key)
            .limit(HEADS_PER_ROUND)
        )
        async with self.db.read() as session:
            rows = await session.scalars(
                select(InboxEvent).where(InboxEvent.id.in_(oldest_per_chat)).order_by(InboxEvent.id)
            )
            return list(rows.all())

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
        if not inbound.image_ref or inbound.media_id is not None:
            return inbound
        channel = self.channels.get(inbound.channel)
        if channel is None:
            return replace(inbound, extra={**inbound.extra, "media_error": "unavailable"})
        try:
            data, content_type = await channel.fetch_media(inbound.image_ref)
        except Exception as exc:
            log.warning("could not fetch %s: %s", inbound.image_ref, exc)
            return replace(inbound, extra={**inbound.extra, "media_error": "unavailable"})
        if len(data) > self.max_image_bytes:
            return replace(inbound, extra={**inbound.extra, "media_error": "too_large", "media_size": len(data)})
        if not content_type.startswith("image/"):
            return replace(inbound, extra={**inbound.extra, "media_error": "not_image"})
        ref, sender = f"{inbound.channel}:{inbound.image_ref}", (inbound.channel, inbound.user)
        media_id = await store_media(self.db, data, content_type, ref=ref, sent_by=sender)  # owned: erasure finds it
        return replace(inbound, media_id=media_id)

    async def _record_failure(self, event_id: int, attempts: int, exc: Exception, inbound: Inbound) -> None:
        """The step's transaction was rolled back; only the attempt count and the error are written. After the
        last attempt the person is told, so a failure never looks like silence."""
        status = InboxStatus.FAILED if attempts >= MAX_ATTEMPTS else InboxStatus.PENDING
        async with self.db.write() as session:
            await session.execute(
                update(InboxEvent)
                .where(InboxEvent.id == event_id)
                .values(attempts=attempts, status=status, error=f"{type(exc).__name__}: {exc}"[:2000])
            )
            if status == InboxStatus.FAILED and not inbound.is_group:
                locale = await session.scalar(
                    select(Person.locale).where(
                        Person.channel == inbound.channel, Person.platform_user_id == inbound.user
                    )
                )
                with use_locale(locale):
                    apology = Reply(_("Sorry, something went wrong on our side. Please try again in a moment."))
                await outbox.enqueue(
                    session, channel=inbound.channel, recipient=inbound.chat, replies=[apology], key=f"fail:{event_id}"
                )
