"""Broadcasts: a message from the secretariat to everyone a target selects, delivered through the outbox.

The broadcast and one recipient row per person are written in one transaction. The broadcast worker then turns
pending recipients into outbox rows, a batch per transaction with the broadcast row locked: LINE recipients as
multicast rows of up to 500 users, everyone else one row each. Each outbox row has a key derived from the
broadcast, so a worker that dies mid-way and starts again queues nothing twice; the outbox sender delivers each
row once and keeps within the platforms' limits. Unreachable and deleted people are skipped and counted.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, delete, exists, func, insert, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import outbox
from bot.core.i18n import _, use_locale
from bot.core.types import ChannelName, Reply
from bot.domain.consents import PROVINCE_NEWS, consented
from bot.domain.places import find_district
from bot.domain.values import BadValue
from storage.db import Database
from storage.models import (
    Agency,
    Broadcast,
    BroadcastRecipient,
    BroadcastStatus,
    OutboxMessage,
    PartnerSector,
    Person,
    Province,
    RecipientStatus,
    Role,
)

log = logging.getLogger(__name__)

LINE_BATCH = 500  # LINE's multicast limit
SINGLE_CHUNK = 500  # Telegram and simulator recipients turned into outbox rows per transaction
PROGRESS_MIN_RECIPIENTS = 100  # broadcasts this large tell their composer how far they are
PROGRESS_SHARES = (25, 50, 75)  # percent done at which they do
MAX_TEXT = 4000  # Telegram takes 4,096 characters a message, LINE 5,000: one message fits both
SCHEDULE_AHEAD = timedelta(days=366)  # how far ahead a broadcast may be scheduled
RECENT = 200  # broadcasts looked through for a person's list
CHUNK_PAUSE = 0.05  # seconds between two chunks: the sender's records get SQLite's write lock in between


@dataclass(frozen=True)
class Target:
    """Who a broadcast goes to; every field narrows it, None means any."""

    role: str | None = None
    province_id: int | None = None
    district_id: int | None = None
    agency_id: int | None = None
    sector_id: int | None = None
    channel: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if value is not None}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Target:
        return cls(**{key: data.get(key) for key in cls.__dataclass_fields__})

    def conditions(self) -> list[ColumnElement[bool]]:
        columns = {
            "role": Person.role,
            "province_id": Person.province_id,
            "district_id": Person.district_id,
            "agency_id": Person.agency_id,
            "sector_id": Person.sector_id,
            "channel": Person.channel,
        }
        conditions = [columns[key] == value for key, value in self.to_json().items()]
        if self.province_id is not None:  # a province's citizens hear its news only if they asked to (PDPA)
            conditions.append(or_(Person.role != Role.CITIZEN.value, Person.id.in_(consented(PROVINCE_NEWS))))
        return conditions


async def target_named(
    session: AsyncSession,
    province: Province | None,
    *,
    role: str | None = None,
    district: str | None = None,
    agency: str | None = None,
    sector: str | None = None,
    channel: str | None = None,
) -> Target:
    """A target from what staff type: a district of `province` by Thai name, an agency of it and a partner sector
    by code. BadValue for one that does not exist, and for a district or an agency without a province."""
    if (district or agency) and province is None:
        raise BadValue("a district or an agency needs its province")
    district_id = agency_id = sector_id = None
    if district and province is not None:
        found = await find_district(session, province.id, district)
        if found is None:
            raise BadValue(f"no district {district!r} in {province.name_th}")
        district_id = found.id
    if agency and province is not None:
        agency_id = await session.scalar(
            select(Agency.id).where(Agency.province_id == province.id, Agency.code == agency).limit(1)
        )
        if agency_id is None:
            raise BadValue(f"no agency {agency!r} in {province.name_th}")
    if sector:
        sector_id = await session.scalar(select(PartnerSector.id).where(PartnerSector.code == sector))
        if sector_id is None:
            raise BadValue(f"no partner sector {sector!r}")
    return Target(
        role=role,
        province_id=province.id if province else None,
        district_id=district_id,
        agency_id=agency_id,
        sector_id=sector_id,
        channel=channel,
    )


def _skippable() -> ColumnElement[bool]:
    return or_(Person.is_reachable.is_(False), Person.deleted_at.is_not(None))


@dataclass(frozen=True)
class Audience:
    total: int
    unreachable: int

    @property
    def reachable(self) -> int:
        return self.total - self.unreachable


async def count_audience(session: AsyncSession, target: Target) -> Audience:
    """How many people a target selects, and how many of them cannot be reached (the preview)."""
    conditions = target.conditions()
    total = await session.scalar(select(func.count(Person.id)).where(*conditions))
    unreachable = await session.scalar(select(func.count(Person.id)).where(*conditions, _skippable()))
    return Audience(int(total or 0), int(unreachable or 0))


@dataclass(frozen=True)
class StatusChat:
    """Where the composer hears how the broadcast went."""

    channel: str
    chat: str
    person_id: int
    locale: str

    @classmethod
    def of(cls, person: Person) -> StatusChat:
        return cls(person.channel, person.chat_id, person.id, person.locale)


async def create_broadcast(
    session: AsyncSession,
    *,
    text: str,
    target: Target,
    media_id: int | None = None,
    created_by_id: int | None = None,
    scheduled_at: datetime | None = None,
    status_chat: StatusChat | None = None,
) -> Broadcast:
    """The broadcast and its recipients (one row per person), in the caller's transaction."""
    broadcast = Broadcast(
        created_by_id=created_by_id,
        text=text,
        media_id=media_id,
        target=target.to_json(),
        status=BroadcastStatus.SCHEDULED,
        scheduled_at=scheduled_at,
        status_chat=asdict(status_chat) if status_chat else None,
    )
    session.add(broadcast)
    await session.flush()
    people = select(literal(broadcast.id), Person.id, literal(RecipientStatus.PENDING.value)).where(
        *target.conditions()
    )
    await session.execute(insert(BroadcastRecipient).from_select(["broadcast_id", "person_id", "status"], people))
    broadcast.total = int(
        await session.scalar(
            select(func.count(BroadcastRecipient.id)).where(BroadcastRecipient.broadcast_id == broadcast.id)
        )
        or 0
    )
    return broadcast


