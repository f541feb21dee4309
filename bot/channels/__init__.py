"""Channel adapters. Each platform package offers `make_channel(settings, kit)` (None when its credentials are
missing) and `routes()` for its webhook; its commands live in bot/cli. What a channel must remember between
deliveries it keeps through the kit (the database), never in the channel object: several workers may send."""

from __future__ import annotations

from starlette.routing import BaseRoute

from bot.channels import line, telegram
from bot.channels.simulator import SimulatorChannel
from bot.core.kit import ChannelKit
from bot.core.types import Channel
from bot.settings import Settings

PLATFORMS = (line, telegram)


def build_channels(settings: Settings, kit: ChannelKit) -> dict[str, Channel]:
    channels: dict[str, Channel] = {SimulatorChannel.name: SimulatorChannel()}
    for platform in PLATFORMS:
        channel = platform.make_channel(settings, kit)
        if channel is not None:
            channels[channel.name] = channel
    return channels


def webhook_routes() -> list[BaseRoute]:
    return [route for platform in PLATFORMS for route in platform.routes()]
