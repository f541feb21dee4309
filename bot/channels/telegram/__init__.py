"""The Telegram channel: webhook (or long polling) into the inbox, outbox rows out through the Bot API.

python-telegram-bot is used for its `Bot` client, its `Update` models and its errors only; conversation state
lives in the database like every other channel's (see the design guide).
"""

from __future__ import annotations

import sys

from starlette.routing import BaseRoute, Route

# httpx (under python-telegram-bot) imports its command-line tool whenever rich, pygments and click happen to be
# installed: 4 MB resident that a server never uses. A None in sys.modules makes that optional import fail, as
# when they are absent; httpx itself is unchanged.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

from bot.channels.telegram.channel import TelegramChannel  # noqa: E402
from bot.channels.telegram.webhook import telegram_webhook  # noqa: E402
from bot.core.kit import ChannelKit  # noqa: E402
from bot.core.types import Channel  # noqa: E402
from bot.settings import Settings  # noqa: E402


def make_channel(settings: Settings, kit: ChannelKit) -> Channel | None:
    """The channel, or None when TELEGRAM_BOT_TOKEN is not set."""
    if not settings.telegram_enabled:
        return None
    return TelegramChannel(settings, kit.media, kit.flags)


def routes() -> list[BaseRoute]:
    return [Route("/webhooks/telegram", telegram_webhook, methods=["POST"])]


__all__ = ["TelegramChannel", "make_channel", "routes"]
