"""`POST /webhooks/telegram`: check the secret token, store the update in the inbox, answer 200 at once.

Telegram sends `X-Telegram-Bot-Api-Secret-Token` with the secret given to setWebhook; without the right one
nothing is stored. The same `receive_update` serves long polling (`hpp-bot telegram poll`). An authentic body that
is not a usable update is answered 200 (Telegram re-sends anything else), counted and not stored.
"""

from __future__ import annotations

import hmac
import logging
from typing import Any

from pydantic import SecretStr
from starlette.requests import Request
from starlette.responses import JSONResponse

from bot.channels.telegram.channel import TelegramChannel, with_press
from bot.channels.telegram.parse import CHANNEL, parse_update
from bot.core.inbox import Receiving
from bot.core.malformed import Malformed, count_dropped, load_json
from bot.core.types import ChannelName

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_warned_no_secret: list[bool] = []


def secret_matches(given: str | None, expected: SecretStr | None) -> bool:
    if expected is None or not expected.get_secret_value():
        if not _warned_no_secret:
            _warned_no_secret.append(True)
            log.warning("Telegram webhook refused: TELEGRAM_WEBHOOK_SECRET is not set (see `hpp-bot telegram`)")
        return False
    if given is None:
        return False
    return hmac.compare_digest(given.encode(), expected.get_secret_value().encode())


async def receive_update(services: Receiving, channel: TelegramChannel, data: Any) -> int:
    """Store one update (once: the inbox is unique on the update id). A button press is answered by the worker
    once the press is applied (`TelegramChannel.after_applied`); a press that stores nothing is answered here.

    Returns how many events were newly stored; an update that is not usable is counted and stores nothing.
    """
    parsed = parse_update(
        data, bot=channel.bot, bot_id=channel.bot_id, max_image_bytes=services.settings.max_image_bytes
    )
    if parsed.inbound is None:
        if parsed.pressed is not None:
            channel.answer_press(parsed.pressed)
        return 0
    inbound = parsed.inbound if parsed.pressed is None else with_press(parsed.inbound, parsed.pressed)
    return await services.inbox.receive([inbound])


async def telegram_webhook(request: Request) -> JSONResponse:
    services: Receiving = request.app.state.services
    channel = services.channels.get(ChannelName.TELEGRAM.value)
    if not isinstance(channel, TelegramChannel):
        return JSONResponse({"error": "Telegram channel is not configured"}, status_code=503)
    if not secret_matches(request.headers.get(SECRET_HEADER), services.settings.telegram_webhook_secret):
        return JSONResponse({"error": "forbidden"}, status_code=403)
    raw = await request.body()  # at most 1 MB: bot/web/body_limit.py refuses more before this reads it
    try:
        data = load_json(raw)
    except Malformed as bad:
        count_dropped(CHANNEL, bad.reason)
        return JSONResponse({"ok": True})
    await receive_update(services, channel, data)
    return JSONResponse({"ok": True})
