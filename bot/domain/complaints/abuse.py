"""Spam and abuse checks: a daily limit per person, double submissions, and possible duplicates nearby."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import BANGKOK
from bot.domain.places import haversine_km
from bot.domain.tickets import OPEN_STATUSES
from storage.models import Complaint, Person

DOUBLE_SUBMISSION_WINDOW = timedelta(minutes=10)
DUPLICATE_RADIUS_KM = 0.5
_DEGREES_PER_KM = 1 / 111.0  # a latitude degree is about 111 km: a cheap box before the exact distance


def start_of_day(now: datetime) -> datetime:
    """Midnight of today in Bangkok, in UTC: "per day" is the citizen's calendar day. (UTC because SQLite
    compares the stored UTC times as text, without their offset.)"""
    local = now.astimezone(BANGKOK)
    return datetime.combine(local.date(), time(0), tzinfo=BANGKOK).astimezone(UTC)


async def filed_today(session: AsyncSession, person: Person, now: datetime) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(Complaint)
        .where(Complaint.person_id == person.id, Complaint.created_at >= start_of_day(now))
    )
    return int(count or 0)


async def same_description_recently(
    session: AsyncSession, person: Person, description_hash: str, now: datetime
) -> Complaint | None:
    """The person's ticket with the same description filed in the last few minutes (a double submission)."""
    found: Complaint | None = await session.scalar(
        select(Complaint)
        .where(
            Complaint.person_id == person.id,
            Complaint.description_hash == description_hash,
            Complaint.created_at >= now - DOUBLE_SUBMISSION_WINDOW,
        )
        .order_by(Complaint.id.desc())
        .limit(1)
    )
    return found


async def possible_duplicate(
    session: AsyncSession,
    *,
    province_id: int,
    category_id: int | None,
    agenda_id: int | None,
    latitude: float | None,
    longitude: float | None,
) -> Complaint | None:
    """An open ticket about the same subject within about 500 m, by anyone: the nearest one."""
    if latitude is None or longitude is None or (category_id is None and agenda_id is None):
        return None
    margin = DUPLICATE_RADIUS_KM * _DEGREES_PER_KM * 1.5
    subject = Complaint.category_id == category_id if category_id is not None else Complaint.agenda_id == agenda_id
    candidates = (
        await session.scalars(
            select(Complaint).where(
                Complaint.province_id == province_id,
                subject,
                Complaint.status.in_([str(s) for s in OPEN_STATUSES]),
                Complaint.latitude.between(latitude - margin, latitude + margin),
                Complaint.longitude.between(longitude - margin, longitude + margin),
            )
        )
    ).all()
    near = [
        (haversine_km(latitude, longitude, c.latitude, c.longitude), c.id, c)
        for c in candidates
        if c.latitude is not None and c.longitude is not None
    ]
    near = [item for item in near if item[0] <= DUPLICATE_RADIUS_KM]
    return min(near)[2] if near else None
