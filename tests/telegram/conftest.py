"""The real app with the Telegram channel pointed at the fake Bot API on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from starlette.applications import Starlette

from bot.app import create_app
from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.throttle import Throttle
from bot.services import Services
from storage.models import InboxEvent, OutboxMessage, Person
from tests.conftest import make_settings
from tests.fakes.telegram_api import TOKEN, FakeTelegramApi
from tests.support.chat import pump

SECRET = "s3cret"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@pytest.fixture
def fake_api() -> Iterator[FakeTelegramApi]:
    with FakeTelegramApi(TOKEN) as fake:
        yield fake


@dataclass
class TelegramBot:
    """The running app as Telegram sees it: post updates to the webhook, read what the fake API received."""

    app: Starlette
    client: httpx.AsyncClient
    api: FakeTelegramApi

    @property
    def services(self) -> Services:
        services: Services = self.app.state.services
        return services

    @property
    def channel(self) -> TelegramChannel:
        channel = self.services.channels["telegram"]
        assert isinstance(channel, TelegramChannel)
        return channel

    async def post(self, update: dict[str, Any] | bytes, *, secret: str | None = SECRET) -> httpx.Response:
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        if isinstance(update, bytes):
            return await self.client.post("/webhooks/telegram", content=update, headers=headers)
        return await self.client.post("/webhooks/telegram", json=update, headers=headers)

    async def receive(self, update: dict[str, Any]) -> None:
        """Telegram posts an update; the workers apply it and deliver the answers."""
        response = await self.post(update)
        assert response.status_code == 200, response.text
        await self.pump()

    async def pump(self) -> None:
        await pump(self.services)
        await self.channel.settle()

    async def deliver_due(self, *, within: float = 5.0) -> None:
        """Keep the outbox sender going until nothing is waiting (retries included), or `within` seconds pass."""
        assert self.services.outbox_sender is not None
        deadline = asyncio.get_running_loop().time() + within
        while await self.pending_outbox() and asyncio.get_running_loop().time() < deadline:
            await self.services.outbox_sender.run_once()
            await asyncio.sleep(0.05)

    async def pending_outbox(self) -> int:
        async with self.services.db.read() as session:
            count = await session.scalar(
                select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status.in_(("pending", "sending")))
            )
        return int(count or 0)

    async def known_citizen(self, user_id: int, *, locale: str = "th") -> Person:
        """Someone who has used the bot before (the PDPA notice is behind them), so a test starts at the menu."""
        async with self.services.db.write() as session:
            person = Person(
                channel="telegram",
                platform_user_id=str(user_id),
                chat_id=str(user_id),
                display_name="Somchai Jaidee",
                locale=locale,
                role="citizen",
                is_reachable=True,
                pdpa_notice_at=datetime.now(UTC),
            )
            session.add(person)
        return person

    async def inbox_count(self) -> int:
        async with self.services.db.read() as session:
            return int(await session.scalar(select(func.count()).select_from(InboxEvent)) or 0)


async def running_bot(settings_url: str, api: FakeTelegramApi, **overrides: Any) -> AsyncIterator[TelegramBot]:
    values: dict[str, Any] = {
        "telegram_bot_token": TOKEN,
        "telegram_webhook_secret": SECRET,
        "telegram_api_base_url": api.url,
    }
    values.update(overrides)
    app = create_app(make_settings(settings_url, **values))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield TelegramBot(app, client, api)


@pytest.fixture
async def tg(sqlite_url: str, fake_api: FakeTelegramApi) -> AsyncIterator[TelegramBot]:
    """Conversations without Telegram's pacing, so transcripts run at test speed (the throttle has its own tests)."""
    async for bot in running_bot(sqlite_url, fake_api):
        bot.channel.throttle = Throttle(private_interval=0, group_interval=0, bot_interval=0)
        yield bot


@pytest.fixture
async def paced_tg(sqlite_url: str, fake_api: FakeTelegramApi) -> AsyncIterator[TelegramBot]:
    """The same, with Telegram's real limits."""
    async for bot in running_bot(sqlite_url, fake_api):
        yield bot


@pytest.fixture
async def tg_any_db(any_database_url: str, fake_api: FakeTelegramApi) -> AsyncIterator[TelegramBot]:
    """`tg` on SQLite and again on PostgreSQL."""
    async for bot in running_bot(any_database_url, fake_api):
        bot.channel.throttle = Throttle(private_interval=0, group_interval=0, bot_interval=0)
        yield bot
