"""Staff as the secretariat manages them: who serves where, role changes, and invite codes listed and revoked.

Invites are created in bot/domain/invites.py; a revoked invite simply expires now, so redeeming it answers
"expired" exactly as an old one does.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bot.domain.values import BadValue
from storage.models import Agency, District, Invite, Person, Province, Role

MAX_LISTED = 500
MAX_INVITES = 100
ROLES = (Role.OFFICER.value, Role.SECRETARIAT.value, Role.CITIZEN.value)


@dataclass(frozen=True)
class StaffLine:
    person: Person
    province_th: str | None
    district_th: str | None
    agency_th: str | None
    agency_en: str | None


def _in_province(column: InstrumentedAttribute[int | None], province_id: int | None) -> ColumnElement[bool]:
    return true() if province_id is None else column == province_id


async def staff_of(session: AsyncSession, province_id: int | None) -> Sequence[StaffLine]:
    """Officers and secretariat members of a province (every province: None), secretariat first."""
    rows = await session.execute(
        select(Person, Province.name_th, District.name_th, Agency.name_th, Agency.name_en)
        .outerjoin(Province, Province.id == Person.province_id)
        .outerjoin(District, District.id == Person.district_id)
        .outerjoin(Agency, Agency.id == Person.agency_id)
        .where(
            Person.role.in_([Role.OFFICER.value, Role.SECRETARIAT.value]),
            Person.deleted_at.is_(None),
            _in_province(Person.province_id, province_id),
        )
        .order_by(Person.role.desc(), Province.name_th, Person.display_name, Person.id)
        .limit(MAX_LISTED)
    )
    return [StaffLine(*row) for row in rows.all()]


def change_role(person: Person, role: str, *, agency: Agency | None = None) -> str:
    """Give a staff member another role; returns the old one. A secretariat member serves the whole province,
    so their agency and district go; an officer keeps the agency given (or theirs); someone who leaves the staff
    keeps only their province. A national member (no province) cannot become an officer."""
    if role not in ROLES:
        raise BadValue(f"unknown role {role!r}")
    if role == Role.OFFICER and person.province_id is None:
        raise BadValue("an officer serves a province: this person has none")
    if agency is not None and agency.province_id != person.province_id:
        raise BadValue("the agency is not in the person's province")
    old = person.role
    person.role = role
    if role == Role.OFFICER:
        if agency is not None:
            person.agency_id, person.district_id = agency.id, agency.district_id
    else:
        person.agency_id, person.district_id = None, None
    return old


class InviteState(enum.StrEnum):
    OPEN = "open"
    USED = "used"
    EXPIRED = "expired"


def invite_state(invite: Invite, now: datetime) -> InviteState:
    if invite.used_at is not None:
        return InviteState.USED
    return InviteState.EXPIRED if invite.expires_at <= now else InviteState.OPEN


async def invites_of(session: AsyncSession, province_id: int | None) -> Sequence[Invite]:
    """The newest invite codes of a province (every province: None)."""
    query = select(Invite).where(_in_province(Invite.province_id, province_id))
    return (await session.scalars(query.order_by(Invite.created_at.desc(), Invite.id.desc()).limit(MAX_INVITES))).all()


def revoke_invite(invite: Invite, now: datetime) -> None:
    """An unused code stops working now; a used one cannot be taken back (change the person's role instead)."""
    if invite.used_at is not None:
        raise BadValue("the code has been used")
    invite.expires_at = min(invite.expires_at, now)
