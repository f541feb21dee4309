"""The real app with the LINE channel on, talking to a fake LINE API on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from starlette.applications import Starlette

from bot.app import create_app
from bot.channels.line.channel import LineChannel
from bot.services import Services
from bot.settings import Settings
from storage.models import InboxEvent, OutboxMessage, Person
from tests.conftest import make_settings
from tests.fakes.line_api import FakeLineApi
from tests.line import events
from tests.support.chat import pump


@pytest.fixture(scope="session")
def fake_line_server() -> Iterator[FakeLineApi]:
    with FakeLineApi() as fake:
        yield fake


@pytest.fixture
def fake_line(fake_line_server: FakeLineApi) -> FakeLineApi:
    fake_line_server.reset()
    return fake_line_server


@pytest.fixture
def line_settings(sqlite_url: str, fake_line: FakeLineApi) -> Settings:
    return make_settings(
        sqlite_url,
        line_channel_secret=events.SECRET,
        line_channel_access_token=events.TOKEN,
        line_api_base_url=fake_line.url,
        public_base_url="https://hpp.example.org",
    )


@dataclass
class LineBot:
    """The app as LINE sees it: signed webhook posts in, API calls to the fake out."""

    app: Starlette
    client: httpx.AsyncClient
    fake: FakeLineApi

    @property
    def services(self) -> Services:
        services: Services = self.app.state.services
        return services

    @property
    def channel(self) -> LineChannel:
        channel = self.services.channels["line"]
        assert isinstance(channel, LineChannel)
        return channel

    async def post(self, body: bytes, signature: str | None = "sign") -> httpx.Response:
        headers = {"Content-Type": "application/json"}
        if signature == "sign":
            signature = events.sign(body)
        if signature is not None:
            headers["X-Line-Signature"] = signature
        return await self.client.post("/webhooks/line", content=body, headers=headers)

    async def send(self, *sent: dict[str, Any]) -> httpx.Response:
        """Post signed events and let the workers answer them."""
        response = await self.post(events.body_of(*sent))
        assert response.status_code == 200, response.text
        await pump(self.services)
        return response

    async def inbox_count(self) -> int:
        async with self.services.db.read() as session:
            return len((await session.scalars(select(InboxEvent.id).where(InboxEvent.channel == "line"))).all())

    async def outbox(self) -> list[OutboxMessage]:
        async with self.services.db.read() as session:
            rows = await session.scalars(
                select(OutboxMessage).where(OutboxMessage.channel == "line").order_by(OutboxMessage.id)
            )
            return list(rows)

    async def person(self, user: str) -> Person | None:
        async with self.services.db.read() as session:
            found: Person | None = await session.scalar(
                select(Person).where(Person.channel == "line", Person.platform_user_id == user)
            )
            return found

    async def known_citizen(self, user: str, *, locale: str = "th") -> None:
        """Someone who has already seen the PDPA notice (the first-contact flow has its own tests)."""
        async with self.services.db.write() as session:
            session.add(
                Person(
                    channel="line",
                    platform_user_id=user,
                    chat_id=user,
                    locale=locale,
                    role="citizen",
                    pdpa_notice_at=datetime.now(UTC),
                )
            )


@pytest.fixture
async def line_bot(line_settings: Settings, fake_line: FakeLineApi) -> AsyncIterator[LineBot]:
    app = create_app(line_settings, run_workers=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield LineBot(app, client, fake_line)
