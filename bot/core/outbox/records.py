"""Recording what the platform said about a delivery (sent, retry later, failed for good, or the person blocked the
bot), as soon as possible: the message is out already, and until its outcome is committed a crash would let the
lease run out and send it again."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import OperationalError

from bot.core.failures import describe, storable
from bot.core.types import DeliveryResult, DeliveryStatus
from storage.db import Database, update_by_id
from storage.models import OutboxMessage, OutboxStatus, Person

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
MAX_BACKOFF_SECONDS = 300.0
RECORD_ATTEMPTS = 8


def backoff_seconds(attempts: int) -> float:
    return float(min(MAX_BACKOFF_SECONDS, 2 ** max(0, attempts - 1)))


def tries_allowed(row: OutboxMessage, result: DeliveryResult) -> int:
    """MAX_ATTEMPTS, and one more for each part already delivered: a long row on a flaky platform that gets a part
    further each time is making progress, and gives up only after MAX_ATTEMPTS tries that delivered nothing."""
    parts_done = result.parts_done if result.parts_done is not None else row.parts_done
    return MAX_ATTEMPTS + parts_done


def outcome_values(row: OutboxMessage, result: DeliveryResult, now: datetime, *, erased: bool) -> dict[str, object]:
    """The row's new columns after a delivery. `erased`: the person deleted their data, so a sent row keeps no
    trace of them (e.g. the "your data is deleted" confirmation itself)."""
    values: dict[str, object] = {"attempts": row.attempts + 1, "claimed_until": None}
    if result.status is DeliveryStatus.SENT:
        values |= {"status": OutboxStatus.SENT, "sent_at": now, "used_reply_token": result.used_reply_token}
        if erased:
            values |= {"payload": [], "recipient": "erased", "reply_token": None}
    elif result.status is DeliveryStatus.RETRY and row.attempts + 1 < tries_allowed(row, result):
        delay = result.retry_after if result.retry_after is not None else backoff_seconds(row.attempts + 1)
        values |= {
            "status": OutboxStatus.PENDING,
            "next_attempt_at": now + timedelta(seconds=delay),
            "last_error": storable(result.error) if result.error else None,
        }
        if result.parts_done is not None:
            values["parts_done"] = result.parts_done
    else:
        values |= {"status": OutboxStatus.FAILED, "last_error": storable(result.error or result.status.value)}
    return values


@dataclass
class Outcome:
    """A delivery's outcome waiting to be committed."""

    row: OutboxMessage
    result: DeliveryResult
    values: dict[str, object]
    done: asyncio.Future[None]


class OutcomeRecorder:
    """Outcomes are committed together by one writer (group commit): those that arrive while a write is under way
    go in the next transaction, so none waits longer than one write, and thirty a second do not each take a
    transaction of their own."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._outcomes: list[Outcome] = []  # delivered, not yet committed
        self._writer: asyncio.Task[None] | None = None

    async def record(self, row: OutboxMessage, result: DeliveryResult, values: dict[str, object]) -> None:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._outcomes.append(Outcome(row, result, values, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_all())
        await done

    async def _write_all(self) -> None:
        while self._outcomes:
            batch, self._outcomes = sorted(self._outcomes, key=lambda o: o.row.id), []
            try:
                await self._commit(batch)
            except Exception as exc:
                for outcome in batch:
                    if not outcome.done.done():
                        outcome.done.set_exception(exc)
            else:
                for outcome in batch:
                    if not outcome.done.done():
                        outcome.done.set_result(None)

    async def _commit(self, batch: list[Outcome]) -> None:
        """One transaction for the batch. If the database is busy, keep trying (the writes are idempotent),
        since a lost record would let the lease expire and send the message twice."""
        for attempt in range(RECORD_ATTEMPTS):
            try:
                async with self.db.write() as session:
                    await update_by_id(session, OutboxMessage, [{"id": o.row.id, **o.values} for o in batch])
                    for outcome in batch:
                        row = outcome.row
                        if outcome.result.status is DeliveryStatus.UNREACHABLE and row.person_id is not None:
                            reachable = update(Person).where(Person.id == row.person_id).values(is_reachable=False)
                            await session.execute(reachable)
                return
            except OperationalError as exc:
                if attempt + 1 == RECORD_ATTEMPTS:
                    raise
                ids = ", ".join(str(outcome.row.id) for outcome in batch)
                log.warning("outbox %s: recording the outcome failed (%s); trying again", ids, describe(exc))
                await asyncio.sleep(min(5.0, 0.2 * 2**attempt))
