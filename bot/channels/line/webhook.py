"""`POST /webhooks/line`: verify the signature over the raw body, store the events, answer 200 at once.

Replies are never sent from here: the inbox worker applies the events and the outbox sender answers, so LINE
gets its 200 within milliseconds and a redelivered event (same webhookEventId) is stored only once. A signed body
that holds no usable event is answered 200 too (LINE would re-send a 4xx or 5xx), counted and not stored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging

from starlette.requests import Request
from starlette.responses import JSONResponse

from bot.channels.line.parse import CHANNEL, parse_body
from bot.core.inbox import Receiving
from bot.core.malformed import Malformed, count_dropped, load_json

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Line-Signature"


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def signature_matches(secret: str, body: bytes, signature: str) -> bool:
    """LINE's HMAC-SHA256 of the raw body, compared in constant time (before the body is even decoded)."""
    expected = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest())
    return hmac.compare_digest(expected, signature.encode("latin-1", "replace"))


async def line_webhook(request: Request) -> JSONResponse:
    services: Receiving = request.app.state.services
    secret = services.settings.line_channel_secret
    if secret is None or not services.settings.line_enabled:
        return _error(503, "LINE channel is not configured")
    signature = request.headers.get(SIGNATURE_HEADER)
    if not signature:
        log.warning("LINE webhook without a signature from %s", request.client.host if request.client else "?")
        return _error(401, "missing signature")
    raw = await request.body()  # at most 1 MB: bot/web/body_limit.py refuses more before this reads it
    if not signature_matches(secret.get_secret_value(), raw, signature):
        log.warning("LINE webhook with a wrong signature: nothing stored")
        return _error(401, "invalid signature")
    try:
        inbounds = parse_body(load_json(raw))
    except Malformed as bad:
        count_dropped(CHANNEL, bad.reason)
        return JSONResponse({})
    stored = await services.inbox.receive(inbounds)
    log.info("LINE webhook: %d usable events, %d new", len(inbounds), stored)
    return JSONResponse({})
