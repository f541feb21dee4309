"""The real app (webhooks, inbox, engine) on a fresh database with fake platform APIs, driven from a synchronous
Hypothesis test through one event loop: post a signed body, later drain the inbox and look at every row."""

from __future__ import annotations

import asyncio
import hashlib
from collections import Counter
from collections.abc import Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from bot.app import create_app
from bot.services import Services
from storage.models import InboxEvent, InboxStatus, Person
from tests.conftest import make_settings
from tests.fakes.telegram_api import TOKEN
from tests.fuzz.bodies import LINE_USERS, TELEGRAM_USERS
from tests.line import events
from tests.telegram.conftest import SECRET, SECRET_HEADER

CRASHES = Path(__file__).resolve().parents[1] / "data" / "fuzz"  # bodies that once crashed the app, replayed


@dataclass
class FuzzedApp:
    """One running app; `statuses` counts the answers to every body posted."""

    runner: asyncio.Runner
    client: httpx.AsyncClient
    services: Services
    path: str
    headers_for: Callable[[bytes], dict[str, str]]
    statuses: Counter[int] = field(default_factory=Counter)
    server_errors: list[bytes] = field(default_factory=list)

    def post(self, body: bytes) -> int:
        response = self.runner.run(self.client.post(self.path, content=body, headers=self.headers_for(body)))
        self.statuses[response.status_code] += 1
        if response.status_code >= 500:
            self.server_errors.append(body)
        return response.status_code

    def drain(self) -> dict[str, int]:
        """Run the inbox worker until nothing is pending; the rows by status."""
        return self.runner.run(self._drain())

    async def _drain(self) -> dict[str, int]:
        assert self.services.inbox_worker is not None
        while await self.services.inbox_worker.run_once():
            pass
        async with self.services.db.read() as session:
            rows = await session.execute(select(InboxEvent.status, func.count()).group_by(InboxEvent.status))
            return {str(status): int(count) for status, count in rows.all()}

    def failed_errors(self) -> list[str]:
        async def read() -> list[str]:
            async with self.services.db.read() as session:
                rows = await session.scalars(select(InboxEvent.error).where(InboxEvent.status == InboxStatus.FAILED))
                return [str(error) for error in rows.all()]

        return self.runner.run(read())


async def _start(
    stack: AsyncExitStack, database_url: str, settings: dict[str, Any], users: list[tuple[str, str]]
) -> tuple[httpx.AsyncClient, Services]:
    app = create_app(make_settings(database_url, **settings), run_workers=False)
    await stack.enter_async_context(app.router.lifespan_context(app))
    services: Services = app.state.services
    async with services.db.write() as session:
        for channel, user in users:
            session.add(
                Person(
                    channel=channel,
                    platform_user_id=user,
                    chat_id=user,
                    locale="th",
                    role="citizen",
                    pdpa_notice_at=datetime.now(UTC),
                )
            )
    client = await stack.enter_async_context(
        httpx.AsyncClient(
            # An exception escaping the app is what a server answers with a 500: counted, not raised here.
            transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
            base_url="http://testserver",
        )
    )
    return client, services


def running_app(
    runner: asyncio.Runner,
    stack: AsyncExitStack,
    database_url: str,
    *,
    settings: dict[str, Any],
    users: list[tuple[str, str]],
    path: str,
    headers_for: Callable[[bytes], dict[str, str]],
) -> FuzzedApp:
    client, services = runner.run(_start(stack, database_url, settings, users))
    return FuzzedApp(runner, client, services, path, headers_for)


def save_crash(platform: str, body: bytes) -> Path:
    """Keep a body that crashed the app, named by its content, for the replay test."""
    CRASHES.mkdir(parents=True, exist_ok=True)
    path = CRASHES / f"{platform}-{hashlib.sha256(body).hexdigest()[:16]}.body"
    path.write_bytes(body)
    return path


def line_app(runner: asyncio.Runner, stack: AsyncExitStack, database_url: str, api_url: str) -> FuzzedApp:
    """The app with LINE on, every body posted with a valid signature."""
    return running_app(
        runner,
        stack,
        database_url,
        settings={
            "line_channel_secret": events.SECRET,
            "line_channel_access_token": events.TOKEN,
            "line_api_base_url": api_url,
        },
        users=[("line", user) for user in LINE_USERS],
        path="/webhooks/line",
        headers_for=lambda body: {"X-Line-Signature": events.sign(body)},
    )


def telegram_app(runner: asyncio.Runner, stack: AsyncExitStack, database_url: str, api_url: str) -> FuzzedApp:
    """The app with Telegram on, every body posted with the webhook's secret token."""
    return running_app(
        runner,
        stack,
        database_url,
        settings={"telegram_bot_token": TOKEN, "telegram_webhook_secret": SECRET, "telegram_api_base_url": api_url},
        users=[("telegram", str(user)) for user in TELEGRAM_USERS],
        path="/webhooks/telegram",
        headers_for=lambda _body: {SECRET_HEADER: SECRET},
    )
