"""Channel adapters. Each platform package offers `make_channel(settings, media, links)` (None when its
credentials are missing) and `routes()` for its webhook; its commands live in bot/cli."""

from __future__ import annotations

from starlette.routing import BaseRoute

from bot.channels import line, telegram
from bot.channels.simulator import SimulatorChannel
from bot.core.media import MediaLinks, MediaStore
from bot.core.types import Channel
from bot.settings import Settings

PLATFORMS = (line, telegram)


def build_channels(settings: Settings, media: MediaStore, links: MediaLinks) -> dict[str, Channel]:
    channels: dict[str, Channel] = {SimulatorChannel.name: SimulatorChannel()}
    for platform in PLATFORMS:
        channel = platform.make_channel(settings, media, links)
        if channel is not None:
            channels[channel.name] = channel
    return channels


def webhook_routes() -> list[BaseRoute]:
    return [route for platform in PLATFORMS for route in platform.routes()]
