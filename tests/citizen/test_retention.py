"""Retention (issue 16): the PDPA notice promises personal data is kept 5 years after the last ticket is closed,
and now something keeps the promise: the daily scheduler and `hpp-bot db prune` erase those people as "delete
my data" does, their tickets kept on the record without them."""

from __future__ import annotations

import asyncio
import hashlib
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.core.media import add_media
from bot.domain.retention import enforce_retention
from bot.jobs.scheduler import Scheduler
from handlers import notices
from storage.db import Database
from storage.models import Complaint, ComplaintPhoto, ComplaintStatus, Media, Person, PhotoKind, Province, Role
from tests.support.cli import hpp_bot

NOW = datetime.now(UTC)
DESCRIPTION = "ถนนหน้าบ้านเป็นหลุมลึก"
_numbers = itertools.count(1)


def years_ago(years: int, days: int = 0) -> datetime:
    return NOW - timedelta(days=365 * years + years // 4 + days)


@pytest.fixture
async def db(any_database_url: str) -> AsyncIterator[Database]:
    database = Database(any_database_url)
    yield database
    await database.close()


@dataclass
class Past:
    """People and tickets with dates in the past, made straight in the database."""

    db: Database

    async def person(self, name: str, *, role: Role = Role.CITIZEN, last_seen: datetime | None = None) -> Person:
        async with self.db.write() as session:
            person = Person(
                channel="line",
                platform_user_id=f"U-{name}",
                chat_id=f"U-{name}",
                display_name=name,
                phone="0812345678",
                role=role,
                created_at=years_ago(9),
                last_seen_at=last_seen or years_ago(9),
            )
            session.add(person)
        return person

    async def ticket(self, person: Person, status: ComplaintStatus, closed: datetime, *, photo: bool = False) -> int:
        """A ticket whose last change (its closing, for a closed one) was at `closed`; its id."""
        number = next(_numbers)
        async with self.db.write() as session:
            province_id = await session.scalar(select(Province.id).where(Province.code == "CRI"))
            assert province_id is not None
            complaint = Complaint(
                ticket_no=f"CRI-64-{number:05d}",
                person_id=person.id,
                province_id=province_id,
                description=DESCRIPTION,
                description_hash=hashlib.sha256(f"{number}".encode()).hexdigest(),
                contact_mode="phone",
                contact_phone=person.phone,
                channel="line",
                status=status,
                due_on=date(2020, 1, 1),
                created_at=closed - timedelta(days=20),
                updated_at=closed,
            )
            session.add(complaint)
            await session.flush()
            if photo:
                media = await add_media(session, b"jpeg", "image/jpeg", owner_id=person.id)
                session.add(ComplaintPhoto(complaint_id=complaint.id, media_id=media.id, kind=PhotoKind.BEFORE))
            return complaint.id


async def erased(db: Database) -> set[str]:
    """The names of the people erased (the database no longer has them)."""
    async with db.read() as session:
        left = (await session.scalars(select(Person.display_name).where(Person.deleted_at.is_(None)))).all()
    return NAMES - set(left)


NAMES = {
    "closed over five years ago",
    "never filed, gone for years",
    "closed four years ago",
    "one old and one recent ticket",
    "an open ticket",
    "an officer gone for years",
    "closed over five years ago, wrote today",
}


async def a_population(db: Database) -> dict[str, int]:
    """Everyone the rule must tell apart; returns the ticket ids that matter."""
    past = Past(db)
    gone = await past.person("closed over five years ago")
    old_ticket = await past.ticket(gone, ComplaintStatus.RESOLVED, years_ago(5, days=3), photo=True)
    await past.person("never filed, gone for years")
    recent = await past.person("closed four years ago")
    await past.ticket(recent, ComplaintStatus.CLOSED, years_ago(4))
    both = await past.person("one old and one recent ticket")
    await past.ticket(both, ComplaintStatus.REJECTED, years_ago(7))
    await past.ticket(both, ComplaintStatus.RESOLVED, years_ago(2))
    waiting = await past.person("an open ticket")
    await past.ticket(waiting, ComplaintStatus.RESOLVED, years_ago(8))
    await past.ticket(waiting, ComplaintStatus.IN_PROGRESS, years_ago(6))
    await past.person("an officer gone for years", role=Role.OFFICER)
    active = await past.person("closed over five years ago, wrote today", last_seen=NOW - timedelta(hours=2))
    await past.ticket(active, ComplaintStatus.CLOSED, years_ago(6))
    return {"old ticket": old_ticket, **await unowned_photos(db)}


async def unowned_photos(db: Database) -> dict[str, int]:
    """Photos nobody owns: someone's very first message (no person yet), or stored before photos had owners."""
    async with db.write() as session:
        ids = {}
        for name, days in (("unowned, a month old", 31), ("unowned, two days old", 2)):
            media = await add_media(session, name.encode(), "image/jpeg")
            media.created_at = NOW - timedelta(days=days)
            ids[name] = media.id
        return ids


async def test_people_are_erased_five_years_after_their_last_ticket_closed(db: Database) -> None:
    tickets = await a_population(db)

    report = await enforce_retention(db, NOW)

    assert await erased(db) == {"closed over five years ago", "never filed, gone for years"}
    assert (report.people, report.photos) == (2, 1)
    async with db.read() as session:
        kept = await session.get(Complaint, tickets["old ticket"])
        photos = await session.scalars(select(ComplaintPhoto.id).where(ComplaintPhoto.complaint_id == kept.id))
        media = set((await session.scalars(select(Media.id))).all())
    assert kept is not None and (kept.person_id, kept.contact_phone, kept.description) == (None, None, DESCRIPTION)
    assert photos.all() == []  # the closed ticket's photo went with its sender's identity
    assert media == {tickets["unowned, two days old"]}  # the month-old one nobody owns went too
    assert (await enforce_retention(db, NOW)).people == 0  # nobody is erased twice


async def test_the_daily_scheduler_enforces_it(db: Database) -> None:
    await a_population(db)
    scheduler = Scheduler(db, reminder=notices.reminder, digest=notices.overdue_digest, hour=0)

    await scheduler.tick(NOW)

    assert await erased(db) == {"closed over five years ago", "never filed, gone for years"}


def test_hpp_bot_db_prune_enforces_it(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    async def populate() -> None:
        db = Database(sqlite_url)
        try:
            await a_population(db)
        finally:
            await db.close()

    asyncio.run(populate())
    assert hpp_bot(sqlite_url, "db", "prune") == 0
    printed = capsys.readouterr().out
    assert "hpp-bot: 2 people erased 5 years after their last ticket, 1 photos no ticket needs deleted\n" in printed
