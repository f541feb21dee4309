"""`Reply` → the Telegram messages that show it.

Every user string is escaped and sent in HTML parse mode. Choices become an inline keyboard whose callback data
is the choice code (short ASCII, at most 64 bytes); a code that does not fit degrades to a numbered list the
user answers by typing the number. A prompt asking for a place gets a reply keyboard with Telegram's
"share location" button (one reply markup per message, so the prompt's other choices join that keyboard as
text buttons, which the engine matches by label). Cards become formatted HTML with the same content as LINE's.
"""

from __future__ import annotations

import enum
import html
import logging
from dataclasses import dataclass, replace

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot.core.i18n import _
from bot.core.types import Ask, Card, Choice, Reply

log = logging.getLogger(__name__)

MAX_CALLBACK_DATA_BYTES = 64
MAX_TEXT_CHARS = 4000  # Telegram allows 4096 after entity parsing; keep a margin
MAX_CAPTION_CHARS = 1000  # 1024 for captions
SHORT_LABEL_CHARS = 16  # labels this short sit two to a row
PROGRESS_CELLS = 10

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


class SendKind(enum.StrEnum):
    MESSAGE = "message"
    PHOTO = "photo"
    DOCUMENT = "document"


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One Bot API send. `text` is HTML (the caption for a photo or document)."""

    kind: SendKind
    text: str = ""
    markup: Markup | None = None
    media_id: int | None = None
    url: str | None = None


def render_replies(replies: tuple[Reply, ...] | list[Reply]) -> list[Outgoing]:
    """The sends for a batch of replies; captions the channel adds are in the current (recipient's) locale,
    which the outbox sender sets around every delivery."""
    return [outgoing for reply in replies for outgoing in render_reply(reply)]


def render_reply(reply: Reply) -> list[Outgoing]:
    """The sends for one reply, in order; the reply's buttons go on the last one."""
    sends: list[Outgoing] = []
    text = reply.text.strip()
    markup, choices_text = _markup(reply)
    text = f"{text}\n\n{choices_text}".strip() if choices_text else text
    if reply.image_media_id is not None or reply.image_url:
        caption = esc(text) if len(text) <= MAX_CAPTION_CHARS and reply.card is None else ""
        sends.append(Outgoing(SendKind.PHOTO, caption, media_id=reply.image_media_id, url=reply.image_url))
        text = "" if caption else text
    sends.extend(Outgoing(SendKind.MESSAGE, esc(chunk)) for chunk in split_text(text))
    if reply.card is not None:
        sends.append(Outgoing(SendKind.MESSAGE, card_html(reply.card)))
    if reply.document_media_id is not None:
        sends.append(Outgoing(SendKind.DOCUMENT, media_id=reply.document_media_id))
    if markup is not None:
        if not sends:  # buttons need a message to hang on
            sends.append(Outgoing(SendKind.MESSAGE, esc(_("Please choose:"))))
        sends[-1] = replace(sends[-1], markup=markup)
    return sends


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def split_text(text: str, limit: int = MAX_TEXT_CHARS) -> list[str]:
    """Long text in pieces Telegram accepts, cut at line ends where possible."""
    pieces: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        cut = cut if cut > limit // 2 else limit
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip("\n")
    if text.strip():
        pieces.append(text)
    return pieces


def fits_callback_data(code: str) -> bool:
    return code.isascii() and code.isprintable() and 0 < len(code.encode()) <= MAX_CALLBACK_DATA_BYTES


def _markup(reply: Reply) -> tuple[Markup | None, str]:
    """The keyboard for a reply, and any numbered list that stands in for buttons Telegram cannot carry."""
    if reply.ask is Ask.LOCATION:
        return location_keyboard(reply.choices), ""
    if not reply.choices:
        return None, ""
    if all(fits_callback_data(choice.code) for choice in reply.choices):
        return inline_keyboard(reply.choices), ""
    log.warning("choice codes do not fit Telegram callback data: %s", [c.code for c in reply.choices])
    return None, numbered(reply.choices)


def inline_keyboard(choices: tuple[Choice, ...]) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(choice.label, callback_data=choice.code) for choice in choices]
    per_row = 2 if all(len(choice.label) <= SHORT_LABEL_CHARS for choice in choices) else 1
    return InlineKeyboardMarkup([buttons[i : i + per_row] for i in range(0, len(buttons), per_row)])


def location_keyboard(choices: tuple[Choice, ...]) -> ReplyKeyboardMarkup:
    rows: list[list[KeyboardButton]] = [[KeyboardButton(_("📍 Share my location"), request_location=True)]]
    rows.extend([KeyboardButton(choice.label)] for choice in choices)
    return ReplyKeyboardMarkup(rows, one_time_keyboard=True, resize_keyboard=True)


def numbered(choices: tuple[Choice, ...]) -> str:
    lines = [f"{number}. {choice.label}" for number, choice in enumerate(choices, start=1)]
    return "\n".join([_("Type the number of your choice:"), *lines])


def progress_bar(percent: float) -> str:
    clamped = max(0.0, min(100.0, percent))
    filled = round(clamped / 100 * PROGRESS_CELLS)
    return f"{'▓' * filled}{'░' * (PROGRESS_CELLS - filled)} {clamped:.0f}%"


def card_html(card: Card) -> str:
    """A ticket or KPI summary: the same content as LINE's Flex card, as HTML."""
    lines = [f"<b>{esc(card.title)}</b>"]
    if card.subtitle:
        lines.append(f"<i>{esc(card.subtitle)}</i>")
    if card.fields:
        lines.append("")
        lines.extend(f"<b>{esc(field.label)}:</b> {esc(field.value)}" for field in card.fields)
    if card.progress_percent is not None:
        lines.extend(["", progress_bar(card.progress_percent)])
    if card.footer:
        lines.extend(["", f"<i>{esc(card.footer)}</i>"])
    return "\n".join(lines)
