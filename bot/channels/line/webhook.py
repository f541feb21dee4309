"""`POST /webhooks/line`: verify the signature over the raw body, store the events, answer 200 at once.

Replies are never sent from here: the inbox worker applies the events and the outbox sender answers, so LINE
gets its 200 within milliseconds and a redelivered event (same webhookEventId) is stored only once.
"""

from __future__ import annotations

import logging

from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.webhook import WebhookParser
from starlette.requests import Request
from starlette.responses import JSONResponse

from bot.channels.line.parse import to_inbounds
from bot.core.inbox import Receiving

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Line-Signature"


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def line_webhook(request: Request) -> JSONResponse:
    services: Receiving = request.app.state.services
    secret = services.settings.line_channel_secret
    if secret is None or not services.settings.line_enabled:
        return _error(503, "LINE channel is not configured")
    signature = request.headers.get(SIGNATURE_HEADER)
    if not signature:
        log.warning("LINE webhook without a signature from %s", request.client.host if request.client else "?")
        return _error(401, "missing signature")
    raw = await request.body()
    try:
        body = raw.decode("utf-8")
    except UnicodeDecodeError:
        return _error(400, "body is not UTF-8")
    parser = WebhookParser(secret.get_secret_value())
    try:
        payload = parser.parse(body, signature, as_payload=True)
    except InvalidSignatureError:
        log.warning("LINE webhook with a wrong signature: nothing stored")
        return _error(401, "invalid signature")
    except (ValueError, KeyError, TypeError, AttributeError) as exc:  # JSON that is not a LINE webhook body
        log.warning("LINE webhook body rejected: %s", type(exc).__name__)
        return _error(400, "not a LINE webhook body")
    inbounds = to_inbounds(payload.events or [])
    stored = await services.inbox.receive(inbounds)
    log.info("LINE webhook: %d events, %d new", len(payload.events or []), stored)
    return JSONResponse({})
