"""Drive conversations the way a user lives them: an event goes into the real inbox, the real worker applies
it through the engine, the real outbox sender delivers to a recording channel, and the test reads the replies."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.core.types import (
    ChannelName,
    DeliveryResult,
    Inbound,
    InboundKind,
    Location,
    OutboundMessage,
    Reply,
)
from bot.services import Services

_event_ids = itertools.count(1)


class RecordingChannel:
    """A channel that keeps what it was asked to deliver (Rasa's CollectingOutputChannel, as an outbox peer)."""

    def __init__(self, name: str = ChannelName.SIMULATOR.value) -> None:
        self.name = name
        self.delivered: list[OutboundMessage] = []
        self.media: dict[str, tuple[bytes, str]] = {}

    async def deliver(self, message: OutboundMessage) -> DeliveryResult:
        self.delivered.append(message)
        return DeliveryResult.sent()

    async def fetch_media(self, ref: str) -> tuple[bytes, str]:
        return self.media[ref]

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    def replies_to(self, chat: str) -> list[Reply]:
        return [reply for message in self.delivered if message.recipient == chat for reply in message.replies]


_steps = itertools.count(1)  # orders what every chat of a test did and received, for the transcript
_chats: list[Chat] = []  # the chats the running test opened (tests/conftest.py prints them when it fails)


@dataclass
class Chat:
    """One user's chat. `await chat.say("เมนู")` returns the replies the bot sent back; `await chat.press("ยืนยัน")`
    taps the button with that label among the bot's latest choices, as the user would."""

    services: Services
    user: str
    channel: str = ChannelName.SIMULATOR.value
    locale: str | None = "th"
    display_name: str | None = None
    seen: int = 0
    lines: list[tuple[int, str]] = field(default_factory=list)  # (step, line) of the transcript
    logged: int = 0  # how far into the channel's deliveries the transcript has read

    def __post_init__(self) -> None:
        _chats.append(self)

    @property
    def recorder(self) -> RecordingChannel:
        channel = self.services.channels[self.channel]
        assert isinstance(channel, RecordingChannel)
        return channel

    async def send(self, kind: InboundKind, *, shown: str | None = None, **fields: object) -> list[Reply]:
        """Send one event; `shown` is how the transcript tells it."""
        from bot.core.receive import store_inbound

        _log_deliveries()
        self.lines.append((next(_steps), f"{self.user}: {shown or f'({kind.value} {fields})'}"))
        inbound = Inbound(
            channel=self.channel,
            user=self.user,
            chat=self.user,
            kind=kind,
            event_id=f"test-{next(_event_ids)}",
            display_name=self.display_name,
            locale=self.locale,
            received_at=datetime.now(UTC),
            **fields,  # type: ignore[arg-type]
        )
        await store_inbound(self.services.db, [inbound])
        await pump(self.services)
        _log_deliveries()
        return self.new_replies()

    def new_replies(self) -> list[Reply]:
        replies = self.recorder.replies_to(self.user)
        fresh, self.seen = replies[self.seen :], len(replies)
        return fresh

    async def say(self, text: str) -> list[Reply]:
        return await self.send(InboundKind.TEXT, shown=text, text=text)

    async def press(self, label: str, *, on: Reply | None = None) -> list[Reply]:
        """Tap the button labelled `label` on the latest reply that has buttons, or on `on`, an older reply of
        this chat that the user scrolls back to."""
        delivered = self.recorder.replies_to(self.user)
        if on is None:
            on = next((reply for reply in reversed(delivered) if reply.choices), None)
            assert on is not None, f"{self.user} has no buttons to press {label!r} on"
        else:
            assert on in delivered, f"{self.user} never received the reply to press {label!r} on"
        found = [choice.code for choice in on.choices if choice.label == label]
        offered = [choice.label for choice in on.choices]
        assert found, f"{self.user} sees no button {label!r}; the buttons on offer are {offered}"
        assert len(found) == 1, f"{self.user} sees {len(found)} buttons labelled {label!r} (codes {found})"
        return await self.send(InboundKind.CHOICE, shown=f"[{label}]", choice=found[0])

    async def press_code(self, code: str) -> list[Reply]:
        """Send a raw choice code, whatever the chat shows: a forged or expired button, a button no message of
        this chat carries (LINE's rich menu, a deep link). Tests about what users see press labels instead."""
        return await self.send(InboundKind.CHOICE, shown=f"[code {code}]", choice=code)

    async def share_location(self, latitude: float, longitude: float) -> list[Reply]:
        return await self.send(
            InboundKind.LOCATION, shown=f"(location {latitude}, {longitude})", location=Location(latitude, longitude)
        )

    async def send_photo(self, media_id: int) -> list[Reply]:
        return await self.send(InboundKind.IMAGE, shown=f"(photo {media_id})", media_id=media_id)

    async def follow(self) -> list[Reply]:
        return await self.send(InboundKind.FOLLOW, shown="(adds the bot as a friend)")

    def log_deliveries(self) -> None:
        """Add what the bot delivered to this chat since the last look to the transcript."""
        channel = self.services.channels.get(self.channel)
        if not isinstance(channel, RecordingChannel):
            return
        delivered = channel.delivered
        for message in delivered[self.logged :]:
            if message.recipient == self.user:
                step, head = next(_steps), f"  bot → {self.user}: "
                for reply in message.replies:
                    for number, line in enumerate(describe(reply)):
                        self.lines.append((step, ((head if number == 0 else " " * len(head)) + line).rstrip()))
        self.logged = len(delivered)


def _log_deliveries() -> None:
    for chat in _chats:
        chat.log_deliveries()


def describe(reply: Reply) -> list[str]:
    """A reply as transcript lines: its text, card, attachments and buttons."""
    lines = reply.text.splitlines()
    if reply.card is not None:
        card = reply.card
        lines.append(f"┌ {card.title}" + (f" — {card.subtitle}" if card.subtitle else ""))
        lines.extend(f"│ {item.label}: {item.value}" for item in card.fields)
        if card.progress_percent is not None:
            lines.append(f"│ {card.progress_percent:g}%")
        if card.footer:
            lines.append(f"└ {card.footer}")
    if reply.image_media_id is not None or reply.image_url:
        lines.append("(picture)")
    if reply.document_media_id is not None:
        lines.append("(document)")
    if reply.ask:
        lines.append(f"(asks for a {reply.ask.value})")
    if reply.menu_role:
        lines.append(f"(persistent menu for {reply.menu_role})")
    if reply.choices:
        lines.append(" ".join(f"[{choice.label}]" for choice in reply.choices))
    return lines


def transcript() -> str:
    """Everything the running test's chats said and received, in order; empty when it opened none."""
    _log_deliveries()
    lines = sorted((line for chat in _chats for line in chat.lines), key=lambda line: line[0])
    return "\n".join(text for _step, text in lines)


def forget_chats() -> None:
    _chats.clear()


async def pump(services: Services) -> None:
    """Apply every pending inbox event and deliver every due outbox row."""
    assert services.inbox_worker is not None and services.outbox_sender is not None
    for _round in range(50):
        applied = await services.inbox_worker.drain()
        sent = await services.outbox_sender.run_once()
        if applied == 0 and sent == 0:
            return


def texts(replies: list[Reply]) -> list[str]:
    return [reply.text for reply in replies]


def labels(reply: Reply) -> list[str]:
    return [choice.label for choice in reply.choices]


def codes(reply: Reply) -> list[str]:
    return [choice.code for choice in reply.choices]


def labels_over_line_limit() -> list[str]:
    """Every button label shown in a LINE-like chat (LINE, the simulator) of the running test that is longer than
    LINE allows (issue 15: labels are designed to fit, not cut by the renderer)."""
    from bot.core.text import LINE_LABEL_MAX

    found = []
    for chat in _chats:
        if chat.channel == ChannelName.TELEGRAM.value or not isinstance(
            chat.services.channels.get(chat.channel), RecordingChannel
        ):
            continue
        for reply in chat.recorder.replies_to(chat.user):
            found += [c.label for c in reply.choices if len(c.label) > LINE_LABEL_MAX]
    return list(dict.fromkeys(found))


async def press_listed(chat: Chat, name: str) -> list[Reply]:
    """Tap the button of a long item by its full name, as a user does: the message above the buttons lists the
    full names ("2. ร้อยละของ…") and the button begins with its number; a legend ("• short: full") names the
    button; otherwise the button is the name cut to fit LINE (bot/core/text.button_label)."""
    from bot.core.text import button_label

    on = next((reply for reply in reversed(chat.recorder.replies_to(chat.user)) if reply.choices), None)
    assert on is not None, f"{chat.user} has no buttons to press {name!r} on"
    for line in on.text.splitlines():
        number, _dot, listed = line.partition(". ")
        numbered = [c.label for c in on.choices if c.label.startswith(f"{number}. ")]
        if number.isdigit() and listed == name and numbered:
            return await chat.press(numbered[0])
        short, _colon, full = line.removeprefix("• ").partition(": ")  # a legend: "• short name: full name"
        if line.startswith("• ") and full == name and short in [c.label for c in on.choices]:
            return await chat.press(short)
    return await chat.press(button_label(name))
