"""Issue 11: Telegram's 30 messages a second is a limit per bot, not per process. With two worker processes on
PostgreSQL only one sends Telegram messages at a time; when it stops, the other takes over."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import pytest

from bot.channels.telegram import make_channel
from bot.channels.telegram.channel import TelegramChannel
from bot.core import outbox
from bot.core.kit import ChannelKit
from bot.core.media import MediaLinks
from bot.core.outbox import OutboxSender
from bot.core.types import OutboundMessage, Reply
from bot.settings import Settings
from storage.db import Database
from tests.conftest import make_settings
from tests.fakes.telegram_api import TOKEN, FakeTelegramApi

pytestmark = pytest.mark.postgres

CHATS = 60
LIMIT = 30.0


@dataclass
class Worker:
    """One worker process's outbox sender, with its own database pool and Telegram channel."""

    sender: OutboxSender
    channel: TelegramChannel
    sent: list[str]
    task: asyncio.Task[None] | None = None


@asynccontextmanager
async def worker(settings: Settings) -> AsyncIterator[Worker]:
    db = Database(settings.database_url)
    channel = make_channel(settings, ChannelKit.from_database(db, MediaLinks.from_settings(settings)))
    assert isinstance(channel, TelegramChannel)
    await channel.start()
    sent: list[str] = []
    deliver = channel.deliver

    async def counting_deliver(message: OutboundMessage) -> object:
        sent.append(message.recipient)
        return await deliver(message)

    channel.deliver = counting_deliver  # type: ignore[method-assign, assignment]
    sender = OutboxSender(db, {channel.name: channel}, poll_seconds=0.05)
    running = Worker(sender, channel, sent)
    running.task = asyncio.create_task(sender.run())
    try:
        yield running
    finally:
        sender.stop()
        await asyncio.wait_for(running.task, timeout=10)
        await channel.close()
        await db.close()


async def queue_one_each(settings: Settings) -> None:
    db = Database(settings.database_url)
    try:
        async with db.write() as session:
            for chat in range(CHATS):
                replies = [Reply(f"ประกาศถึงแชต {chat}")]
                await outbox.enqueue(
                    session, channel="telegram", recipient=str(9000 + chat), replies=replies, key=f"k{chat}"
                )
    finally:
        await db.close()


async def until_delivered(api: FakeTelegramApi, count: int, within: float) -> None:
    """The fake API's thread records the calls: look every 50 ms."""
    for _tick in range(int(within / 0.05)):
        if len(api.state.delivered) >= count:
            return
        await asyncio.sleep(0.05)


def busiest_second(times: list[float]) -> int:
    return max(sum(1 for other in times if start <= other < start + 1.0) for start in times)


@pytest.fixture
def settings(postgres_url: str, fake_api: FakeTelegramApi) -> Settings:
    return make_settings(postgres_url, telegram_bot_token=TOKEN, telegram_api_base_url=fake_api.url)


async def test_two_workers_together_send_at_the_bots_rate_not_twice_it(
    settings: Settings, fake_api: FakeTelegramApi
) -> None:
    await queue_one_each(settings)
    async with worker(settings) as first, worker(settings) as second:
        await until_delivered(fake_api, CHATS, within=20)

    delivered = fake_api.state.delivered
    recipients = [call.chat_id for call in delivered]
    assert sorted(recipients) == sorted(str(9000 + chat) for chat in range(CHATS))  # each exactly once
    refused = [call for call in fake_api.state.calls if call.method == "sendMessage" and call not in delivered]
    assert refused == []  # no 429, nothing failed
    assert sorted([len(first.sent), len(second.sent)]) == [0, CHATS]  # one process held Telegram
    times = [call.at for call in fake_api.state.delivered]
    # Arrival times at the fake API carry the loaded machine's scheduling jitter, so allow a fifth over the
    # limit; two processes each pacing on their own would show twice it (60 in a second).
    assert busiest_second(times) <= LIMIT * 1.2
    assert times[-1] - times[0] >= (CHATS - 1) / LIMIT * 0.9


async def test_when_the_sending_worker_stops_the_other_takes_over(
    settings: Settings, fake_api: FakeTelegramApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.core.outbox.rights.RETRY_SECONDS", 0.2)
    await queue_one_each(settings)
    async with worker(settings) as second:
        async with worker(settings) as first:
            await until_delivered(fake_api, 10, within=10)
            leader = first if first.sent else second
            assert leader is first or len(second.sent) > 0
        # `first` has stopped (a deploy, a crash): whichever sends now must finish the rest
        await until_delivered(fake_api, CHATS, within=20)

    recipients = [call.chat_id for call in fake_api.state.delivered]
    assert sorted(recipients) == sorted(str(9000 + chat) for chat in range(CHATS))
    assert len(first.sent) + len(second.sent) == CHATS