def schedule_allowed(at: datetime, now: datetime) -> bool:
    """A scheduled time is in the coming year, after now."""
    return now < at <= now + SCHEDULE_AHEAD


async def cancel_scheduled(session: AsyncSession, broadcast_id: int) -> bool:
    """Take back a broadcast that has not started: it and its recipients are gone. False once it is sending (the
    worker's start and this delete cannot both win: each changes the row only while it is still scheduled)."""
    deleted = await session.execute(
        delete(Broadcast).where(Broadcast.id == broadcast_id, Broadcast.status == BroadcastStatus.SCHEDULED)
    )
    if not deleted.rowcount:  # type: ignore[attr-defined]
        return False
    await session.execute(delete(BroadcastRecipient).where(BroadcastRecipient.broadcast_id == broadcast_id))
    return True


async def recent_broadcasts(session: AsyncSession, province_id: int | None, limit: int = 20) -> list[Broadcast]:
    """The newest broadcasts to a province (None: all of them, as the national team sees them)."""
    rows = (await session.scalars(select(Broadcast).order_by(Broadcast.id.desc()).limit(RECENT))).all()
    return [b for b in rows if province_id is None or Target.from_json(b.target).province_id == province_id][:limit]


# ---------------------------------------------------------------- progress


@dataclass(frozen=True)
class BroadcastReport:
    total: int
    sent: int
    failed: int
    skipped: int

    @property
    def pending(self) -> int:
        return self.total - self.sent - self.failed - self.skipped

    @property
    def done(self) -> int:
        return self.total - self.pending


