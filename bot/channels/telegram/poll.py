"""Long polling for local development without a public URL: getUpdates into the same inbox as the webhook.

The starting offset comes from the inbox itself (the newest update stored for this bot), so a restart does not
read old updates again; and if it did, the inbox's unique event id would make the re-read harmless.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import select
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TelegramError

from bot.channels.telegram.channel import TelegramChannel, seconds
from bot.channels.telegram.parse import USED_UPDATE_KINDS
from bot.channels.telegram.webhook import receive_update
from bot.core.inbox import Receiving
from bot.core.types import ChannelName
from storage.db import Database
from storage.models import InboxEvent

log = logging.getLogger(__name__)

ALLOWED_UPDATES = USED_UPDATE_KINDS  # the only kinds the bot uses (setWebhook says the same)
ERROR_PAUSE_SECONDS = 5.0


async def stored_offset(db: Database, bot_id: str) -> int | None:
    """The update id after the newest one this bot stored, or None when nothing is stored yet."""
    async with db.read() as session:
        newest = await session.scalar(
            select(InboxEvent.event_id)
            .where(InboxEvent.channel == ChannelName.TELEGRAM.value, InboxEvent.event_id.like(f"{bot_id}:%"))
            .order_by(InboxEvent.id.desc())
            .limit(1)
        )
    if newest is None:
        return None
    return int(newest.split(":", 1)[1]) + 1


async def poll_once(
    services: Receiving, channel: TelegramChannel, offset: int | None, long_poll_seconds: int
) -> int | None:
    """One getUpdates call; every update is stored (or ignored) before the next offset confirms it."""
    updates = await channel.bot.get_updates(
        offset=offset,
        timeout=long_poll_seconds,
        allowed_updates=list(ALLOWED_UPDATES),
        read_timeout=long_poll_seconds + 10,
    )
    for update in updates:
        try:
            # Back to the JSON the webhook receives, so both paths share one parser.
            await receive_update(services, channel, update.to_dict())
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("Telegram poll: skipped an update that could not be read: %s", type(exc).__name__)
        offset = max(offset or 0, update.update_id + 1)
    return offset


async def run_polling(
    services: Receiving, channel: TelegramChannel, stop: asyncio.Event, *, long_poll_seconds: int = 30
) -> None:
    """Poll until `stop` is set. A webhook and getUpdates exclude each other, so the webhook goes first."""
    await channel.bot.delete_webhook()
    offset = await stored_offset(services.inbox.db, channel.bot_id)
    log.info("Telegram: polling for updates (offset %s)", offset)
    while not stop.is_set():
        try:
            offset = await poll_once(services, channel, offset, long_poll_seconds)
        except RetryAfter as exc:
            await _pause(stop, seconds(exc.retry_after))
        except InvalidToken:
            raise
        except (Conflict, NetworkError, TelegramError) as exc:
            log.warning("Telegram poll: %s; trying again in %.0f s", exc, ERROR_PAUSE_SECONDS)
            await _pause(stop, ERROR_PAUSE_SECONDS)


async def _pause(stop: asyncio.Event, wait: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), timeout=wait)
    except TimeoutError:
        return
