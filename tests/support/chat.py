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


@dataclass
class Chat:
    """One user's chat. `await chat.say("เมนู")` returns the replies the bot sent back."""

    services: Services
    user: str
    channel: str = ChannelName.SIMULATOR.value
    locale: str | None = "th"
    display_name: str | None = None
    seen: int = 0
    transcript: list[tuple[str, list[Reply]]] = field(default_factory=list)

    @property
    def recorder(self) -> RecordingChannel:
        channel = self.services.channels[self.channel]
        assert isinstance(channel, RecordingChannel)
        return channel

    async def send(self, kind: InboundKind, **fields: object) -> list[Reply]:
        from bot.core.inbox import store_inbound

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
        return self.new_replies()

    def new_replies(self) -> list[Reply]:
        replies = self.recorder.replies_to(self.user)
        fresh, self.seen = replies[self.seen :], len(replies)
        return fresh

    async def say(self, text: str) -> list[Reply]:
        replies = await self.send(InboundKind.TEXT, text=text)
        self.transcript.append((text, replies))
        return replies

    async def press(self, code: str) -> list[Reply]:
        replies = await self.send(InboundKind.CHOICE, choice=code)
        self.transcript.append((f"[{code}]", replies))
        return replies

    async def share_location(self, latitude: float, longitude: float) -> list[Reply]:
        return await self.send(InboundKind.LOCATION, location=Location(latitude, longitude))

    async def send_photo(self, media_id: int) -> list[Reply]:
        return await self.send(InboundKind.IMAGE, media_id=media_id)

    async def follow(self) -> list[Reply]:
        return await self.send(InboundKind.FOLLOW)


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
