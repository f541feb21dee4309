"""Test helpers for the officers' stories: people, invites, KPIs and complaints written straight to the
database (the citizens' filing flow is tested elsewhere)."""

from __future__ import annotations

import hashlib
import itertools
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from bot.core.types import Reply
from storage.db import Database
from storage.models import (
    Agency,
    Agenda,
    Complaint,
    ComplaintCategory,
    District,
    Invite,
    Kpi,
    OutboxMessage,
    Person,
    Province,
)

CHIANG_RAI = "เชียงราย"
_ticket_numbers = itertools.count(1)


def now() -> datetime:
    return datetime.now(UTC)


async def province_id(db: Database, name: str = CHIANG_RAI) -> int:
    async with db.read() as session:
        found = await session.scalar(select(Province.id).where(Province.name_th == name))
    assert found is not None, name
    return found


async def district_id(db: Database, province: str, name: str) -> int:
    async with db.read() as session:
        found = await session.scalar(
            select(District.id)
            .join(Province, District.province_id == Province.id)
            .where(Province.name_th == province, District.name_th == name)
        )
    assert found is not None, name
    return found


async def agency_id(db: Database, code: str, province: str = CHIANG_RAI, district: str | None = None) -> int:
    pid = await province_id(db, province)
    did = await district_id(db, province, district) if district else None
    async with db.read() as session:
        query = select(Agency.id).where(Agency.code == code, Agency.province_id == pid)
        query = query.where(Agency.district_id == did if did else Agency.district_id.is_(None))
        found = await session.scalar(query)
    assert found is not None, code
    return found


async def person(db: Database, user: str) -> Person:
    async with db.read() as session:
        found = await session.scalar(
            select(Person).where(Person.channel == "simulator", Person.platform_user_id == user)
        )
    assert found is not None, user
    return found


async def make_person(
    db: Database,
    user: str,
    *,
    role: str = "citizen",
    province: str | None = None,
    agency: int | None = None,
    district: int | None = None,
) -> int:
    """A simulator person who has already seen the privacy notice (or that mark added to a seeded person)."""
    pid = await province_id(db, province) if province else None
    async with db.write() as session:
        found = await session.scalar(
            select(Person).where(Person.channel == "simulator", Person.platform_user_id == user)
        )
        if found is None:
            found = Person(
                channel="simulator",
                platform_user_id=user,
                chat_id=user,
                locale="th",
                role=role,
                province_id=pid,
                agency_id=agency,
                district_id=district,
                is_reachable=True,
            )
            session.add(found)
        found.pdpa_notice_at = now()
        await session.flush()
        return found.id


async def mark_notice_seen(db: Database, *users: str) -> None:
    """Seeded people have not seen the privacy notice; these stories start after it."""
    async with db.write() as session:
        for user in users:
            found = await session.scalar(
                select(Person).where(Person.channel == "simulator", Person.platform_user_id == user)
            )
            assert found is not None, user
            found.pdpa_notice_at = now()


async def invite_row(db: Database, code: str) -> Invite:
    async with db.read() as session:
        found = await session.scalar(select(Invite).where(Invite.code == code))
    assert found is not None
    return found


async def chiang_rai_agenda(db: Database) -> int:
    pid = await province_id(db)
    async with db.read() as session:
        found = await session.scalar(select(Agenda.id).where(Agenda.province_id == pid))
    assert found is not None
    return found


async def add_kpi(
    db: Database,
    *,
    name: str,
    kind: str = "level",
    unit: str = "number",
    stages: int | None = None,
    baseline: float | None = None,
    target: float | None = None,
    higher_is_better: bool = True,
    cycle: str = "none",
    day: int | None = None,
    province: str = CHIANG_RAI,
) -> int:
    pid = await province_id(db, province)
    async with db.write() as session:
        agenda_id = await session.scalar(select(Agenda.id).where(Agenda.province_id == pid))
        assert agenda_id is not None
        kpi = Kpi(
            agenda_id=agenda_id,
            name_th=name,
            name_en=name,
            kind=kind,
            unit=unit,
            stages=stages,
            baseline=baseline,
            target=target,
            higher_is_better=higher_is_better,
            reporting_cycle=cycle,
            reporting_day=day,
        )
        session.add(kpi)
        await session.flush()
        return kpi.id


async def kpi(db: Database, kpi_id: int) -> Kpi:
    async with db.read() as session:
        found = await session.get(Kpi, kpi_id)
    assert found is not None
    return found


async def kpi_named(db: Database, name_th: str) -> Kpi:
    async with db.read() as session:
        found = await session.scalar(select(Kpi).where(Kpi.name_th == name_th))
    assert found is not None
    return found


async def make_complaint(
    db: Database,
    *,
    citizen: str,
    agency: int | None,
    province: str = CHIANG_RAI,
    district: int | None = None,
    due_on: date | None = None,
    created: datetime | None = None,
    status: str = "received",
) -> str:
    """A filed complaint, as the filing flow leaves it; returns its ticket number."""
    pid = await province_id(db, province)
    citizen_id = await make_person(db, citizen)
    number = next(_ticket_numbers)
    async with db.write() as session:
        code = await session.scalar(select(Province.code).where(Province.id == pid))
        category = await session.scalar(select(ComplaintCategory.id).where(ComplaintCategory.code == "air"))
        ticket_no = f"{code}-69-{number:05d}"
        text = f"ควันไฟป่าหนาแน่นมาก เรื่องที่ {number}"
        session.add(
            Complaint(
                ticket_no=ticket_no,
                person_id=citizen_id,
                province_id=pid,
                district_id=district,
                category_id=category,
                agency_id=agency,
                description=text,
                description_hash=hashlib.sha256(text.encode()).hexdigest(),
                channel="simulator",
                status=status,
                due_on=due_on or (date.today() + timedelta(days=15)),
                created_at=created or now(),
                updated_at=created or now(),
            )
        )
    return ticket_no


async def complaint(db: Database, ticket_no: str) -> Complaint:
    async with db.read() as session:
        found = await session.scalar(select(Complaint).where(Complaint.ticket_no == ticket_no))
    assert found is not None
    return found


async def outbox_rows(db: Database, prefix: str) -> list[OutboxMessage]:
    async with db.read() as session:
        rows = await session.scalars(
            select(OutboxMessage).where(OutboxMessage.idempotency_key.like(f"{prefix}%")).order_by(OutboxMessage.id)
        )
        return list(rows)


def joined(replies: list[Reply]) -> str:
    """Every text, card title and card field of some replies, for `in` checks."""
    parts: list[str] = []
    for reply in replies:
        parts.append(reply.text)
        if reply.card is not None:
            parts.append(reply.card.title)
            parts.extend(f"{f.label}: {f.value}" for f in reply.card.fields)
    return "\n".join(parts)


def codes_of(replies: list[Reply]) -> list[str]:
    return [choice.code for reply in replies for choice in reply.choices]


def labels_of(replies: list[Reply]) -> list[str]:
    return [choice.label for reply in replies for choice in reply.choices]
