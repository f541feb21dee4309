"""`hpp-bot line setup-richmenu` and `hpp-bot line check`."""

from __future__ import annotations

import argparse
import asyncio

from sqlalchemy import select

from bot.channels.line.channel import LineChannel, LineError
from bot.cli.common import add_command, add_group, open_database
from bot.settings import Settings
from handlers import build_registry
from storage.models import Person


def _channel(settings: Settings) -> LineChannel | None:
    if not settings.line_enabled:
        print("hpp-bot: LINE is off: set LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN")
        return None
    return LineChannel(settings)


async def officer_line_ids(settings: Settings) -> list[str]:
    async with open_database(settings) as db, db.read() as session:
        rows = await session.scalars(
            select(Person.platform_user_id).where(
                Person.channel == "line", Person.role == "officer", Person.deleted_at.is_(None)
            )
        )
        return list(rows)


async def run_setup(settings: Settings, *, regenerate: bool = False, link_officers: bool = True) -> int:
    channel = _channel(settings)
    if channel is None:
        return 2
    from bot.channels.line.richmenu import setup_rich_menus  # Pillow draws the menus: not loaded by `serve`

    officers = await officer_line_ids(settings) if link_officers else []
    try:
        menus = build_registry().persistent_menus
        installed = await setup_rich_menus(channel, menus, officers, regenerate=regenerate)
    except LineError as error:
        print(f"hpp-bot: LINE refused the rich menu: {error}")
        return 1
    finally:
        await channel.close()
    for alias, menu_id in installed.items():
        print(f"rich menu {alias}: {menu_id}")
    print(f"citizens' menu is the default; officers' menu linked to {len(officers)} officer(s)")
    return 0


async def run_check(settings: Settings) -> int:
    channel = _channel(settings)
    if channel is None:
        return 2
    try:
        info = await channel.call(lambda: channel.api.get_bot_info())
        endpoint = await channel.call(lambda: channel.api.get_webhook_endpoint())
    except LineError as error:
        print(f"hpp-bot: LINE did not accept the access token or could not be reached: {error}")
        return 1
    finally:
        await channel.close()
    print(f"bot: {info.display_name} ({info.basic_id})")
    state = "active" if endpoint.active else "NOT active"
    print(f"webhook endpoint at LINE: {endpoint.endpoint} ({state})")
    if settings.public_base_url and endpoint.endpoint != f"{settings.public_base_url}/webhooks/line":
        print(f"note: this deployment expects {settings.public_base_url}/webhooks/line")
    return 0


def cmd_setup_richmenu(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(run_setup(settings, regenerate=args.regenerate, link_officers=not args.no_link))


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(run_check(settings))


def register(subparsers: argparse._SubParsersAction) -> None:
    sub = add_group(subparsers, "line", "LINE channel: rich menus, token check")
    setup = add_command(
        sub, "setup-richmenu", "create the citizens' and officers' rich menus and link them", cmd_setup_richmenu
    )
    setup.add_argument("--regenerate", action="store_true", help="draw the menu pictures instead of the shipped ones")
    setup.add_argument("--no-link", action="store_true", help="do not link the officers' menu to officers")
    add_command(sub, "check", "verify the access token; print the bot's name and webhook endpoint", cmd_check)
