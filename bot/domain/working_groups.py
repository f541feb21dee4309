"""The working groups (คณะทำงาน) that advise provinces: a member sees the agendas their group follows and the KPI
progress of those agendas, and leaves advice on a KPI, which the province's secretariat is told of and sees on
the KPI card.

Which provinces a group advises comes from the data: the provinces of the active agendas whose
`working_group_id` is the group (set by the seed, the import or `hpp-bot agenda`), never a list kept apart.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.refusals import Refused
from storage.models import Agenda, Kpi, KpiAdvice, Person, Province, Role, WorkingGroup

ADVICE_MAX = 800
MAX_LISTED = 12


class AdviceProblem(enum.StrEnum):
    NOT_ADVISED = "not_advised"  # the KPI's agenda is not one the person's group follows
    EMPTY = "empty"
    TOO_LONG = "too_long"


class AdviceRefused(Refused[AdviceProblem]):
    """A refused advice: nothing was stored."""


def is_member(person: Person) -> bool:
    return person.role == Role.WORKING_GROUP and person.deleted_at is None and person.working_group_id is not None


async def advised_provinces(session: AsyncSession, person: Person) -> Sequence[Province]:
    """The provinces whose active agendas the person's working group follows, by name."""
    if not is_member(person):
        return []
    followed = select(Agenda.province_id).where(
        Agenda.working_group_id == person.working_group_id, Agenda.is_active.is_(True)
    )
    return (await session.scalars(select(Province).where(Province.id.in_(followed)).order_by(Province.name_th))).all()


async def advised_agendas(session: AsyncSession, person: Person, province_id: int) -> Sequence[Agenda]:
    """The active agendas of a province that the person's working group follows."""
    if not is_member(person):
        return []
    return (
        await session.scalars(
            select(Agenda)
            .where(
                Agenda.province_id == province_id,
                Agenda.working_group_id == person.working_group_id,
                Agenda.is_active.is_(True),
            )
            .order_by(Agenda.id)
            .limit(MAX_LISTED)
        )
    ).all()


async def advises(session: AsyncSession, person: Person, kpi: Kpi) -> Agenda | None:
    """The KPI's agenda when the person's working group follows it, else None."""
    agenda = await session.get(Agenda, kpi.agenda_id)
    if agenda is None or not is_member(person) or not agenda.is_active:
        return None
    return agenda if agenda.working_group_id == person.working_group_id else None


async def give_advice(session: AsyncSession, person: Person, kpi: Kpi, text: str) -> KpiAdvice:
    """Keep a working-group member's advice on a KPI; a refusal stores nothing."""
    if await advises(session, person, kpi) is None:
        raise AdviceRefused(AdviceProblem.NOT_ADVISED)
    cleaned = text.strip()
    if not cleaned:
        raise AdviceRefused(AdviceProblem.EMPTY)
    if len(cleaned) > ADVICE_MAX:
        raise AdviceRefused(AdviceProblem.TOO_LONG)
    advice = KpiAdvice(kpi_id=kpi.id, working_group_id=person.working_group_id, author_id=person.id, text=cleaned)
    session.add(advice)
    await session.flush()
    return advice


async def secretariat_of(session: AsyncSession, province_id: int) -> Sequence[Person]:
    """The province's own secretariat members who can be reached (they are told of advice)."""
    return (
        await session.scalars(
            select(Person)
            .where(
                Person.role == Role.SECRETARIAT.value,
                Person.province_id == province_id,
                Person.deleted_at.is_(None),
                Person.is_reachable.is_(True),
            )
            .order_by(Person.id)
        )
    ).all()


async def latest_advice(session: AsyncSession, kpi_id: int) -> tuple[KpiAdvice, WorkingGroup | None] | None:
    """The newest advice on a KPI and the group it came from."""
    row = (
        await session.execute(
            select(KpiAdvice, WorkingGroup)
            .outerjoin(WorkingGroup, WorkingGroup.id == KpiAdvice.working_group_id)
            .where(KpiAdvice.kpi_id == kpi_id)
            .order_by(KpiAdvice.created_at.desc(), KpiAdvice.id.desc())
            .limit(1)
        )
    ).first()
    return (row[0], row[1]) if row is not None else None


async def group_named(session: AsyncSession, code: str) -> WorkingGroup | None:
    return await session.scalar(select(WorkingGroup).where(WorkingGroup.code == code))
