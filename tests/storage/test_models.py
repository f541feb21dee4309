"""Model round trips and the unique and foreign-key constraints the app relies on."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from storage.db import Database
from storage.models import (
    Agenda,
    Conversation,
    FiscalYear,
    InboxEvent,
    Person,
    Province,
    Role,
    TicketSequence,
)


def _uid(prefix: str) -> str:
    """A unique id, so tests can share one database."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


async def _province(db: Database) -> int:
    """A province id (inserting a test province when the database is not seeded)."""
    code = uuid.uuid4().hex[:3].upper()
    async with db.write() as session:
        found = await session.scalar(select(Province.id).limit(1))
        if found is not None:
            return found
        province = Province(code=code, name_th=_uid("จังหวัด"), name_en="Test")
        session.add(province)
        await session.flush()
        return province.id


async def test_person_round_trip(database: Database) -> None:
    """A person keeps its fields, gets the column defaults and a creation time."""
    user = _uid("U")
    async with database.write() as session:
        session.add(Person(channel="line", platform_user_id=user, chat_id=user, display_name="ทดสอบ"))
    async with database.read() as session:
        person = (await session.execute(select(Person).where(Person.platform_user_id == user))).scalar_one()
    assert person.id > 0 and person.display_name == "ทดสอบ"
    assert person.locale == "th" and person.role == Role.CITIZEN and person.is_reachable
    assert person.created_at is not None and person.deleted_at is None


async def test_person_unique_per_channel(database: Database) -> None:
    """(channel, platform_user_id) is unique; the same id on another channel is a different person."""
    user = _uid("U")
    async with database.write() as session:
        session.add(Person(channel="line", platform_user_id=user, chat_id=user))
        session.add(Person(channel="telegram", platform_user_id=user, chat_id=user))
    with pytest.raises(IntegrityError):
        async with database.write() as session:
            session.add(Person(channel="line", platform_user_id=user, chat_id="other"))
    async with database.read() as session:
        rows = (await session.execute(select(Person.channel).where(Person.platform_user_id == user))).scalars()
        assert sorted(rows) == ["line", "telegram"]


async def test_inbox_unique_event(database: Database) -> None:
    """An inbox event is stored once per (channel, event_id); its JSON payload survives the round trip."""
    event_id = _uid("E")
    payload = {"text": "สวัสดี", "nested": {"n": [1, 2, 3]}, "ok": True}
    async with database.write() as session:
        session.add(InboxEvent(channel="line", event_id=event_id, chat_key="line:U1", payload=payload))
        session.add(InboxEvent(channel="telegram", event_id=event_id, chat_key="telegram:1", payload={}))
    with pytest.raises(IntegrityError):
        async with database.write() as session:
            session.add(InboxEvent(channel="line", event_id=event_id, chat_key="line:U1", payload={}))
    async with database.read() as session:
        query = select(InboxEvent).where(InboxEvent.channel == "line", InboxEvent.event_id == event_id)
        event = (await session.execute(query)).scalar_one()
    assert event.payload == payload and event.status == "pending" and event.attempts == 0


async def test_conversation_unique_and_json(database: Database) -> None:
    """One conversation per (channel, user) with its JSON data."""
    user = _uid("U")
    async with database.write() as session:
        session.add(Conversation(channel="line", user_id=user, flow="complaint", data={"step": 1}))
    with pytest.raises(IntegrityError):
        async with database.write() as session:
            session.add(Conversation(channel="line", user_id=user))
    async with database.read() as session:
        conversation = (await session.execute(select(Conversation).where(Conversation.user_id == user))).scalar_one()
    assert conversation.data == {"step": 1} and conversation.version == 0


async def test_ticket_sequence_composite_key(database: Database) -> None:
    """A ticket sequence is keyed by province and Buddhist year."""
    province_id = await _province(database)
    year = 3000 + uuid.uuid4().int % 1000
    async with database.write() as session:
        session.add(TicketSequence(province_id=province_id, year_be=year, last_no=41))
    with pytest.raises(IntegrityError):
        async with database.write() as session:
            session.add(TicketSequence(province_id=province_id, year_be=year))
    async with database.read() as session:
        sequence = await session.get(TicketSequence, (province_id, year))
    assert sequence is not None and sequence.last_no == 41


async def test_foreign_keys_enforced(database: Database) -> None:
    """A row pointing at a missing province is refused on both backends."""
    with pytest.raises(IntegrityError):
        async with database.write() as session:
            session.add(Agenda(province_id=987_654, title_th="ไม่มีจังหวัด"))


async def test_dates_round_trip(database: Database) -> None:
    """Dates come back as `date` objects."""
    year = 5000 + uuid.uuid4().int % 1000
    async with database.write() as session:
        session.add(FiscalYear(year_be=year, starts_on=date(2030, 10, 1), ends_on=date(2031, 9, 30)))
    async with database.read() as session:
        found = (await session.execute(select(FiscalYear).where(FiscalYear.year_be == year))).scalar_one()
    assert found.starts_on == date(2030, 10, 1) and isinstance(found.ends_on, date)