async def broadcast_report(session: AsyncSession, broadcast_id: int) -> BroadcastReport:
    """Counts per recipient, from the outbox rows that carry them and the recipients skipped."""
    total = await session.scalar(
        select(func.count(BroadcastRecipient.id)).where(BroadcastRecipient.broadcast_id == broadcast_id)
    )
    skipped = await session.scalar(
        select(func.count(BroadcastRecipient.id)).where(
            BroadcastRecipient.broadcast_id == broadcast_id, BroadcastRecipient.status == RecipientStatus.SKIPPED
        )
    )
    by_status = dict(
        (
            await session.execute(
                select(OutboxMessage.status, func.count(BroadcastRecipient.id))
                .join(OutboxMessage, OutboxMessage.id == BroadcastRecipient.outbox_id)
                .where(BroadcastRecipient.broadcast_id == broadcast_id)
                .group_by(OutboxMessage.status)
            )
        ).all()
    )
    return BroadcastReport(
        total=int(total or 0),
        sent=int(by_status.get(RecipientStatus.SENT, 0)),
        failed=int(by_status.get(RecipientStatus.FAILED, 0)),
        skipped=int(skipped or 0),
    )


# ---------------------------------------------------------------- recipients -> outbox rows


def broadcast_replies(broadcast: Broadcast) -> list[Reply]:
    return [Reply(text=broadcast.text, image_media_id=broadcast.media_id)]


async def _lock_sending(session: AsyncSession, broadcast_id: int) -> Broadcast | None:
    """The broadcast row, locked so one worker at a time converts it (others skip it this round)."""
    return await session.scalar(
        select(Broadcast)
        .where(Broadcast.id == broadcast_id, Broadcast.status == BroadcastStatus.SENDING)
        .with_for_update(skip_locked=True)
    )


def _pending(broadcast_id: int) -> Select[BroadcastRecipient, Person]:
    return (
        select(BroadcastRecipient, Person)
        .join(Person, Person.id == BroadcastRecipient.person_id)
        .where(BroadcastRecipient.broadcast_id == broadcast_id, BroadcastRecipient.status == RecipientStatus.PENDING)
        .order_by(BroadcastRecipient.id)
    )


async def _skip_unreachable(session: AsyncSession, broadcast_id: int) -> int:
    unreachable = select(Person.id).where(_skippable())
    result = await session.execute(
        update(BroadcastRecipient)
        .where(
            BroadcastRecipient.broadcast_id == broadcast_id,
            BroadcastRecipient.status == RecipientStatus.PENDING,
            BroadcastRecipient.person_id.in_(unreachable),
        )
        .values(status=RecipientStatus.SKIPPED)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def _queue_line_batch(session: AsyncSession, broadcast: Broadcast) -> int:
    rows = (
        await session.execute(_pending(broadcast.id).where(Person.channel == ChannelName.LINE.value).limit(LINE_BATCH))
    ).all()
    if not rows:
        return 0
    earlier = await session.scalar(
        select(func.count(OutboxMessage.id)).where(
            OutboxMessage.broadcast_id == broadcast.id, OutboxMessage.channel == ChannelName.LINE.value
        )
    )
    batch_no = int(earlier or 0) + 1
    key = f"broadcast:{broadcast.id}:line:{batch_no}"
    if not await outbox.enqueue(
        session,
        channel=ChannelName.LINE.value,
        recipient=key,  # a batch is its own "chat": batches never wait behind each other
        recipients=[person.platform_user_id for _recipient, person in rows],
        replies=broadcast_replies(broadcast),
        key=key,
        broadcast_id=broadcast.id,
    ):
        raise RuntimeError(f"{key} was queued before with other recipients")
    outbox_id = await session.scalar(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key))
    for recipient, _person in rows:
        recipient.status, recipient.outbox_id = RecipientStatus.QUEUED, outbox_id
    return len(rows)


