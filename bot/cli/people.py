"""Back-office commands for officers and the secretariat:

hpp-bot invite create --role officer --province เชียงราย [--district ...] [--agency CODE-or-id] [--expires 7d]
hpp-bot admin create-secretariat --channel simulator|line|telegram --user ID [--province เชียงราย]
hpp-bot cases escalate
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import format_datetime
from bot.core.types import ChannelName
from bot.domain.escalation import escalate_overdue
from bot.domain.invites import DEFAULT_EXPIRY, INVITE_ROLES, create_invite, invite_links
from bot.domain.places import find_agency, find_district, find_province
from bot.settings import Settings
from handlers import notices
from storage.db import Database
from storage.models import Person, Role

T = TypeVar("T")
_DURATION = re.compile(r"^(\d+)\s*([dhm])$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


class CliError(Exception):
    """A bad argument: printed as one line, exit status 2."""


def parse_duration(text: str) -> timedelta:
    """ "7d", "12h", "30m"."""
    match = _DURATION.match(text.strip().lower())
    if not match or int(match.group(1)) == 0:
        raise CliError(f"not a duration: {text!r} (use e.g. 7d, 12h or 30m)")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def _run(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    async def run() -> T:
        db = Database(settings.database_url)
        try:
            async with db.write() as session:
                return await work(session)
        finally:
            await db.close()

    return asyncio.run(run())


def _fail(error: CliError) -> int:
    print(f"hpp-bot: {error}", file=sys.stderr)
    return 2


# ---------------------------------------------------------------- invite create


async def _invite(session: AsyncSession, args: argparse.Namespace, now: datetime, settings: Settings) -> list[str]:
    province = await find_province(session, args.province)
    if province is None:
        raise CliError(f"no province {args.province!r} (Thai name, English name or code, e.g. เชียงราย or CRI)")
    district = None
    if args.district:
        district = await find_district(session, province.id, args.district)
        if district is None:
            raise CliError(f"no district {args.district!r} in {province.name_th}")
    agency = None
    if args.agency:
        agency = await find_agency(session, province.id, args.agency, district.id if district else None)
        if agency is None:
            raise CliError(f"no agency {args.agency!r} in {province.name_th} (a kind code or an agency id)")
    invite = await create_invite(
        session,
        role=args.role,
        province_id=province.id,
        district_id=district.id if district else None,
        agency_id=agency.id if agency else None,
        expires_at=now + parse_duration(args.expires),
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


def cmd_invite_create(args: argparse.Namespace, settings: Settings) -> int:
    try:
        parse_duration(args.expires)
        lines = _run(settings, lambda session: _invite(session, args, datetime.now(UTC), settings))
    except CliError as error:
        return _fail(error)
    print("\n".join(lines))
    return 0


# ---------------------------------------------------------------- admin create-secretariat


async def _create_secretariat(session: AsyncSession, args: argparse.Namespace) -> str:
    province_id = None
    if args.province:
        province = await find_province(session, args.province)
        if province is None:
            raise CliError(f"no province {args.province!r}")
        province_id = province.id
    person = await session.scalar(
        select(Person).where(Person.channel == args.channel, Person.platform_user_id == args.user)
    )
    created = person is None
    if person is None:
        person = Person(
            channel=args.channel, platform_user_id=args.user, chat_id=args.user, locale="th", is_reachable=True
        )
        session.add(person)
    person.role = Role.SECRETARIAT
    person.province_id, person.district_id, person.agency_id = province_id, None, None
    await session.flush()
    where = args.province or "the whole country"
    done = "created" if created else "promoted"
    return f"{done} secretariat member #{person.id} ({args.channel}:{args.user}) for {where}"


def cmd_create_secretariat(args: argparse.Namespace, settings: Settings) -> int:
    try:
        print(_run(settings, lambda session: _create_secretariat(session, args)))
    except CliError as error:
        return _fail(error)
    return 0


# ---------------------------------------------------------------- cases escalate


def cmd_cases_escalate(args: argparse.Namespace, settings: Settings) -> int:
    async def run() -> str:
        db = Database(settings.database_url)
        try:
            return str(await escalate_overdue(db, datetime.now(UTC), notices.overdue_digest))
        finally:
            await db.close()

    print(f"hpp-bot: {asyncio.run(run())}")
    return 0


# ---------------------------------------------------------------- wiring


def register_cli(subparsers: argparse._SubParsersAction) -> None:
    invite = subparsers.add_parser("invite", help="invite codes for officers and secretariat members")
    invite_sub = invite.add_subparsers(dest="invite_command", required=True)
    create = invite_sub.add_parser("create", help="create a single-use invite code and print it with deep links")
    create.add_argument("--role", choices=INVITE_ROLES, default="officer")
    create.add_argument("--province", required=True, help="Thai or English name, or code (e.g. เชียงราย, CRI)")
    create.add_argument("--district", help="district name within the province (e.g. เมืองเชียงราย)")
    create.add_argument("--agency", help="agency kind code (e.g. natural_resources) or agency id")
    default_days = f"{DEFAULT_EXPIRY.days}d"
    create.add_argument("--expires", default=default_days, help=f"validity, e.g. 7d, 12h (default {default_days})")
    create.set_defaults(func=cmd_invite_create)

    admin = subparsers.add_parser("admin", help="installation administration")
    admin_sub = admin.add_subparsers(dest="admin_command", required=True)
    secretariat = admin_sub.add_parser("create-secretariat", help="make a chat user a secretariat member")
    secretariat.add_argument("--channel", required=True, choices=[c.value for c in ChannelName])
    secretariat.add_argument("--user", required=True, help="the platform user id (LINE U..., Telegram numeric id)")
    secretariat.add_argument("--province", help="their province; leave out for the national team")
    secretariat.set_defaults(func=cmd_create_secretariat)

    cases = subparsers.add_parser("cases", help="complaint handling")
    cases_sub = cases.add_subparsers(dest="cases_command", required=True)
    escalate = cases_sub.add_parser("escalate", help="send today's overdue-ticket digests to the secretariat now")
    escalate.set_defaults(func=cmd_cases_escalate)
