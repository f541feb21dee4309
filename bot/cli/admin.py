"""`hpp-bot admin create-secretariat`: make a chat user a secretariat member, national or of one province."""

from __future__ import annotations

import argparse

from bot.cli.common import add_command, add_group, with_database
from bot.core.types import ChannelName
from bot.domain.invites import appoint_secretariat
from bot.domain.places import find_province
from bot.domain.values import BadValue
from bot.settings import Settings
from storage.db import Database


@with_database
async def create_secretariat(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    async with db.write() as session:
        province_id = None
        if args.province:
            province = await find_province(session, args.province)
            if province is None:
                raise BadValue(f"no province {args.province!r}")
            province_id = province.id
        person, created = await appoint_secretariat(session, args.channel, args.user, province_id)
    where = args.province or "the whole country"
    done = "created" if created else "promoted"
    print(f"{done} secretariat member #{person.id} ({args.channel}:{args.user}) for {where}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    admin_sub = add_group(subparsers, "admin", "installation administration")
    secretariat = add_command(
        admin_sub, "create-secretariat", "make a chat user a secretariat member", create_secretariat
    )
    secretariat.add_argument("--channel", required=True, choices=[c.value for c in ChannelName])
    secretariat.add_argument("--user", required=True, help="the platform user id (LINE U..., Telegram numeric id)")
    secretariat.add_argument("--province", help="their province; leave out for the national team")
