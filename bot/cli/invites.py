"""`hpp-bot invite create`: a single-use invite code for an officer or a secretariat member, with deep links."""

from __future__ import annotations

import argparse
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.common import with_database
from bot.core.i18n import format_datetime
from bot.domain.invites import DEFAULT_EXPIRY, INVITE_ROLES, create_invite, invite_links
from bot.domain.places import find_agency, find_district, find_province
from bot.domain.values import BadValue
from bot.settings import Settings
from storage.db import Database

_DURATION = re.compile(r"^(\d+)\s*([dhm])$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


def parse_duration(text: str) -> timedelta:
    """ "7d", "12h", "30m"."""
    match = _DURATION.match(text.strip().lower())
    if not match or int(match.group(1)) == 0:
        raise BadValue(f"not a duration: {text!r} (use e.g. 7d, 12h or 30m)")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


async def _invite(
    session: AsyncSession, args: argparse.Namespace, expires_at: datetime, settings: Settings
) -> list[str]:
    province = await find_province(session, args.province)
    if province is None:
        raise BadValue(f"no province {args.province!r} (Thai name, English name or code, e.g. เชียงราย or CRI)")
    district = None
    if args.district:
        district = await find_district(session, province.id, args.district)
        if district is None:
            raise BadValue(f"no district {args.district!r} in {province.name_th}")
    agency = None
    if args.agency:
        agency = await find_agency(session, province.id, args.agency, district.id if district else None)
        if agency is None:
            raise BadValue(f"no agency {args.agency!r} in {province.name_th} (a kind code or an agency id)")
    invite = await create_invite(
        session,
        role=args.role,
        province_id=province.id,
        district_id=district.id if district else None,
        agency_id=agency.id if agency else None,
        expires_at=expires_at,
    )
    scope = ", ".join(
        x for x in (province.name_th, district.name_th if district else "", agency.name_th if agency else "") if x
    )
    return [
        f"code: {invite.code}",
        f"role: {invite.role} ({scope})",
        f"expires: {format_datetime(invite.expires_at, locale='th')}",
        f'in chat: send "ลงทะเบียน {invite.code}" (or /register {invite.code}) to the bot',
        *(f"link: {link}" for link in invite_links(invite.code, settings)),
    ]


async def create(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    expires_at = datetime.now(UTC) + parse_duration(args.expires)
    async with db.write() as session:
        lines = await _invite(session, args, expires_at, settings)
    print("\n".join(lines))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    invite = subparsers.add_parser("invite", help="invite codes for officers and secretariat members")
    invite_sub = invite.add_subparsers(dest="invite_command", required=True)
    creating = invite_sub.add_parser("create", help="create a single-use invite code and print it with deep links")
    creating.add_argument("--role", choices=INVITE_ROLES, default="officer")
    creating.add_argument("--province", required=True, help="Thai or English name, or code (e.g. เชียงราย, CRI)")
    creating.add_argument("--district", help="district name within the province (e.g. เมืองเชียงราย)")
    creating.add_argument("--agency", help="agency kind code (e.g. natural_resources) or agency id")
    default_days = f"{DEFAULT_EXPIRY.days}d"
    creating.add_argument("--expires", default=default_days, help=f"validity, e.g. 7d, 12h (default {default_days})")
    creating.set_defaults(func=with_database(create))
