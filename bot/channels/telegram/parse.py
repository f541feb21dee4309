"""Telegram `Update` → platform-neutral `Inbound`.

Only messages and callback queries are used; every other kind of update (edited messages, channel posts, polls,
chat member changes, inline queries) parses to nothing and is acknowledged without being stored.

`parse_update` is total: a body that is not a usable update (wrong types, missing fields, ids that are not numbers)
parses to nothing too, and is counted (bot/core/malformed.py); it never raises.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from telegram import Bot, CallbackQuery, Message, Update, User

from bot.core.cleaning import MAX_SHORT, usable, valid_text
from bot.core.documents import is_document_name, kept_name
from bot.core.malformed import Malformed, count_dropped
from bot.core.types import ChannelName, Inbound, InboundKind, Location

log = logging.getLogger(__name__)

USED_UPDATE_KINDS = ("message", "callback_query")  # also the allowed_updates given to setWebhook and getUpdates
GROUP_CHAT_TYPES = frozenset({"group", "supergroup"})
# The Bot API's getFile downloads at most 20 MB; anything bigger can never be fetched.
BOT_API_DOWNLOAD_LIMIT = 20 * 1024 * 1024
MAX_TEXT = 4096  # Telegram's own limit on a message's text
CHANNEL = ChannelName.TELEGRAM.value
TELEGRAM_ID_LIMIT = 2**63  # user, chat and message ids are signed 64-bit numbers
# Kinds of message the bot cannot take yet: answered with "not supported", never silently dropped.
_UNSUPPORTED_ATTRIBUTES = (
    "sticker",
    "animation",
    "video",
    "video_note",
    "audio",
    "voice",
    "document",
    "contact",
    "poll",
    "dice",
    "game",
    "story",
)


@dataclass(frozen=True, slots=True)
class PressedButton:
    """Where a callback query came from, so it can be answered and its keyboard removed."""

    query_id: str
    chat_id: int | None
    message_id: int | None


@dataclass(frozen=True, slots=True)
class ParsedUpdate:
    inbound: Inbound | None = None
    pressed: PressedButton | None = None


def bot_id_from_token(token: str) -> str:
    """A bot token is '<bot id>:<secret>'; update ids are unique per bot, so event ids carry the bot id."""
    return token.split(":", 1)[0]


def parse_update(
    data: Any, *, bot: Bot | None, bot_id: str, max_image_bytes: int = BOT_API_DOWNLOAD_LIMIT
) -> ParsedUpdate:
    """Turn one update's JSON into what the inbox stores; what is not a usable update is counted and parses to
    nothing."""
    try:
        parsed = _parse(data, bot, bot_id, max_image_bytes)
        inbound = None if parsed.inbound is None else usable(parsed.inbound, max_text=MAX_TEXT)
        return ParsedUpdate(inbound, _checked_press(parsed.pressed))
    except Malformed as bad:
        count_dropped(CHANNEL, bad.reason)
    except Exception as exc:  # python-telegram-bot's models trust their input and fail on it in many ways
        count_dropped(CHANNEL, f"update the models could not read ({type(exc).__name__})")
    return ParsedUpdate()


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and -TELEGRAM_ID_LIMIT <= value < TELEGRAM_ID_LIMIT


def _checked_press(pressed: PressedButton | None) -> PressedButton | None:
    if pressed is None:
        return None
    query_id = pressed.query_id
    if not isinstance(query_id, str) or not query_id or valid_text(query_id, MAX_SHORT) != query_id:
        raise Malformed("callback query id is not usable")
    if not all(value is None or _is_id(value) for value in (pressed.chat_id, pressed.message_id)):
        raise Malformed("callback query's message is not usable")
    return pressed


def _parse(data: Any, bot: Bot | None, bot_id: str, max_image_bytes: int) -> ParsedUpdate:
    if not isinstance(data, dict) or not _is_id(data.get("update_id")):
        raise Malformed("not an update: no update_id")
    used = {kind: data[kind] for kind in USED_UPDATE_KINDS if kind in data}
    if not used:
        # Not parsed at all: the Bot API adds fields to kinds we ignore, and a model that lags must not turn
        # an update we would drop anyway into an error Telegram keeps re-sending.
        return ParsedUpdate()
    update = Update.de_json({"update_id": data["update_id"], **used}, bot)
    event_id = f"{bot_id}:{update.update_id}"
    if update.message is not None:
        return ParsedUpdate(inbound=_from_message(update.message, event_id, bot_id, max_image_bytes))
    if update.callback_query is not None:
        return _from_callback(update.callback_query, event_id)
    return ParsedUpdate()


def _base(user: User, chat_id: int, chat_type: str, event_id: str) -> dict[str, Any]:
    if not _is_id(user.id) or not _is_id(chat_id):
        raise Malformed("user or chat id is not a number")
    names = [user.first_name, user.last_name or ""]
    if not all(isinstance(name, str) for name in names) or not isinstance(chat_type, str):
        raise Malformed("a name or chat type is not text")
    return {
        "channel": ChannelName.TELEGRAM.value,
        "user": str(user.id),
        "chat": str(chat_id),
        "event_id": event_id,
        "display_name": " ".join(name for name in names if name).strip() or None,
        "locale": user.language_code,
        "is_group": chat_type in GROUP_CHAT_TYPES,
    }


def _from_message(message: Message, event_id: str, bot_id: str, max_image_bytes: int) -> Inbound | None:
    user = message.from_user
    if user is None or user.is_bot:
        return None  # channel posts and messages from other bots are not people talking to us
    base = _base(user, message.chat.id, message.chat.type, event_id)
    if message.new_chat_members:
        joined = any(str(member.id) == bot_id for member in message.new_chat_members)
        return Inbound(kind=InboundKind.JOINED_GROUP, **base) if joined else None
    if base["is_group"] and not (message.text or "").startswith("/"):
        return None  # group chatter is not for the bot: only commands are stored (the engine answers /start, /help)
    if message.text is not None:
        return Inbound(kind=InboundKind.TEXT, text=message.text, **base)
    if message.location is not None:
        return Inbound(kind=InboundKind.LOCATION, location=_location(message), **base)
    image = _image(message, max_image_bytes)
    if image is not None:
        return Inbound(kind=InboundKind.IMAGE, text=message.caption, **image, **base)
    document = _document(message, max_image_bytes)
    if document is not None:
        return Inbound(kind=InboundKind.FILE, **document, **base)
    if any(getattr(message, attribute, None) for attribute in _UNSUPPORTED_ATTRIBUTES):
        return Inbound(kind=InboundKind.UNSUPPORTED, **base)
    return None  # service messages (a pinned message, a new group title...) need no answer


def _location(message: Message) -> Location:
    venue = message.venue
    location = venue.location if venue is not None else message.location
    if location is None:
        raise Malformed("venue without a location")
    return Location(
        latitude=location.latitude,
        longitude=location.longitude,
        title=venue.title if venue is not None else None,
        address=venue.address if venue is not None else None,
    )


def _image(message: Message, max_image_bytes: int) -> dict[str, Any] | None:
    """The largest size of a photo, or a picture sent as a file; too big ones are refused before any download."""
    file_id: str | None = None
    size: int | None = None
    if message.photo:
        largest = max(message.photo, key=lambda photo: (photo.width * photo.height, photo.file_size or 0))
        file_id, size = largest.file_id, largest.file_size
    elif message.document is not None and (message.document.mime_type or "").startswith("image/"):
        file_id, size = message.document.file_id, message.document.file_size
    if file_id is None:
        return None
    if size is not None and size > min(max_image_bytes, BOT_API_DOWNLOAD_LIMIT):
        return {"extra": {"media_error": "too_large", "media_size": size}}
    return {"image_ref": file_id}


def _document(message: Message, max_bytes: int) -> dict[str, Any] | None:
    """A document the bot keeps (PDF, Word, Excel, by its name), fetched by the worker like a photo; too big ones
    are refused before any download. Other files are not documents (None)."""
    document = message.document
    name = valid_text(document.file_name, MAX_SHORT) if document is not None and document.file_name else ""
    if document is None or not is_document_name(name):
        return None
    extra: dict[str, Any] = {"file_name": kept_name(name)}
    if document.file_size is not None and document.file_size > min(max_bytes, BOT_API_DOWNLOAD_LIMIT):
        return {"extra": extra | {"media_error": "too_large", "media_size": document.file_size}}
    return {"image_ref": document.file_id, "extra": extra}


def _from_callback(query: CallbackQuery, event_id: str) -> ParsedUpdate:
    message = query.message
    chat = message.chat if message is not None else None
    pressed = PressedButton(
        query_id=query.id,
        chat_id=chat.id if chat is not None else None,
        message_id=message.message_id if message is not None else None,
    )
    if not query.data:
        return ParsedUpdate(pressed=pressed)  # a game button or an inline-mode button: nothing to apply
    base = _base(query.from_user, chat.id if chat is not None else query.from_user.id, _chat_type(chat), event_id)
    return ParsedUpdate(inbound=Inbound(kind=InboundKind.CHOICE, choice=query.data, **base), pressed=pressed)


def _chat_type(chat: Any) -> str:
    return str(chat.type) if chat is not None else "private"
