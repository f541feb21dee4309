"""The real app (workers on) for the desk's tests, a browser-like HTTP client with its cookies, and builders of
complaints and sign-in links."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import httpx
from sqlalchemy import func, select
from starlette.applications import Starlette

from bot.app import create_app
from bot.domain import signin
from bot.services import Services
from storage.models import Agenda, AuditEntry, Complaint, Kpi, OutboxMessage, Person, Province
from tests.conftest import make_settings
from tests.web.conftest import SimulatorClient, have_read_the_privacy_notice

CSRF = re.compile(r'name="csrf" value="([0-9a-f]{64})"')


@dataclass
class DeskClient:
    http: httpx.AsyncClient
    app: Starlette

    @property
    def services(self) -> Services:
        services: Services = self.app.state.services
        return services

    @property
    def simulator(self) -> SimulatorClient:
        return SimulatorClient(self.http, self.app)

    async def person(self, user: str) -> Person:
        async with self.services.db.read() as session:
            found = await session.scalar(select(Person).where(Person.platform_user_id == user))
        assert found is not None
        return found

    async def link_for(self, user: str, *, made: datetime | None = None) -> str:
        person = await self.person(user)
        async with self.services.db.write() as session:
            return await signin.new_link(session, person, made or datetime.now(UTC))

    async def staff(self, user: str, *, role: str = "secretariat", province: str | None = None) -> Person:
        """A staff member on the simulator: of `province` (Thai name), or the national team without one."""
        async with self.services.db.write() as session:
            province_id = await session.scalar(select(Province.id).where(Province.name_th == province))
            person = Person(
                channel="simulator",
                platform_user_id=user,
                chat_id=user,
                display_name=f"{user} ทดสอบ",
                role=role,
                province_id=province_id,
                pdpa_notice_at=datetime.now(UTC),
            )
            session.add(person)
        return person

    async def audited(self, action: str) -> list[AuditEntry]:
        async with self.services.db.read() as session:
            return list((await session.scalars(select(AuditEntry).where(AuditEntry.action == action))).all())

    async def sign_in(self, user: str) -> httpx.Response:
        token = await self.link_for(user)
        return await self.http.post(f"/desk/signin/{token}")

    async def csrf(self, path: str = "/desk/") -> str:
        found = CSRF.search((await self.http.get(path)).text)
        assert found is not None, "no CSRF token on the page"
        return found.group(1)

    async def complaint(
        self, number: int, province: str, *, agency_id: int | None = None, user: str = "citizen-1"
    ) -> Complaint:
        citizen = await self.person(user)
        async with self.services.db.write() as session:
            province_row = await session.scalar(select(Province).where(Province.name_th == province))
            assert province_row is not None
            complaint = Complaint(
                ticket_no=f"{province_row.code}-69-{number:05d}",
                person_id=citizen.id,
                province_id=province_row.id,
                agency_id=agency_id,
                description="ถนนหน้าโรงเรียนเป็นหลุมลึก รถล้มบ่อย",
                description_hash=f"desk-{number}",
                channel="simulator",
                status="received",
                due_on=date.today() + timedelta(days=15),
            )
            session.add(complaint)
        return complaint

    async def counts(self) -> tuple[int, int]:
        """Outbox rows and audit entries."""
        async with self.services.db.read() as session:
            outbox = await session.scalar(select(func.count()).select_from(OutboxMessage))
            audit = await session.scalar(select(func.count()).select_from(AuditEntry))
        return int(outbox or 0), int(audit or 0)

    async def status_of(self, complaint_id: int) -> str:
        async with self.services.db.read() as session:
            found = await session.get(Complaint, complaint_id)
        assert found is not None
        return found.status


async def desk_client(url: str, **settings: object) -> AsyncIterator[DeskClient]:
    app = create_app(make_settings(url, **settings), run_workers=True)
    async with app.router.lifespan_context(app):
        await have_read_the_privacy_notice(app.state.services, "citizen-1", "officer-1")
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://desk.test") as http:
            yield DeskClient(http, app)


async def owed_monthly_kpi(services: Services) -> Kpi:
    """A Chiang Rai KPI reported monthly by the 5th, owned by officer-1's agency; no report yet."""
    async with services.db.write() as session:
        officer = await session.scalar(select(Person).where(Person.platform_user_id == "officer-1"))
        assert officer is not None
        kpi = await session.scalar(
            select(Kpi)
            .join(Agenda, Agenda.id == Kpi.agenda_id)
            .join(Province, Province.id == Agenda.province_id)
            .where(Province.name_th == "เชียงราย", Agenda.is_active.is_(True))
            .order_by(Kpi.id)
            .limit(1)
        )
        assert kpi is not None
        kpi.reporting_cycle, kpi.reporting_day = "monthly", 5
        agenda = await session.get(Agenda, kpi.agenda_id)
        assert agenda is not None
        agenda.owner_agency_id = officer.agency_id
    return kpi
