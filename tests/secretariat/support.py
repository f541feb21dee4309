"""Small builders for the secretariat tests: people with a role and scope, deadlines, reports."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.consents import PROVINCE_NEWS
from storage.db import Database
from storage.models import Agency, Consent, Deadline, FiscalYear, OutboxMessage, Person, ProgrammeStep, Province

_ids = itertools.count(1)


async def province_id(db: Database, name_th: str) -> int:
    async with db.read() as session:
        found = await session.scalar(select(Province.id).where(Province.name_th == name_th))
    assert found is not None
    return int(found)


async def agency_id(db: Database, code: str, province: str) -> int:
    pid = await province_id(db, province)
    async with db.read() as session:
        found = await session.scalar(
            select(Agency.id).where(Agency.code == code, Agency.province_id == pid, Agency.district_id.is_(None))
        )
    assert found is not None
    return int(found)


async def add_person(
    db: Database,
    role: str,
    province: str | None = None,
    *,
    channel: str = "simulator",
    locale: str = "th",
    reachable: bool = True,
    deleted: bool = False,
    agency: str | None = None,
    user: str | None = None,
) -> Person:
    pid = await province_id(db, province) if province else None
    aid = await agency_id(db, agency, province) if agency and province else None
    user = user or f"{role}-t{next(_ids)}"
    person = Person(
        channel=channel,
        platform_user_id=user,
        chat_id=user,
        role=role,
        province_id=pid,
        agency_id=aid,
        locale=locale,
        is_reachable=reachable,
        deleted_at=datetime.now(UTC) if deleted else None,
    )
    async with db.write() as session:
        session.add(person)
    return person


async def add_step_deadline(db: Database, due_on: date, *, province: str | None = None) -> Deadline:
    pid = await province_id(db, province) if province else None
    async with db.write() as session:
        step = await session.scalar(select(ProgrammeStep).where(ProgrammeStep.code == "report_results"))
        year = await session.scalar(select(FiscalYear).where(FiscalYear.year_be == 2570))
        assert step is not None and year is not None
        deadline = Deadline(
            fiscal_year_id=year.id,
            step_id=step.id,
            province_id=pid,
            title_th="ส่งรายงานทดสอบ",
            title_en="Test report",
            due_on=due_on,
        )
        session.add(deadline)
    return deadline


async def outbox_rows(db: Database, prefix: str) -> list[OutboxMessage]:
    async with db.read() as session:
        rows = await session.scalars(
            select(OutboxMessage).where(OutboxMessage.idempotency_key.like(f"{prefix}%")).order_by(OutboxMessage.id)
        )
        return list(rows.all())


async def grant_province_news(session: AsyncSession, users: list[str]) -> None:
    """These people asked for their province's news (a province's citizens get its broadcasts only then)."""
    added = select(Person.id).where(Person.platform_user_id.in_(users))
    rows = [{"person_id": pid, "purpose": PROVINCE_NEWS, "granted": True} for pid in await session.scalars(added)]
    await session.execute(insert(Consent), rows)


async def secretariat_on(db: Database, channel: str, user: str, province: str) -> Person:
    """A provincial secretariat member on a platform who has read the PDPA notice."""
    person = Person(
        channel=channel,
        platform_user_id=user,
        chat_id=user,
        role="secretariat",
        province_id=await province_id(db, province),
        locale="th",
        pdpa_notice_at=datetime.now(UTC),
    )
    async with db.write() as session:
        session.add(person)
    return person


async def proposal_deadline_entered(db: Database) -> int:
    """The national secretariat has entered this fiscal year's proposal deadline; its id."""
    from bot.domain.steps import enter_year_deadline
    from storage.seed import fiscal_year_bounds, fiscal_year_of

    today = datetime.now(UTC).date()
    year = fiscal_year_of(today)
    async with db.write() as session:
        deadline, _created = await enter_year_deadline(
            session, step_code="submit_proposal", year_be=year, due_on=fiscal_year_bounds(year)[1], today=today
        )
        return deadline.id


async def handins(db: Database) -> list[tuple[str, str | None, bytes, str]]:
    """What was handed in: (note, the file's name, its content, its content type)."""
    from storage.models import Media, StepHandIn

    async with db.read() as session:
        rows = await session.execute(
            select(StepHandIn.note, Media.filename, Media.data, Media.content_type).join(
                Media, Media.id == StepHandIn.media_id
            )
        )
        return [tuple(row) for row in rows.all()]  # type: ignore[misc]
