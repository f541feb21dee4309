"""The web simulator's channel: its messages are read straight from the outbox by the simulator page."""

from __future__ import annotations

from bot.core.types import ChannelName, DeliveryResult, OutboundMessage


class SimulatorChannel:
    name = ChannelName.SIMULATOR.value

    async def deliver(self, message: OutboundMessage) -> DeliveryResult:
        # Nothing to call: marking the row sent is what makes the page show it.
        return DeliveryResult.sent()

    async def fetch_media(self, ref: str) -> tuple[bytes, str]:
        raise LookupError("simulator uploads are stored when they arrive")

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None
