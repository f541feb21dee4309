"""The last check a parsed event passes before the inbox: every field of the right type and size, every text valid
Unicode. Whatever a platform's body held, what is stored can be applied (and written to any database).
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime
from typing import Any

from bot.core.documents import DOCUMENT_ID
from bot.core.malformed import Malformed
from bot.core.types import Inbound, InboundKind, Location

MAX_ID = 100  # platform user and chat ids (people.platform_user_id is 100 characters)
MAX_EVENT_ID = 120  # inbox_events.event_id
MAX_NAME = 200  # people.display_name
MAX_CHOICE = 300  # LINE's postback data; Telegram's callback data is shorter (64 bytes)
MAX_SHORT = 300  # a place's title or address, an image reference, a reply token, a locale hint
_UNSAFE = str.maketrans({"\x00": None})  # PostgreSQL text and JSON refuse NUL


def valid_text(text: str, limit: int) -> str:
    """`text` as valid Unicode (a lone surrogate becomes U+FFFD, NUL is dropped), cut to `limit` characters."""
    text = text[: limit * 2]  # a 10 MB text is not copied whole; each surrogate half is one character
    cleaned = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace").translate(_UNSAFE)
    return cleaned[:limit]


def _text(value: Any, limit: int, field: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise Malformed(f"{field} is not text")
    return valid_text(value, limit)


def _exact(value: Any, limit: int, field: str) -> str:
    """An id is used as given or not at all: never cut nor repaired, which could make it someone else's."""
    if not isinstance(value, str) or not value or len(value) > limit or valid_text(value, limit) != value:
        raise Malformed(f"{field} is not a usable id")
    return value


def _location(value: Any) -> Location | None:
    if value is None:
        return None
    if not isinstance(value, Location):
        raise Malformed("location is not a place")
    for number, bound in ((value.latitude, 90), (value.longitude, 180)):
        if isinstance(number, bool) or not isinstance(number, int | float) or not math.isfinite(number):
            raise Malformed("location is not a place")
        if abs(number) > bound:
            raise Malformed("location is not a place")
    return Location(
        float(value.latitude),
        float(value.longitude),
        title=_text(value.title, MAX_SHORT, "place title"),
        address=_text(value.address, MAX_SHORT, "place address"),
    )


def _extra(value: Any) -> dict[str, Any]:
    """Notes a parser adds (a media error, a LINE message type): short scalars only."""
    if not isinstance(value, dict):
        raise Malformed("extra is not a mapping")
    for key, item in value.items():
        if not isinstance(key, str) or not isinstance(item, str | int | float | bool | None):
            raise Malformed("extra holds more than notes")
        if isinstance(item, str) and valid_text(item, MAX_SHORT) != item:
            raise Malformed("extra holds more than notes")
    return value


def usable(inbound: Inbound, *, max_text: int) -> Inbound:
    """The event with every text valid and within `max_text` (the platform's own message limit); raises Malformed
    when a field has the wrong type or an id is not usable."""
    if not isinstance(inbound.kind, InboundKind):
        raise Malformed("unknown kind of event")
    if inbound.received_at is not None and not isinstance(inbound.received_at, datetime):
        raise Malformed("received_at is not a time")
    if inbound.media_id is not None or DOCUMENT_ID in inbound.extra:
        raise Malformed("a platform cannot name stored media")
    return replace(
        inbound,
        user=_exact(inbound.user, MAX_ID, "user"),
        chat=_exact(inbound.chat, MAX_ID, "chat"),
        event_id=_exact(inbound.event_id, MAX_EVENT_ID, "event id"),
        text=_text(inbound.text, max_text, "text"),
        choice=_text(inbound.choice, MAX_CHOICE, "choice"),
        location=_location(inbound.location),
        image_ref=None if inbound.image_ref is None else _exact(inbound.image_ref, MAX_SHORT, "image reference"),
        display_name=_text(inbound.display_name, MAX_NAME, "display name"),
        locale=_text(inbound.locale, MAX_SHORT, "locale") or None,
        is_group=_flag(inbound.is_group),
        reply_token=None if inbound.reply_token is None else _exact(inbound.reply_token, MAX_SHORT, "reply token"),
        extra=_extra(inbound.extra),
    )


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Malformed("is_group is not a flag")
    return value
