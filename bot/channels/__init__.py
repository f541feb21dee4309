"""Channel adapters. Each platform package offers `make_channel(settings)` (None when its credentials are
missing), `routes()` for its webhook, and `register_cli(subparsers)` for its commands."""

from __future__ import annotations

from starlette.routing import BaseRoute

from bot.channels import line, telegram
from bot.channels.simulator import SimulatorChannel
from bot.core.types import Channel
from bot.settings import Settings

PLATFORMS = (line, telegram)


def build_channels(settings: Settings) -> dict[str, Channel]:
    channels: dict[str, Channel] = {SimulatorChannel.name: SimulatorChannel()}
    for platform in PLATFORMS:
        channel = platform.make_channel(settings)
        if channel is not None:
            channels[channel.name] = channel
    return channels


def webhook_routes() -> list[BaseRoute]:
    return [route for platform in PLATFORMS for route in platform.routes()]