async def _queue_single_chunk(session: AsyncSession, broadcast: Broadcast) -> int:
    """The next chunk of one-to-one recipients (Telegram, simulator) as outbox rows, in a few statements for
    the whole chunk: two statements per recipient held SQLite's only write lock for ~46 s on 10,000
    recipients, and every message already sent waited that long to be recorded."""
    query = (
        select(BroadcastRecipient.id, Person.id, Person.channel, Person.chat_id)
        .join(Person, Person.id == BroadcastRecipient.person_id)
        .where(
            BroadcastRecipient.broadcast_id == broadcast.id,
            BroadcastRecipient.status == RecipientStatus.PENDING,
            Person.channel != ChannelName.LINE.value,
        )
        .order_by(BroadcastRecipient.id)
        .limit(SINGLE_CHUNK)
    )
    rows = (await session.execute(query)).all()
    messages = {
        recipient_id: outbox.Queued(f"broadcast:{broadcast.id}:person:{person_id}", channel, chat, person_id)
        for recipient_id, person_id, channel, chat in rows
    }
    queued = await outbox.enqueue_many(
        session, list(messages.values()), broadcast_replies(broadcast), broadcast_id=broadcast.id
    )
    if messages:
        changes = [
            {"id": recipient_id, "status": RecipientStatus.QUEUED, "outbox_id": queued[message.key]}
            for recipient_id, message in messages.items()
        ]
        await session.execute(update(BroadcastRecipient), changes)
    return len(rows)


async def convert_batch(db: Database, broadcast_id: int) -> int:
    """Turn the next batch of pending recipients into outbox rows (one transaction); returns how many."""
    async with db.write() as session:
        broadcast = await _lock_sending(session, broadcast_id)
        if broadcast is None:
            return 0
        handled = await _skip_unreachable(session, broadcast_id)
        handled += await _queue_line_batch(session, broadcast)
        if handled == 0:
            handled += await _queue_single_chunk(session, broadcast)
        return handled


# ---------------------------------------------------------------- start and finish


def _status_text(broadcast: Broadcast, stage: str, report: BroadcastReport | None) -> str:
    """The text for a stage: "start", a share done ("50%"), or "end"; all but the start need the counts."""
    if stage == "start" or report is None:
        return _("Broadcast #{id} is on its way to {total} people.", id=broadcast.id, total=broadcast.total)
    if stage != "end":
        return _(
            "Broadcast #{id}: {done} of {total} done so far ({sent} sent, {failed} failed, {skipped} skipped).",
            id=broadcast.id,
            done=report.done,
            total=report.total,
            sent=report.sent,
            failed=report.failed,
            skipped=report.skipped,
        )
    return _(
        "Broadcast #{id} finished: {sent} sent, {failed} failed, {skipped} skipped (unreachable).",
        id=broadcast.id,
        sent=report.sent,
        failed=report.failed,
        skipped=report.skipped,
    )


def _status_key(broadcast_id: int, stage: str) -> str:
    return f"broadcast:{broadcast_id}:status:{stage}"


async def _tell_composer(
    session: AsyncSession, broadcast: Broadcast, stage: str, report: BroadcastReport | None = None
) -> None:
    """A status message to the chat the broadcast was composed in: once per stage (start, a share done, end)."""
    chat = broadcast.status_chat
    if not chat:
        return
    with use_locale(chat.get("locale")):
        text = _status_text(broadcast, stage, report)
    await outbox.enqueue(
        session,
        channel=chat["channel"],
        recipient=chat["chat"],
        replies=[Reply(text)],
        key=_status_key(broadcast.id, stage),
        person_id=chat.get("person_id"),
    )


def _progress_stage(report: BroadcastReport) -> str | None:
    """The last milestone a large broadcast has passed ("50%"), or None: small ones end within seconds."""
    if report.total < PROGRESS_MIN_RECIPIENTS or not report.pending:
        return None
    passed = [share for share in PROGRESS_SHARES if report.done * 100 >= share * report.total]
    return f"{passed[-1]}%" if passed else None


async def tell_progress(db: Database, broadcast_id: int) -> BroadcastReport:
    """Tell the composer when a large broadcast passes a quarter, half and three quarters; returns the counts."""
    async with db.read() as session:
        report = await broadcast_report(session, broadcast_id)
        stage = _progress_stage(report)
        broadcast = await session.get(Broadcast, broadcast_id)
        if stage is None or broadcast is None or not broadcast.status_chat:
            return report
        told = select(exists().where(OutboxMessage.idempotency_key == _status_key(broadcast_id, stage)))
        if await session.scalar(told):
            return report
    async with db.write() as session:
        await _tell_composer(session, broadcast, stage, report)
    return report


