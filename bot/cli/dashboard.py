"""`hpp-bot dashboard link --channel line --user U…`: a one-time sign-in link to the web desk for a secretariat
member or an officer (the first administrator's way in; everyone else asks in chat)."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from sqlalchemy import select

from bot.cli.common import add_command, add_group, refuse, with_database
from bot.domain import signin
from bot.settings import Settings
from storage.db import Database
from storage.models import Person


@with_database
async def link(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    async with db.write() as session:
        person = await session.scalar(
            select(Person).where(Person.channel == args.channel, Person.platform_user_id == args.user)
        )
        if person is None:
            return refuse(f"no one with user id {args.user} on {args.channel}")
        if not signin.may_use_desk(person):
            return refuse(f"{args.user} is neither secretariat nor an officer: the web desk is for staff only")
        token = await signin.new_link(session, person, datetime.now(UTC))
    print(signin.signin_url(settings.public_base_url, token))
    print(f"valid {int(signin.LINK_LIFETIME.total_seconds() // 60)} minutes, once")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    group = add_group(subparsers, "dashboard", "the web desk")
    making = add_command(group, "link", "print a one-time sign-in link to the web desk for a staff member", link)
    making.add_argument("--channel", required=True, help="line, telegram or simulator")
    making.add_argument("--user", required=True, help="the person's user id on that platform")
