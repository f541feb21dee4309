"""`hpp-bot api-key create | revoke`: keys Open311 clients post requests with. The key is printed once; only its
hash is stored. `hpp-bot api-key forget-reporter --phone …` erases what is kept of someone who reported through one."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from bot.cli.common import add_command, add_group, with_database
from bot.domain.apikeys import create_api_key, find_key_by_name, revoke_api_key
from bot.domain.complaints.answers import normalise_phone
from bot.domain.erasure import erase_api_reporter
from bot.domain.places import find_province
from bot.domain.values import BadValue
from bot.settings import Settings
from storage.db import Database


@with_database
async def create(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    name = args.name.strip()
    if not name or len(name) > 100:
        raise BadValue("--name: 1 to 100 characters")
    async with db.write() as session:
        if await find_key_by_name(session, name) is not None:
            raise BadValue(f"an API key named {name!r} exists already")
        province = await find_province(session, args.province) if args.province else None
        if args.province and province is None:
            raise BadValue(f"no province {args.province!r} (Thai name, English name or code, e.g. เชียงราย or CRI)")
        key, secret = await create_api_key(session, name, province, datetime.now(UTC))
    print(f"api key: {secret}")
    print(f"name: {key.name}; posts to: {province.code if province else 'every province'}")
    print("keep it now: it is not stored and cannot be shown again")
    return 0


@with_database
async def revoke(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    async with db.write() as session:
        key = await find_key_by_name(session, args.name.strip())
        if key is None:
            raise BadValue(f"no API key named {args.name!r}")
        await revoke_api_key(session, key, datetime.now(UTC))
    print(f"revoked: {args.name}")
    return 0


@with_database
async def forget_reporter(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    """A PDPA erasure request from someone who reported through Open311, known by the phone number they gave."""
    phone = normalise_phone(args.phone)
    if phone is None:
        raise BadValue("--phone: a Thai phone number, e.g. 081-234-5678")
    async with db.write() as session:
        count = await erase_api_reporter(session, phone)
    print(f"reporter data removed from {count} Open311 requests")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    group = add_group(subparsers, "api-key", "Open311 API keys")
    made = add_command(group, "create", "issue a key (printed once)", create)
    made.add_argument("--name", required=True, help="who the key is for, e.g. a city app")
    made.add_argument("--province", help="the one province it may post to (default: every province)")
    add_command(group, "revoke", "revoke a key by name", revoke).add_argument("--name", required=True)
    forget = add_command(
        group, "forget-reporter", "erase an Open311 reporter's phone and photo address", forget_reporter
    )
    forget.add_argument("--phone", required=True, help="the number they gave with their requests")
