"""Issue 16: the simulator cannot switch itself on in production, and production has no demo people.

It was on (SIMULATOR=auto) in any process without platform credentials, and the release step seeded a demo
secretariat member: a second web process started without the LINE variables let an anonymous visitor act as
the secretariat.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, text

from bot.app import create_app
from bot.core.platforms import SIMULATOR_WARNING
from bot.settings import Settings
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Person, PlatformInUse, Province
from tests.conftest import make_settings
from tests.support.cli import hpp_bot

ROOT = Path(__file__).resolve().parents[2]
LINE_CREDENTIALS = {"line_channel_secret": "line-secret", "line_channel_access_token": "line-token"}


@dataclass
class Visit:
    """What an anonymous visitor gets from a web process."""

    page: int
    send_as_secretariat: int
    index: int

    @property
    def simulator(self) -> bool:
        return (self.page, self.send_as_secretariat, self.index) == (200, 202, 307)


async def visit(settings: Settings) -> Visit:
    app = create_app(settings, run_workers=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            page = await client.get("/simulator")
            send = await client.post("/simulator/api/send", json={"identity": "secretariat-1", "text": "เมนู"})
            index = await client.get("/", follow_redirects=False)
    return Visit(page.status_code, send.status_code, index.status_code)


async def recorded_platforms(url: str) -> set[str]:
    db = Database(url)
    try:
        async with db.read() as session:
            return set((await session.scalars(select(PlatformInUse.channel))).all())
    finally:
        await db.close()


async def test_a_second_web_process_without_the_line_variables_serves_no_simulator(any_database_url: str) -> None:
    with_line = await visit(make_settings(any_database_url, **LINE_CREDENTIALS))
    assert await recorded_platforms(any_database_url) == {"line"}

    without_line = await visit(make_settings(any_database_url))  # the same database, no LINE variables

    assert not with_line.simulator
    assert (without_line.page, without_line.send_as_secretariat, without_line.index) == (404, 404, 200)


async def test_the_simulator_is_on_for_a_database_no_platform_has_used_and_says_so_loudly(
    sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="bot.core.platforms"):
        assert (await visit(make_settings(sqlite_url))).simulator
    logged = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "bot.core.platforms"]
    assert logged == [(logging.WARNING, SIMULATOR_WARNING)]
    assert await recorded_platforms(sqlite_url) == set()


async def test_simulator_on_is_obeyed_on_a_database_used_with_a_platform_and_warned_about(
    sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    await visit(make_settings(sqlite_url, telegram_bot_token="123:ABC"))
    assert not (await visit(make_settings(sqlite_url, simulator="auto"))).simulator

    with caplog.at_level(logging.WARNING, logger="bot.core.platforms"):
        assert (await visit(make_settings(sqlite_url, simulator="on"))).simulator
    assert SIMULATOR_WARNING in caplog.messages


async def test_simulator_off_is_obeyed_and_nothing_is_warned(sqlite_url: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.core.platforms"):
        assert not (await visit(make_settings(sqlite_url, simulator="off"))).simulator
    assert caplog.messages == []


def test_the_migration_counts_a_platform_a_database_already_has_people_from(tmp_path: Path) -> None:
    """An installation upgraded to this version: its LINE citizens say it is used with LINE."""
    url = f"sqlite+aiosqlite:///{tmp_path}/upgraded.db"
    upgrade(url, "0007_channel_state")

    async def add_a_line_citizen() -> None:
        db = Database(url)
        try:
            async with db.write() as session:  # in SQL: the models have columns this old schema lacks
                await session.execute(
                    text(
                        "INSERT INTO people (channel, platform_user_id, chat_id, locale, role, is_reachable)"
                        " VALUES ('line', 'U1', 'U1', 'th', 'citizen', true)"
                    )
                )
        finally:
            await db.close()

    asyncio.run(add_a_line_citizen())
    upgrade(url)
    assert asyncio.run(recorded_platforms(url)) == {"line"}


def test_seed_makes_demo_people_only_with_demo(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/fresh.db"
    upgrade(url)

    async def people() -> dict[str, tuple[str, str | None]]:
        db = Database(url)
        try:
            async with db.read() as session:
                rows = await session.execute(
                    select(Person.platform_user_id, Person.role, Province.name_th).outerjoin(
                        Province, Province.id == Person.province_id
                    )
                )
                return {user: (role, province) for user, role, province in rows}
        finally:
            await db.close()

    assert hpp_bot(url, "seed") == 0  # the Procfile's release step
    assert asyncio.run(people()) == {}
    assert hpp_bot(url, "seed", "--demo") == 0  # make run
    assert asyncio.run(people())["secretariat-1"] == ("secretariat", "เชียงราย")


def test_only_make_run_asks_for_the_demo_people() -> None:
    procfile = (ROOT / "Procfile").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "release: hpp-bot db upgrade && hpp-bot seed\n" in procfile and "--demo" not in procfile
    assert "\t$(BIN)/hpp-bot seed --demo\n" in makefile
