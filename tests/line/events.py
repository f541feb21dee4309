"""LINE webhook bodies as LINE sends them, signed with the channel secret."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import time
from typing import Any

SECRET = "test-channel-secret"
TOKEN = "test-access-token"
_ids = itertools.count(1)


def sign(body: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def body_of(*events: dict[str, Any]) -> bytes:
    return json.dumps({"destination": "Ubot", "events": list(events)}, ensure_ascii=False).encode()


def _base(
    kind: str,
    user: str,
    *,
    event_id: str | None = None,
    reply_token: str | None = "auto",
    group: str | None = None,
    redelivery: bool = False,
    timestamp_ms: int | None = None,
) -> dict[str, Any]:
    number = next(_ids)
    source: dict[str, Any] = {"type": "user", "userId": user}
    if group is not None:
        source = {"type": "group", "groupId": group, "userId": user}
    event: dict[str, Any] = {
        "type": kind,
        "mode": "active",
        "timestamp": timestamp_ms if timestamp_ms is not None else int(time.time() * 1000),
        "source": source,
        "webhookEventId": event_id or f"01HPPTEST{number:08d}",
        "deliveryContext": {"isRedelivery": redelivery},
    }
    if reply_token is not None:
        event["replyToken"] = f"rt-{number}" if reply_token == "auto" else reply_token
    return event


def text(user: str, words: str, **options: Any) -> dict[str, Any]:
    event = _base("message", user, **options)
    event["message"] = {"type": "text", "id": str(next(_ids)), "quoteToken": "q", "text": words}
    return event


def postback(user: str, data: str, **options: Any) -> dict[str, Any]:
    event = _base("postback", user, **options)
    event["postback"] = {"data": data}
    return event


def follow(user: str, **options: Any) -> dict[str, Any]:
    event = _base("follow", user, **options)
    event["follow"] = {"isUnblocked": False}
    return event


def unfollow(user: str, **options: Any) -> dict[str, Any]:
    return _base("unfollow", user, reply_token=None, **options)


def image(user: str, message_id: str, **options: Any) -> dict[str, Any]:
    event = _base("message", user, **options)
    event["message"] = {"type": "image", "id": message_id, "quoteToken": "q", "contentProvider": {"type": "line"}}
    return event


def location(user: str, latitude: float, longitude: float, **options: Any) -> dict[str, Any]:
    event = _base("message", user, **options)
    event["message"] = {
        "type": "location",
        "id": str(next(_ids)),
        "latitude": latitude,
        "longitude": longitude,
        "address": "ศาลากลางจังหวัดเชียงราย",
    }
    return event


def sticker(user: str, **options: Any) -> dict[str, Any]:
    event = _base("message", user, **options)
    event["message"] = {
        "type": "sticker",
        "id": str(next(_ids)),
        "quoteToken": "q",
        "packageId": "1",
        "stickerId": "1",
        "stickerResourceType": "STATIC",
    }
    return event
