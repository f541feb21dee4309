"""Citizens following an area (FixMyStreet's local alerts, in chat): a subdistrict, or a complaint category in a
province. Once a day, from the scheduler's morning run, each follower gets one summary of the complaints filed and
resolved there since the last one; nothing is sent on a quiet day.

Each watch's window is claimed by moving `summarised_until` forward (a compare-and-set), so a second scheduler
or a restart sends nothing twice. The summary shows what the public ticket page shows (number and subject),
never a description or a complainant.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import ColumnElement, and_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import outbox
from bot.core.i18n import BANGKOK
from bot.core.types import Reply
from bot.domain.alerts import claim, one_by_one
from storage.db import Database
from storage.models import (
    AreaWatch,
    Complaint,
    ComplaintCategory,
    ComplaintStatus,
    District,
    Person,
    Province,
    Subdistrict,
)

MAX_WATCHES = 5  # per person: a summary stays readable
MAX_LISTED = 10  # tickets per watch and kind in one summary


@dataclass(frozen=True)
class WatchName:
    watch_id: int
    name_th: str
    name_en: str


@dataclass(frozen=True)
class WatchNews:
    """One watch's part of a summary: ticket numbers and subjects (Thai, English) filed and resolved."""

    watch: WatchName
    filed: tuple[tuple[str, str, str], ...]
    resolved: tuple[tuple[str, str, str], ...]


WatchSummary = Callable[[Sequence[WatchNews]], Sequence[Reply]]


class WatchProblem(ValueError):
    """Already followed, or too many watches."""


async def add_watch(
    session: AsyncSession,
    person: Person,
    *,
    province_id: int,
    now: datetime,
    subdistrict_id: int | None = None,
    category_id: int | None = None,
) -> AreaWatch:
    """Follow a subdistrict (`subdistrict_id`) or a category in a province (`category_id`)."""
    if (subdistrict_id is None) == (category_id is None):
        raise ValueError("a watch is either a subdistrict or a category")
    mine = (await session.scalars(select(AreaWatch).where(AreaWatch.person_id == person.id))).all()
    if any(w.subdistrict_id == subdistrict_id and w.category_id == category_id for w in mine):
        raise WatchProblem("already followed")
    if len(mine) >= MAX_WATCHES:
        raise WatchProblem("too many")
    watch = AreaWatch(
        person_id=person.id,
        province_id=province_id,
        subdistrict_id=subdistrict_id,
        category_id=category_id if subdistrict_id is None else None,
        summarised_until=now,
        created_at=now,
    )
    session.add(watch)
    await session.flush()
    return watch


async def watches_of(session: AsyncSession, person: Person) -> list[WatchName]:
    rows = (
        await session.scalars(select(AreaWatch).where(AreaWatch.person_id == person.id).order_by(AreaWatch.id))
    ).all()
    return [await watch_name(session, w) for w in rows]


async def stop_watch(session: AsyncSession, person: Person, watch_id: int) -> WatchName | None:
    """Stop following; None when the person has no such watch."""
    watch = await session.get(AreaWatch, watch_id)
    if watch is None or watch.person_id != person.id:
        return None
    name = await watch_name(session, watch)
    await session.delete(watch)
    return name


async def watch_name(session: AsyncSession, watch: AreaWatch) -> WatchName:
    province = await session.get(Province, watch.province_id)
    province_th = province.name_th if province else "-"
    province_en = province.name_en if province else "-"
    if watch.subdistrict_id is not None:
        sub = await session.get(Subdistrict, watch.subdistrict_id)
        district = await session.get(District, sub.district_id) if sub else None
        th = f"ต.{sub.name_th if sub else '-'} อ.{district.name_th if district else '-'} จ.{province_th}"
        en = f"{sub.name_th if sub else '-'}, {district.name_th if district else '-'}, {province_en}"
        return WatchName(watch.id, th, en)
    category = await session.get(ComplaintCategory, watch.category_id) if watch.category_id else None
    return WatchName(
        watch.id,
        f"{category.name_th if category else '-'} จ.{province_th}",
        f"{category.name_en if category else '-'}, {province_en}",
    )


# ---------------------------------------------------------------- the daily summary


def summary_cutoff(now: datetime, hour: int) -> datetime:
    """Today's summary time (Bangkok): every window ends there."""
    return datetime.combine(now.astimezone(BANGKOK).date(), time(hour), BANGKOK)


async def send_watch_summaries(db: Database, now: datetime, hour: int, summary: WatchSummary) -> int:
    """Queue today's summary to each follower with news; returns how many were queued."""
    cutoff = summary_cutoff(now, hour)
    async with db.read() as session:
        people = (
            await session.scalars(select(AreaWatch.person_id).where(AreaWatch.summarised_until < cutoff).distinct())
        ).all()
    return await one_by_one(
        db, sorted(people), lambda session, person_id: _summarise_for(session, person_id, cutoff, summary)
    )


async def _summarise_for(session: AsyncSession, person_id: int, cutoff: datetime, summary: WatchSummary) -> int:
    person = await session.get(Person, person_id)
    watches = (
        await session.scalars(
            select(AreaWatch)
            .where(AreaWatch.person_id == person_id, AreaWatch.summarised_until < cutoff)
            .order_by(AreaWatch.id)
        )
    ).all()
    news = []
    for watch in watches:
        since = watch.summarised_until
        update_window = (
            update(AreaWatch)
            .where(AreaWatch.id == watch.id, AreaWatch.summarised_until == since)
            .values(summarised_until=cutoff)
        )
        if not await claim(session, update_window):
            continue
        found = await _news(session, watch, since, cutoff)
        if found.filed or found.resolved:
            news.append(found)
    if person is None or person.deleted_at is not None or not person.is_reachable or not news:
        return 0
    key = f"watch:{person_id}:{cutoff.date().isoformat()}"
    return int(await outbox.enqueue_to(session, person, lambda: summary(news), key=key))


def _in_area(watch: AreaWatch) -> ColumnElement[bool]:
    if watch.subdistrict_id is not None:
        return Complaint.subdistrict_id == watch.subdistrict_id
    return and_(Complaint.province_id == watch.province_id, Complaint.category_id == watch.category_id)


async def _news(session: AsyncSession, watch: AreaWatch, since: datetime, until: datetime) -> WatchNews:
    subjects = {c.id: c for c in await session.scalars(select(ComplaintCategory))}

    def rows(tickets: Sequence[Complaint]) -> tuple[tuple[str, str, str], ...]:
        out = []
        for ticket in tickets:
            category = subjects.get(ticket.category_id or 0)
            out.append((ticket.ticket_no, category.name_th if category else "-", category.name_en if category else "-"))
        return tuple(out)

    base = select(Complaint).where(_in_area(watch)).order_by(Complaint.id).limit(MAX_LISTED)
    filed = (await session.scalars(base.where(Complaint.created_at >= since, Complaint.created_at < until))).all()
    resolved = (
        await session.scalars(
            base.where(
                Complaint.status.in_([ComplaintStatus.RESOLVED.value, ComplaintStatus.CLOSED.value]),
                Complaint.resolved_at >= since,
                Complaint.resolved_at < until,
            )
        )
    ).all()
    return WatchNews(await watch_name(session, watch), rows(filed), rows(resolved))
