"""`hpp-bot telegram set-webhook | set-commands | poll`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Coroutine
from typing import Any

from telegram import BotCommand
from telegram.error import TelegramError

from bot.channels.telegram.channel import TelegramChannel, make_bot
from bot.channels.telegram.commands import BOT_COMMANDS
from bot.channels.telegram.poll import ALLOWED_UPDATES, run_polling
from bot.cli.common import add_command, add_group, refuse, run_long
from bot.core.i18n import reload_translations, use_locale
from bot.core.types import ChannelName
from bot.settings import Settings

WEBHOOK_PATH = "/webhooks/telegram"
COMMAND_LANGUAGES = ("th", "en")
DEFAULT_COMMAND_LANGUAGE = "th"  # people whose Telegram is in neither language see Thai
NO_TOKEN = "TELEGRAM_BOT_TOKEN is not set"


def _call_api(call: Coroutine[Any, Any, None]) -> bool:
    """Run one Bot API job; a refusal or an unreachable API is one clear line, not a traceback."""
    try:
        asyncio.run(call)
    except TelegramError as exc:
        print(f"hpp-bot: Telegram said no: {exc}", file=sys.stderr)
        return False
    return True


def cmd_set_webhook(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.telegram_enabled:
        return refuse(NO_TOKEN)
    if not settings.public_base_url or settings.telegram_webhook_secret is None:
        return refuse("set PUBLIC_BASE_URL and TELEGRAM_WEBHOOK_SECRET first")
    url = f"{settings.public_base_url}{WEBHOOK_PATH}"
    if not _call_api(set_webhook(settings, url, drop_pending=args.drop_pending)):
        return 1
    print(f"hpp-bot: Telegram webhook set to {url} (updates: {', '.join(ALLOWED_UPDATES)})")
    return 0


async def set_webhook(settings: Settings, url: str, *, drop_pending: bool = False) -> None:
    assert settings.telegram_webhook_secret is not None
    async with make_bot(settings) as bot:
        await bot.set_webhook(
            url,
            secret_token=settings.telegram_webhook_secret.get_secret_value(),
            allowed_updates=list(ALLOWED_UPDATES),
            drop_pending_updates=drop_pending,
        )


def cmd_set_commands(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.telegram_enabled:
        return refuse(NO_TOKEN)
    if not _call_api(set_commands(settings)):
        return 1
    print(f"hpp-bot: Telegram commands set ({', '.join(COMMAND_LANGUAGES)} and the default)")
    return 0


def command_list(locale: str) -> list[BotCommand]:
    with use_locale(locale):
        return [BotCommand(command, str(description)) for command, description in BOT_COMMANDS]


async def set_commands(settings: Settings) -> None:
    reload_translations()
    async with make_bot(settings) as bot:
        for locale in COMMAND_LANGUAGES:
            await bot.set_my_commands(command_list(locale), language_code=locale)
        await bot.set_my_commands(command_list(DEFAULT_COMMAND_LANGUAGE))


def cmd_poll(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.telegram_enabled:
        return refuse(NO_TOKEN)
    print("hpp-bot: polling Telegram (the webhook is removed while polling); Ctrl-C to stop")
    run_long(poll(settings, long_poll_seconds=args.timeout))
    return 0


async def poll(settings: Settings, *, long_poll_seconds: int) -> None:
    from bot.services import running_services

    async with running_services(settings) as (services, stop):
        channel = services.channels.get(ChannelName.TELEGRAM.value)
        assert isinstance(channel, TelegramChannel)
        await run_polling(services, channel, stop, long_poll_seconds=long_poll_seconds)


def register(subparsers: argparse._SubParsersAction) -> None:
    sub = add_group(subparsers, "telegram", "Telegram: set the webhook and commands, or poll locally")
    webhook = add_command(sub, "set-webhook", "point Telegram at PUBLIC_BASE_URL/webhooks/telegram", cmd_set_webhook)
    webhook.add_argument("--drop-pending", action="store_true", help="discard updates Telegram still holds")
    add_command(sub, "set-commands", "publish the command list in Thai and English", cmd_set_commands)
    poll = add_command(sub, "poll", "long polling instead of a webhook (development); runs the workers too", cmd_poll)
    poll.add_argument("--timeout", type=int, default=30, help="seconds each getUpdates call may wait")
