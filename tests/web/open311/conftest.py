"""The real app in its lifespan (no workers), reached in-process, with API keys issued by `hpp-bot api-key`."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from contextlib import redirect_stdout
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

import httpx
import pytest
from starlette.applications import Starlette

from bot.app import create_app
from bot.services import Services
from tests.conftest import make_settings
from tests.support.cli import hpp_bot


async def run_cli(url: str, *argv: str) -> str:
    """An `hpp-bot` command line (in a thread: it runs its own event loop); what it printed."""
    out = io.StringIO()

    def run() -> None:
        with redirect_stdout(out):
            assert hpp_bot(url, *argv) == 0

    await asyncio.to_thread(run)
    return out.getvalue()


async def issue_key(url: str, name: str, *province: str) -> str:
    """`hpp-bot api-key create`; the key it printed."""
    printed = await run_cli(url, "api-key", "create", "--name", name, *(("--province", *province) if province else ()))
    line = next(line for line in printed.splitlines() if line.startswith("api key: "))
    return line.removeprefix("api key: ")


@dataclass
class Api:
    http: httpx.AsyncClient
    app: Starlette
    key: str  # may post to Chiang Rai only

    @property
    def services(self) -> Services:
        services: Services = self.app.state.services
        return services

    async def post(self, fmt: str = "json", **fields: Any) -> httpx.Response:
        form = {
            "api_key": self.key,
            "jurisdiction_id": "CRI",
            "service_code": "waste",
            "lat": "19.9105",
            "long": "99.8406",
            "description": "ขยะกองใหญ่ริมถนนหน้าตลาดไม่มีคนเก็บมาสามวัน",
        }
        form.update({k: v for k, v in fields.items() if v is not None})
        for name in [k for k, v in fields.items() if v is None]:
            form.pop(name, None)
        return await self.http.post(f"/open311/v2/requests.{fmt}", data=form)

    async def get(self, path: str, **params: Any) -> httpx.Response:
        return await self.http.get(f"/open311/v2/{path}", params=params)


def xml_of(response: httpx.Response) -> ElementTree.Element:
    assert response.headers["content-type"].startswith("text/xml")
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ElementTree.fromstring(response.content)


@pytest.fixture
async def api(sqlite_url: str) -> AsyncIterator[Api]:
    async for served in serve_api(sqlite_url):
        yield served


@pytest.fixture
async def api_on_any_database(any_database_url: str) -> AsyncIterator[Api]:
    """The same on SQLite and again on PostgreSQL (tests of SQL the two may read differently)."""
    async for served in serve_api(any_database_url):
        yield served


async def serve_api(url: str) -> AsyncIterator[Api]:
    key = await issue_key(url, "city-app", "เชียงราย")
    app = create_app(make_settings(url), run_workers=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://open311.test") as http:
            yield Api(http, app, key)
