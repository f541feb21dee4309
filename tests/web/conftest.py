"""The real app in its lifespan (workers on), reached in-process through httpx's ASGI transport."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update
from starlette.applications import Starlette

from bot.app import create_app
from bot.services import Services
from storage.models import InboxEvent, Media, Person
from tests.conftest import make_settings


@dataclass
class SimulatorClient:
    """The page's side of the API: send as one identity, read what the bot sent back."""

    http: httpx.AsyncClient
    app: Starlette
    last_id: int = 0

    @property
    def services(self) -> Services:
        services: Services = self.app.state.services
        return services

    async def send(self, identity: str = "citizen-1", **fields: Any) -> httpx.Response:
        return await self.http.post("/simulator/api/send", json={"identity": identity, **fields})

    async def upload(
        self, data: bytes, content_type: str, identity: str = "citizen-1", filename: str = "photo.png"
    ) -> httpx.Response:
        files = {"photo": (filename, data, content_type)}
        return await self.http.post("/simulator/api/send", data={"identity": identity}, files=files)

    async def replies(self, identity: str = "citizen-1", wait: float = 10) -> list[dict[str, Any]]:
        """Long-poll once for the next sent messages; their replies in order."""
        response = await self.http.get(
            "/simulator/api/messages", params={"identity": identity, "after": self.last_id, "wait": wait}
        )
        assert response.status_code == 200, response.text
        body = response.json()
        self.last_id = body["last_id"]
        return [reply for message in body["messages"] for reply in message["replies"]]

    async def replies_until(self, text: str, identity: str = "citizen-1") -> list[dict[str, Any]]:
        """Replies up to and including the first whose text or buttons contain `text`."""
        seen: list[dict[str, Any]] = []
        for _poll in range(5):
            seen += await self.replies(identity)
            if any(text in reply["text"] or text in labels(reply) for reply in seen):
                return seen
        raise AssertionError(f"no reply with {text!r}; got {seen!r}")

    async def stored(self) -> tuple[int, int]:
        """How many inbox events and media rows exist."""
        async with self.services.db.read() as session:
            inbox = await session.scalar(select(func.count()).select_from(InboxEvent))
            media = await session.scalar(select(func.count()).select_from(Media))
        return int(inbox or 0), int(media or 0)


def labels(reply: dict[str, Any]) -> list[str]:
    return [choice["label"] for choice in reply["choices"]]


MAX_IMAGE_BYTES = 64 * 1024
RETURNING_PEOPLE = ("citizen-1", "officer-1")


async def have_read_the_privacy_notice(services: Services, *identities: str) -> None:
    """These people met the bot before: the first-contact PDPA notice is behind them."""
    async with services.db.write() as session:
        await session.execute(
            update(Person)
            .where(Person.channel == "simulator", Person.platform_user_id.in_(identities))
            .values(pdpa_notice_at=func.now())
        )


@pytest.fixture
async def simulator(sqlite_url: str) -> AsyncIterator[SimulatorClient]:
    """The demo citizen and officer, as returning users of the simulator."""
    app = create_app(make_settings(sqlite_url, max_image_bytes=MAX_IMAGE_BYTES), run_workers=True)
    async with app.router.lifespan_context(app):
        await have_read_the_privacy_notice(app.state.services, *RETURNING_PEOPLE)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://simulator.test") as http:
            yield SimulatorClient(http, app)
