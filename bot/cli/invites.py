"""`hpp-bot invite create`: a single-use invite code for an officer, a secretariat member or a working-group member,
with deep links."""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.common import add_command, add_group, with_database
from bot.core.i18n import format_datetime
from bot.domain.invites import DEFAULT_EXPIRY, INVITE_ROLES, create_invite, invite_links
from bot.domain.places import find_agency, find_district, find_province
from bot.domain.values import BadValue
from bot.settings import Settings
from storage.db import Database
from storage.models import Agency, District, PartnerSector, Province, Role, WorkingGroup

_DURATION = re.compile(r"^(\d+)\s*([dhm])$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


def parse_duration(text: str) -> timedelta:
    """ "7d", "12h", "30m"."""
    match = _DURATION.match(text.strip().lower())
    if not match or int(match.group(1)) == 0:
        raise BadValue(f"not a duration: {text!r} (use e.g. 7d, 12h or 30m)")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


@dataclass(frozen=True)
class _Scope:
    """Where the invited person will work: a province, and within it a district or an agency if given."""

    province: Province
    district: District | None
    agency: Agency | None

    @property
    def names(self) -> str:
        return ", ".join(place.name_th for place in (self.province, self.district, self.agency) if place is not None)


async def _scope(session: AsyncSession, args: argparse.Namespace) -> _Scope:
    province = await find_province(session, args.province)
    if province is None:
        raise BadValue(f"no province {args.province!r} (Thai name, English name or code, e.g. เชียงราย or CRI)")
    district = await find_district(session, province.id, args.district) if args.district else None
    if args.district and district is None:
        raise BadValue(f"no district {args.district!r} in {province.name_th}")
    district_id = district.id if district else None
    agency = await find_agency(session, province.id, args.agency, district_id) if args.agency else None
    if args.agency and agency is None:
        raise BadValue(f"no agency {args.agency!r} in {province.name_th} (a kind code or an agency id)")
    return _Scope(province, district, agency)


async def _sector_id(session: AsyncSession, code: str | None) -> int | None:
    if not code:
        return None
    found = await session.scalar(select(PartnerSector.id).where(PartnerSector.code == code))
    if found is None:
        raise BadValue(f"no partner sector {code!r}")
    return int(found)


async def _working_group_id(session: AsyncSession, args: argparse.Namespace) -> int | None:
    """The working group of a working-group invite (given by --group, with no province); None for other roles."""
    if args.role != Role.WORKING_GROUP:
        if args.group:
            raise BadValue("--group goes with --role working_group only")
        return None
    if args.province or args.district or args.agency:
        raise BadValue("a working-group member has no province: give --group only")
    found = await session.scalar(select(WorkingGroup.id).where(WorkingGroup.code == (args.group or "")))
    if found is None:
        codes = ", ".join((await session.scalars(select(WorkingGroup.code).order_by(WorkingGroup.position))).all())
        raise BadValue(f"give --group, one of {codes}")
    return int(found)


@with_database
async def create(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    expires_at = datetime.now(UTC) + parse_duration(args.expires)
    async with db.write() as session:
        group_id = await _working_group_id(session, args)
        if group_id is None and not args.province:
            raise BadValue("give --province (Thai name, English name or code, e.g. เชียงราย or CRI)")
        scope = await _scope(session, args) if group_id is None else None
        invite = await create_invite(
            session,
            role=args.role,
            province_id=scope.province.id if scope else None,
            district_id=scope.district.id if scope and scope.district else None,
            agency_id=scope.agency.id if scope and scope.agency else None,
            expires_at=expires_at,
            sector_id=await _sector_id(session, args.sector),
            working_group_id=group_id,
        )
    print(f"code: {invite.code}")
    print(f"role: {invite.role} ({scope.names if scope else args.group})")
    print(f"expires: {format_datetime(invite.expires_at, locale='th')}")
    print(f'in chat: send "ลงทะเบียน {invite.code}" (or /register {invite.code}) to the bot')
    for link in invite_links(invite.code, settings):
        print(f"link: {link}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    invite_sub = add_group(subparsers, "invite", "invite codes for officers and secretariat members")
    creating = add_command(invite_sub, "create", "create a single-use invite code and print it with deep links", create)
    creating.add_argument("--role", choices=INVITE_ROLES, default="officer")
    creating.add_argument(
        "--province", help="Thai or English name, or code (e.g. เชียงราย, CRI); not for a working group"
    )
    creating.add_argument("--group", help="the working group of a working_group invite (economy, society_security, …)")
    creating.add_argument("--district", help="district name within the province (e.g. เมืองเชียงราย)")
    creating.add_argument("--agency", help="agency kind code (e.g. natural_resources) or agency id")
    creating.add_argument("--sector", help="the partner sector of who joins, by code (e.g. government)")
    default_days = f"{DEFAULT_EXPIRY.days}d"
    creating.add_argument("--expires", default=default_days, help=f"validity, e.g. 7d, 12h (default {default_days})")
