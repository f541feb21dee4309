"""The Telegram channel: webhook (or long polling) into the inbox, outbox rows out through the Bot API.

python-telegram-bot is used for its `Bot` client, its `Update` models and its errors only; conversation state
lives in the database like every other channel's (see the design guide).
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.webhook import telegram_webhook
from bot.core.kit import ChannelKit
from bot.core.types import Channel
from bot.settings import Settings


def make_channel(settings: Settings, kit: ChannelKit) -> Channel | None:
    """The channel, or None when TELEGRAM_BOT_TOKEN is not set."""
    if not settings.telegram_enabled:
        return None
    return TelegramChannel(settings, kit.media, kit.flags)


def routes() -> list[BaseRoute]:
    return [Route("/webhooks/telegram", telegram_webhook, methods=["POST"])]


__all__ = ["TelegramChannel", "make_channel", "routes"]