def _scheduled_visible_to(person: Person | None) -> ColumnElement[bool]:
    """Scheduled broadcasts a secretariat member may see and cancel: their province's and their own; the national
    team (no province) and the command line (no person) all of them."""
    scheduled = and_(Broadcast.status == BroadcastStatus.SCHEDULED, Broadcast.scheduled_at.is_not(None))
    if person is None or person.province_id is None:
        return scheduled
    province = Broadcast.target["province_id"].as_integer()
    return and_(scheduled, or_(province == person.province_id, Broadcast.created_by_id == person.id))


async def scheduled_broadcasts(session: AsyncSession, person: Person | None) -> list[Broadcast]:
    """The broadcasts waiting for their time, soonest first."""
    query = select(Broadcast).where(_scheduled_visible_to(person)).order_by(Broadcast.scheduled_at, Broadcast.id)
    return list((await session.scalars(query)).all())


async def start_due(db: Database, now: datetime) -> list[int]:
    """Scheduled broadcasts whose time has come start sending; returns their ids."""
    is_due = and_(
        Broadcast.status == BroadcastStatus.SCHEDULED,
        or_(Broadcast.scheduled_at.is_(None), Broadcast.scheduled_at <= now),
    )
    async with db.read() as session:  # mostly none: asked without the write lock first
        if not await session.scalar(select(exists().where(is_due))):
            return []
    async with db.write() as session:
        due = (await session.scalars(select(Broadcast).where(is_due).with_for_update(skip_locked=True))).all()
        for broadcast in due:
            broadcast.status = BroadcastStatus.SENDING
            await _tell_composer(session, broadcast, "start")
        return [broadcast.id for broadcast in due]


async def finish_if_done(db: Database, broadcast_id: int, now: datetime) -> BroadcastReport | None:
    """Close a broadcast once every recipient is sent, failed or skipped; returns the final report."""
    async with db.write() as session:
        broadcast = await _lock_sending(session, broadcast_id)
        if broadcast is None:
            return None
        report = await broadcast_report(session, broadcast_id)
        if report.pending:
            return None
        broadcast.status, broadcast.finished_at = BroadcastStatus.DONE, now
        broadcast.sent, broadcast.failed, broadcast.skipped = report.sent, report.failed, report.skipped
        await _tell_composer(session, broadcast, "end", report)
        return report


async def broadcast_round(db: Database, now: datetime | None = None) -> int:
    """One pass of the broadcast worker: start due broadcasts, queue their recipients, close finished ones.
    Returns how many recipients were queued or skipped."""
    now = now or datetime.now(UTC)
    await start_due(db, now)
    async with db.read() as session:
        sending = (await session.scalars(select(Broadcast.id).where(Broadcast.status == BroadcastStatus.SENDING))).all()
    handled = 0
    for broadcast_id in sending:
        while await _has_pending_recipients(db, broadcast_id) and (batch := await convert_batch(db, broadcast_id)):
            handled += batch
            await asyncio.sleep(CHUNK_PAUSE)
        # Counted by a read first: mostly some recipients are still pending, and closing needs the write lock.
        if not (await tell_progress(db, broadcast_id)).pending:
            await finish_if_done(db, broadcast_id, now)
    return handled


async def _has_pending_recipients(db: Database, broadcast_id: int) -> bool:
    """Looked up by a read, without SQLite's write lock: the worker asks every two seconds, and mostly the
    answer is no (the broadcast is queued and the outbox is sending it)."""
    async with db.read() as session:
        pending = exists().where(
            BroadcastRecipient.broadcast_id == broadcast_id, BroadcastRecipient.status == RecipientStatus.PENDING
        )
        return bool(await session.scalar(select(pending)))
