"""Citizens who have already seen the PDPA notice, and tickets made directly with the models (the filing flow
has its own tests), so that these tests start where following, rating and reopening begin."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.core.flow import Ctx, Flow, Outcome, finish
from bot.core.types import Reply
from bot.domain.tickets import change_status
from bot.services import Services
from handlers import notices
from storage.models import Agency, Complaint, ComplaintEvent, ComplaintStatus, Person, Province, Role
from tests.core.conftest import known_person
from tests.support.chat import Chat

# An officer's stand-in, pressed with press_code (no button carries it): "test-set-status:<ticket> <status> <note>".
SET_STATUS = "test-set-status:"


async def chiang_rai(services: Services) -> tuple[int, int]:
    """The id of เชียงราย and of its natural resources office (the agency of the seeded officer)."""
    async with services.db.read() as session:
        province = await session.scalar(select(Province).where(Province.code == "CRI"))
        assert province is not None
        agency = await session.scalar(
            select(Agency).where(Agency.province_id == province.id, Agency.code == "natural_resources")
        )
        assert agency is not None
        return province.id, agency.id


@dataclass
class TicketMaker:
    services: Services
    sequence: int = 41

    async def make(
        self,
        owner: Person | None,
        *,
        status: ComplaintStatus = ComplaintStatus.RECEIVED,
        description: str = "ควันจากการเผาไร่ข้างหมู่บ้านทุกเย็น หายใจไม่สะดวก",
        resolved_days_ago: float | None = None,
        created: datetime | None = None,
        contact_phone: str | None = None,
        **fields: object,
    ) -> Complaint:
        """A ticket with its history: received, then `status` if different."""
        self.sequence += 1
        province_id, agency_id = await chiang_rai(self.services)
        now = datetime.now(UTC)
        created = created or now - timedelta(days=3)
        resolved_at = now - timedelta(days=resolved_days_ago) if resolved_days_ago is not None else None
        async with self.services.db.write() as session:
            complaint = Complaint(
                ticket_no=f"CRI-69-{self.sequence:05d}",
                person_id=owner.id if owner else None,
                province_id=province_id,
                agency_id=agency_id,
                description=description,
                description_hash=hashlib.sha256(description.encode()).hexdigest(),
                contact_mode="phone" if contact_phone else "chat",
                contact_phone=contact_phone,
                channel="simulator",
                status=status,
                due_on=date.today() + timedelta(days=12),
                resolved_at=resolved_at,
                created_at=created,
                updated_at=created,
                **fields,
            )
            session.add(complaint)
            await session.flush()
            session.add(ComplaintEvent(complaint_id=complaint.id, status=ComplaintStatus.RECEIVED, created_at=created))
            if status != ComplaintStatus.RECEIVED:
                session.add(ComplaintEvent(complaint_id=complaint.id, status=status, created_at=resolved_at or now))
        return complaint


@pytest.fixture
def tickets(services: Services) -> TicketMaker:
    return TicketMaker(services)


@pytest.fixture
async def somchai_person(services: Services) -> Person:
    return await known_person(services, "somchai", display_name="สมชาย ใจดี")


@pytest.fixture
def somchai(services: Services, somchai_person: Person) -> Chat:
    return Chat(services, user="somchai")


@pytest.fixture
async def officer(services: Services) -> AsyncIterator[Chat]:
    """An officer of the ticket's agency with a stand-in for the officers' flow: one button changes a status
    through `change_status`, so the notification travels the real path (engine, outbox, channel)."""
    _province_id, agency_id = await chiang_rai(services)
    await known_person(services, "officer-cr", role=Role.OFFICER, agency_id=agency_id, display_name="สมศรี")

    async def enter(ctx: Ctx) -> Outcome:
        ticket_no, status, note = [*ctx.args.split(" ", 2), "", ""][:3]
        complaint = await ctx.session.scalar(select(Complaint).where(Complaint.ticket_no == ticket_no))
        assert complaint is not None
        tell = notices.tell_complainant(ctx.notify)
        await change_status(
            ctx.session, complaint, ComplaintStatus(status), now=ctx.now, tell=tell, note=note or None, actor=ctx.person
        )
        return finish(Reply("done"), menu=False)

    services.registry.add_flow(Flow(name="test_set_status", enter=enter, steps={}))
    services.registry.add_code_prefix(SET_STATUS, "test_set_status")
    yield Chat(services, user="officer-cr")
