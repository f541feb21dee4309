"""LINE webhook events (line-bot-sdk v3 models) into the core's `Inbound`.

Events the core has no use for (leave, unsend, beacon, ...) come back as None: the webhook logs and
acknowledges them, and nothing is stored. `parse_body` is total: whatever a signed body holds, it returns the
usable events and counts the rest (bot/core/malformed.py); it never raises.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from linebot.v3.webhooks import (
    AudioMessageContent,
    Event,
    FileMessageContent,
    FollowEvent,
    GroupSource,
    ImageMessageContent,
    JoinEvent,
    LocationMessageContent,
    MemberJoinedEvent,
    MessageEvent,
    PostbackEvent,
    RoomSource,
    StickerMessageContent,
    TextMessageContent,
    UnfollowEvent,
    UserSource,
    VideoMessageContent,
)

from bot.core.cleaning import MAX_SHORT, usable, valid_text
from bot.core.documents import is_document_name, kept_name
from bot.core.malformed import Malformed, count_dropped
from bot.core.types import ChannelName, Inbound, InboundKind, Location

log = logging.getLogger(__name__)

CHANNEL = ChannelName.LINE.value
UNSUPPORTED_CONTENT = (StickerMessageContent, VideoMessageContent, AudioMessageContent)
MAX_TEXT = 5000  # LINE's own limit on a text message
USED_EVENT_TYPES = frozenset({"message", "postback", "follow", "unfollow", "join", "memberJoined"})
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
CLOCK_SKEW = timedelta(days=1)


def _source_ids(event: Any) -> tuple[str | None, str | None, bool]:
    """(user id, chat id, is group). In a group the chat is the group or room; the user may be absent."""
    source = getattr(event, "source", None)
    if isinstance(source, GroupSource):
        return source.user_id, source.group_id, True
    if isinstance(source, RoomSource):
        return source.user_id, source.room_id, True
    if isinstance(source, UserSource):
        return source.user_id, source.user_id, False
    return None, None, False


def _received_at(event: Any) -> datetime:
    """When LINE says the event happened; a time no real event has (before 2000, tomorrow) is refused."""
    timestamp = getattr(event, "timestamp", None)
    if not isinstance(timestamp, int) or isinstance(timestamp, bool):
        return datetime.now(UTC)
    now = datetime.now(UTC)
    seconds = timestamp / 1000
    if not EARLIEST.timestamp() <= seconds <= (now + CLOCK_SKEW).timestamp():
        raise Malformed("event time out of range")
    return datetime.fromtimestamp(seconds, tz=UTC)


def _message_fields(content: Any) -> dict[str, Any] | None:
    """The Inbound fields of a message event, or None for content the core does not take."""
    if isinstance(content, TextMessageContent):
        return {"kind": InboundKind.TEXT, "text": content.text}
    if isinstance(content, ImageMessageContent):
        # The content API only holds images sent through LINE itself; an external provider's URL is not fetched
        # (it could point anywhere), so the worker reports the picture as unavailable.
        if content.content_provider.type != "line":
            return {"kind": InboundKind.IMAGE, "extra": {"media_error": "unavailable"}}
        return {"kind": InboundKind.IMAGE, "image_ref": content.id}
    if isinstance(content, LocationMessageContent):
        place = Location(content.latitude, content.longitude, title=content.title, address=content.address)
        return {"kind": InboundKind.LOCATION, "location": place}
    if isinstance(content, FileMessageContent):
        return _file_fields(content)
    if isinstance(content, UNSUPPORTED_CONTENT):
        return {"kind": InboundKind.UNSUPPORTED, "extra": {"line_type": content.type}}
    return None


def _file_fields(content: FileMessageContent) -> dict[str, Any]:
    """A document the bot keeps (PDF, Word, Excel) is fetched by the worker like a photo; other files are not."""
    name = valid_text(content.file_name, MAX_SHORT) if isinstance(content.file_name, str) else ""
    if not is_document_name(name):
        return {"kind": InboundKind.UNSUPPORTED, "extra": {"line_type": content.type}}
    return {"kind": InboundKind.FILE, "image_ref": content.id, "extra": {"file_name": kept_name(name)}}


def _event_fields(event: Any) -> dict[str, Any] | None:
    if isinstance(event, MessageEvent):
        return _message_fields(event.message)
    if isinstance(event, PostbackEvent):
        return {"kind": InboundKind.CHOICE, "choice": event.postback.data}
    if isinstance(event, FollowEvent):
        return {"kind": InboundKind.FOLLOW}
    if isinstance(event, UnfollowEvent):
        return {"kind": InboundKind.UNFOLLOW}
    if isinstance(event, JoinEvent | MemberJoinedEvent):
        return {"kind": InboundKind.JOINED_GROUP}
    return None


def to_inbound(event: Any) -> Inbound | None:
    """One webhook event as an Inbound, or None when it is acknowledged without being stored."""
    event_type = getattr(event, "type", type(event).__name__)
    if getattr(event, "mode", "active") == "standby":
        log.info("LINE %s event in standby mode (another channel answers): ignored", event_type)
        return None
    fields = _event_fields(event)
    user, chat, is_group = _source_ids(event)
    event_id = getattr(event, "webhook_event_id", None)
    if fields is None:
        log.info("LINE %s event acknowledged, nothing to do", event_type)
        return None
    if chat is None or not event_id:
        raise Malformed("event without a source or an id")
    if fields["kind"] is InboundKind.JOINED_GROUP:
        user = chat  # the bot meets the group, not a person: the introduction is the group's own turn
    if user is None:
        log.info("LINE %s event from a group member without a user id: ignored", event_type)
        return None
    return Inbound(
        channel=CHANNEL,
        user=user,
        chat=chat,
        event_id=event_id,
        is_group=is_group,
        reply_token=getattr(event, "reply_token", None),
        received_at=_received_at(event),
        **fields,
    )


def parse_body(data: Any) -> list[Inbound]:
    """The usable events of a signed webhook body's JSON; the rest are counted and dropped, one by one."""
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        count_dropped(CHANNEL, "body without a list of events")
        return []
    parsed = (_parse_event(raw) for raw in data["events"])
    return [inbound for inbound in parsed if inbound is not None]


def _parse_event(raw: Any) -> Inbound | None:
    if not isinstance(raw, dict):
        count_dropped(CHANNEL, "event is not an object")
        return None
    event_type = raw.get("type")
    if not isinstance(event_type, str) or event_type not in USED_EVENT_TYPES:
        log.info("LINE event of a type the bot does not use: acknowledged")
        return None
    try:
        inbound = to_inbound(Event.from_dict(raw))
        return None if inbound is None else usable(inbound, max_text=MAX_TEXT)
    except Malformed as bad:
        count_dropped(CHANNEL, bad.reason)
    except Exception as exc:  # the SDK's models refuse what LINE never sends, each in its own way
        count_dropped(CHANNEL, f"{event_type} event the SDK refused ({type(exc).__name__})")
    return None
