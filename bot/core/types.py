"""Platform-neutral messages: what every channel turns its events into, and what every flow answers with.

Nothing here knows about LINE or Telegram. A channel adapter parses its platform's event into an `Inbound`
and renders a list of `Reply` in its own form; flows only ever see these types.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Protocol


class ChannelName(enum.StrEnum):
    SIMULATOR = "simulator"
    LINE = "line"
    TELEGRAM = "telegram"


class InboundKind(enum.StrEnum):
    TEXT = "text"
    CHOICE = "choice"  # a button press / postback carrying a choice code
    LOCATION = "location"
    IMAGE = "image"
    FILE = "file"  # a document (PDF, Word, Excel): bot/core/documents.py
    UNSUPPORTED = "unsupported"  # sticker, video, audio, other files: answered with "not supported yet"
    FOLLOW = "follow"  # the user added the bot (LINE follow, Telegram /start is plain text)
    UNFOLLOW = "unfollow"  # the user blocked the bot: mark unreachable, answer nothing
    JOINED_GROUP = "joined_group"  # the bot was added to a group: a short introduction


@dataclass(frozen=True, slots=True)
class Location:
    latitude: float
    longitude: float
    title: str | None = None
    address: str | None = None


@dataclass(frozen=True, slots=True)
class Inbound:
    """One thing a user did, in any channel.

    `user` is the platform user id; `chat` is where answers go (equal to `user` in a private chat).
    `image_ref` is a channel-specific reference (e.g. a LINE message id) that the worker resolves into stored
    media through `Channel.fetch_media` before the flow runs; the flow then sees `media_id`.
    """

    channel: str
    user: str
    chat: str
    kind: InboundKind
    event_id: str
    text: str | None = None
    choice: str | None = None
    location: Location | None = None
    image_ref: str | None = None
    media_id: int | None = None
    display_name: str | None = None
    locale: str | None = None  # the platform's language hint, used only for a new person
    is_group: bool = False
    reply_token: str | None = None
    received_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["received_at"] = self.received_at.isoformat() if self.received_at else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Inbound:
        data = dict(data)
        loc = data.get("location")
        data["location"] = Location(**loc) if loc else None
        data["kind"] = InboundKind(data["kind"])
        received = data.get("received_at")
        data["received_at"] = datetime.fromisoformat(received) if received else None
        return cls(**data)


@dataclass(frozen=True, slots=True)
class Choice:
    """A button. `code` is short ASCII (it must fit Telegram's 64-byte callback data); `label` is shown."""

    code: str
    label: str


class Ask(enum.StrEnum):
    """What kind of answer a prompt expects, so a channel can offer the matching native button."""

    NOTHING = ""
    LOCATION = "location"
    PHOTO = "photo"


@dataclass(frozen=True, slots=True)
class CardField:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Card:
    """A summary block (ticket, KPI progress). LINE renders a Flex bubble, Telegram formatted HTML,
    the simulator an HTML card. `alt_text` is what a client shows where it cannot draw the card."""

    title: str
    alt_text: str
    fields: tuple[CardField, ...] = ()
    subtitle: str | None = None
    progress_percent: float | None = None
    footer: str | None = None


@dataclass(frozen=True, slots=True)
class Reply:
    text: str = ""
    choices: tuple[Choice, ...] = ()
    ask: Ask = Ask.NOTHING
    image_media_id: int | None = None  # a picture stored in the media table
    image_url: str | None = None
    card: Card | None = None
    document_media_id: int | None = None  # a file to send (e.g. an XLSX export)
    slow: bool = False  # the next step may take a while: LINE shows its loading animation
    menu_role: str | None = None  # the person's persistent menu is now their new role's (LINE rich menu)

    def to_json(self) -> dict[str, Any]:
        # Written out rather than dataclasses.asdict, which deep-copies every value: this runs for every reply
        # queued and every conversation saved (about a tenth of a turn's time went to asdict).
        card = self.card
        return {
            "text": self.text,
            "choices": [{"code": c.code, "label": c.label} for c in self.choices],
            "ask": self.ask.value,
            "image_media_id": self.image_media_id,
            "image_url": self.image_url,
            "card": None
            if card is None
            else {
                "title": card.title,
                "alt_text": card.alt_text,
                "fields": [{"label": f.label, "value": f.value} for f in card.fields],
                "subtitle": card.subtitle,
                "progress_percent": card.progress_percent,
                "footer": card.footer,
            },
            "document_media_id": self.document_media_id,
            "slow": self.slow,
            "menu_role": self.menu_role,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reply:
        card = data.get("card")
        return cls(
            text=data.get("text", ""),
            choices=tuple(Choice(**c) for c in data.get("choices", ())),
            ask=Ask(data.get("ask", "")),
            image_media_id=data.get("image_media_id"),
            image_url=data.get("image_url"),
            card=(
                Card(
                    title=card["title"],
                    alt_text=card["alt_text"],
                    fields=tuple(CardField(**f) for f in card.get("fields", ())),
                    subtitle=card.get("subtitle"),
                    progress_percent=card.get("progress_percent"),
                    footer=card.get("footer"),
                )
                if card
                else None
            ),
            document_media_id=data.get("document_media_id"),
            slow=bool(data.get("slow", False)),
            menu_role=data.get("menu_role"),
        )


def replies_to_json(replies: list[Reply] | tuple[Reply, ...]) -> list[dict[str, Any]]:
    return [r.to_json() for r in replies]


def replies_from_json(data: list[dict[str, Any]]) -> list[Reply]:
    return [Reply.from_json(d) for d in data]


class DeliveryStatus(enum.StrEnum):
    SENT = "sent"
    RETRY = "retry"  # a passing failure (429, 5xx, timeout): try again after `retry_after`
    FAILED = "failed"  # a failure that cannot succeed on retry (4xx): recorded, not retried
    UNREACHABLE = "unreachable"  # the user blocked the bot: mark the person, do not retry


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    status: DeliveryStatus
    retry_after: float | None = None
    error: str | None = None
    used_reply_token: bool = False
    parts_done: int | None = None  # with RETRY: the parts delivered so far, where the retry resumes

    @classmethod
    def sent(cls, *, used_reply_token: bool = False) -> DeliveryResult:
        return cls(DeliveryStatus.SENT, used_reply_token=used_reply_token)


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    """One outbox row as a channel sees it: a batch of replies for one chat, sent in order."""

    outbox_id: int
    idempotency_key: str
    channel: str
    recipient: str
    replies: tuple[Reply, ...]
    reply_token: str | None = None
    reply_token_expires_at: datetime | None = None
    attempts: int = 0
    is_group: bool = False
    recipients: tuple[str, ...] = ()  # a multicast batch (LINE broadcasts); empty for a single chat
    parts_done: int = 0  # parts (platform calls) an earlier attempt delivered: not to be sent again
    retaken: bool = False  # an earlier sender died while sending it: some of it may be out, unrecorded


class Channel(Protocol):
    """What the outbox sender and the inbox worker need from a platform. A channel whose platform limits the
    whole bot may also declare `messages_per_second`: then one process sends on it at a time, and the sender
    claims only what it can send soon (bot/core/outbox/rights.py)."""

    name: str

    async def deliver(self, message: OutboundMessage) -> DeliveryResult:
        """Send one outbox row; never raise for platform errors, classify them instead."""
        ...

    async def fetch_media(self, ref: str) -> tuple[bytes, str]:
        """Download an image the user sent: (content, content type)."""
        ...

    async def start(self) -> None:
        """Open HTTP clients."""
        ...

    async def close(self) -> None:
        """Close HTTP clients."""
        ...
