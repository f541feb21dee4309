"""The core's `Reply` in LINE's form: text with quick replies, Flex bubbles for cards, image messages.

LINE limits (Messaging API reference): 13 quick reply items, 20-character action labels, 300-character postback
data, 5000-character texts, 400-character altText, at most 5 messages per call.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from linebot.v3.messaging import (
    CameraAction,
    CameraRollAction,
    FlexContainer,
    FlexMessage,
    ImageMessage,
    LocationAction,
    Message,
    PostbackAction,
    QuickReply,
    QuickReplyItem,
    TextMessage,
)

from bot.core.i18n import _
from bot.core.media import CHAT_LINK_LIFETIME, MediaLinks
from bot.core.text import as_line_shows, shorten, shorten_block
from bot.core.types import Ask, Card, Choice, Reply

log = logging.getLogger(__name__)

MAX_QUICK_REPLIES = 13
MAX_POSTBACK_DATA = 300
MAX_TEXT = 5000
MAX_ALT_TEXT = 400

GREY = "#8c8c8c"
GREEN = "#06c755"
TRACK = "#e6e6e6"


def numbered_list(choices: Sequence[Choice]) -> str:
    """The engine takes a typed number as the choice at that position, so number them in order."""
    return "\n".join(f"{number}. {choice.label}" for number, choice in enumerate(choices, start=1))


def _choice_item(choice: Choice) -> QuickReplyItem:
    if len(choice.code) > MAX_POSTBACK_DATA:
        raise ValueError(f"choice code longer than LINE's postback limit: {choice.code[:40]}...")
    label = as_line_shows(choice.label)
    return QuickReplyItem(action=PostbackAction(label=label, data=choice.code, display_text=choice.label[:300]))


def _ask_items(ask: Ask) -> list[QuickReplyItem]:
    if ask is Ask.LOCATION:
        return [QuickReplyItem(action=LocationAction(label=as_line_shows(_("Send location"))))]
    if ask is Ask.PHOTO:
        return [
            QuickReplyItem(action=CameraAction(label=as_line_shows(_("Take a photo")))),
            QuickReplyItem(action=CameraRollAction(label=as_line_shows(_("Choose a photo")))),
        ]
    return []


def quick_reply_for(reply: Reply) -> tuple[QuickReply | None, str]:
    """The quick reply bar for a reply, and any text to add when the choices do not fit in it."""
    native = _ask_items(reply.ask)
    if len(reply.choices) + len(native) > MAX_QUICK_REPLIES:
        listed = _("Type the number of your choice:") + "\n" + numbered_list(reply.choices)
        return (QuickReply(items=native) if native else None), listed
    items = native + [_choice_item(choice) for choice in reply.choices]
    return (QuickReply(items=items) if items else None), ""


def progress_box(percent: float) -> dict[str, Any]:
    bounded = max(0.0, min(100.0, percent))
    bar: dict[str, Any] = {
        "type": "box",
        "layout": "vertical",
        "backgroundColor": TRACK,
        "height": "8px",
        "cornerRadius": "4px",
        "contents": [
            {
                "type": "box",
                "layout": "vertical",
                "backgroundColor": GREEN,
                "height": "8px",
                "width": f"{bounded:.0f}%",
                "contents": [{"type": "filler"}],
            }
        ],
    }
    label = {"type": "text", "text": f"{bounded:.0f}%", "size": "sm", "color": GREY, "align": "end"}
    return {"type": "box", "layout": "vertical", "spacing": "xs", "margin": "lg", "contents": [label, bar]}


def _field_row(label: str, value: str) -> dict[str, Any]:
    return {
        "type": "box",
        "layout": "baseline",
        "spacing": "sm",
        "contents": [
            {"type": "text", "text": label or " ", "size": "sm", "color": GREY, "flex": 2, "wrap": True},
            {"type": "text", "text": value or "-", "size": "sm", "flex": 4, "wrap": True},
        ],
    }


def card_bubble(card: Card) -> dict[str, Any]:
    """A Flex bubble: title, subtitle, label/value rows, a progress bar, a footer note."""
    body: list[dict[str, Any]] = [{"type": "text", "text": card.title, "weight": "bold", "size": "lg", "wrap": True}]
    if card.subtitle:
        body.append({"type": "text", "text": card.subtitle, "size": "sm", "color": GREY, "wrap": True})
    if card.fields:
        rows = [_field_row(f.label, f.value) for f in card.fields]
        body.append({"type": "box", "layout": "vertical", "margin": "lg", "spacing": "sm", "contents": rows})
    if card.progress_percent is not None:
        body.append(progress_box(card.progress_percent))
    bubble: dict[str, Any] = {"type": "bubble", "body": {"type": "box", "layout": "vertical", "contents": body}}
    if card.footer:
        note = {"type": "text", "text": card.footer, "size": "xs", "color": GREY, "wrap": True}
        bubble["footer"] = {"type": "box", "layout": "vertical", "contents": [note]}
    return bubble


def card_message(card: Card) -> FlexMessage:
    alt = shorten(card.alt_text or card.title, MAX_ALT_TEXT, at_word=True)
    return FlexMessage(alt_text=alt, contents=FlexContainer.from_dict(card_bubble(card)))


def _picture(reply: Reply, links: MediaLinks | None) -> Message | None:
    url = reply.image_url
    if url is None and reply.image_media_id is not None and links is not None:
        url = links.url(reply.image_media_id, CHAT_LINK_LIFETIME)  # LINE fetches it when the chat is opened
    if url is None:
        if reply.image_media_id is not None:
            log.warning("PUBLIC_BASE_URL is not set: LINE cannot show picture %s", reply.image_media_id)
        return None
    return ImageMessage(original_content_url=url, preview_image_url=url)


def _text(reply: Reply, extra: str, links: MediaLinks | None) -> str:
    parts = [reply.text.strip(), extra]
    if reply.document_media_id is not None:
        # LINE bots cannot send files: the document goes as a download link.
        url = links.url(reply.document_media_id, CHAT_LINK_LIFETIME) if links is not None else None
        parts.append(_("Download: {url}", url=url) if url else _("The file is ready in the web dashboard."))
    return shorten_block("\n\n".join(part for part in parts if part), MAX_TEXT)


def render_reply(reply: Reply, links: MediaLinks | None = None) -> list[Message]:
    """One Reply as LINE messages, in reading order; the quick reply bar goes on the last one."""
    quick, extra = quick_reply_for(reply)
    text = _text(reply, extra, links)
    messages: list[Message] = []
    if text:
        messages.append(TextMessage(text=text))
    picture = _picture(reply, links)
    if picture is not None:
        messages.append(picture)
    if reply.card is not None:
        messages.append(card_message(reply.card))
    if quick is not None:
        if not messages:
            messages.append(TextMessage(text=_("Please choose:")))
        messages[-1].quick_reply = quick
    return messages


def render_replies(replies: Sequence[Reply], links: MediaLinks | None = None) -> list[Message]:
    return [message for reply in replies for message in render_reply(reply, links)]


def chunks(messages: Sequence[Message], size: int = 5) -> list[list[Message]]:
    """LINE takes at most 5 messages per reply, push or multicast call."""
    return [list(messages[start : start + size]) for start in range(0, len(messages), size)]
