"""Issue 11: the LINE channel's HTTP client allows as many calls at once as the sender has sending slots (the SDK's
default is five a CPU), so no claimed reply waits for a connection while its token runs out."""

from __future__ import annotations

import aiohttp

from bot.channels.line.channel import LineChannel
from bot.core.outbox.sender import SENDING_SLOTS
from bot.settings import Settings


async def test_the_channel_can_make_as_many_calls_at_once_as_the_sender_sends(line_settings: Settings) -> None:
    channel = LineChannel(line_settings)
    await channel.start()
    try:
        for client in (channel.api.api_client, channel.blob.api_client):
            session = client.rest_client.pool_manager
            assert isinstance(session, aiohttp.ClientSession)
            assert session.connector is not None
            assert session.connector.limit >= SENDING_SLOTS
    finally:
        await channel.close()
