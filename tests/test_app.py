"""The app's set-up: settings from the environment, one clear line for a bad value, health, the CLI."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from bot.app import create_app
from bot.settings import Settings, SettingsError, load_settings
from tests.conftest import make_settings

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("PORT", "70000", "PORT: Input should be less than or equal to 65535"),
        ("PORT", "eighty", "PORT: Input should be a valid integer, unable to parse string as an integer"),
        ("PUBLIC_BASE_URL", "not a url", "PUBLIC_BASE_URL: Value error, not a http/https URL: 'not a url'"),
        ("LINE_API_BASE_URL", "ftp://x", "LINE_API_BASE_URL: Value error, not a http/https URL: 'ftp://x'"),
        ("DATABASE_URL", "hpp.db", "DATABASE_URL: Value error, not a database URL: 'hpp.db'"),
        ("DEFAULT_LOCALE", "fr", "DEFAULT_LOCALE: Value error, DEFAULT_LOCALE must be one of th, en, not 'fr'"),
    ],
)
def test_a_bad_setting_stops_start_up_with_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    assert str(raised.value) == f"hpp-bot: bad configuration: {message}"


def test_the_cli_prints_the_line_and_no_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "db", "upgrade"],
        cwd=tmp_path,
        env={"PORT": "0", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "hpp-bot: bad configuration: PORT: Input should be greater than or equal to 1"


def test_channels_without_credentials_are_off(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert not settings.line_enabled and not settings.telegram_enabled
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")  # the form hosting platforms hand out
    assert load_settings().database_url == "postgresql+asyncpg://u@h/db"


async def test_health_checks_the_database(sqlite_url: str) -> None:
    app = create_app(make_settings(sqlite_url), run_workers=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert "simulator" in response.json()["channels"]


async def test_health_reports_an_unreachable_database(tmp_path: Path) -> None:
    app = create_app(make_settings(f"sqlite+aiosqlite:///{tmp_path}/missing/dir/x.db"), run_workers=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            response = await client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable"}


def test_a_database_without_the_migrations_stops_start_up_with_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "worker"],
        cwd=tmp_path,
        env={"DATABASE_URL": f"sqlite:///{tmp_path}/new.db", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("hpp-bot: the database is not up to date")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("overrides", "served"),
    [
        ({}, True),  # no platform configured: the simulator is the channel
        ({"telegram_bot_token": "123:ABC"}, False),  # a real platform: nobody may act as the secretariat
        ({"telegram_bot_token": "123:ABC", "simulator": "on"}, True),
        ({"simulator": "off"}, False),
    ],
)
async def test_the_simulator_is_off_once_a_real_platform_is_on(
    sqlite_url: str, overrides: dict[str, object], served: bool
) -> None:
    app = create_app(make_settings(sqlite_url, **overrides), run_workers=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            page = await client.get("/simulator")
            identities = await client.get("/simulator/api/identities")
    assert (page.status_code, identities.status_code) == ((200, 200) if served else (404, 404))


def test_the_worker_and_polling_run_on_uvloop() -> None:
    """Issue 11: `hpp-bot worker` and `hpp-bot telegram poll` run their loop as uvicorn runs `serve`'s."""
    from bot.cli.common import run_long

    seen: list[str] = []

    async def main() -> None:
        seen.append(type(asyncio.get_running_loop()).__module__)

    run_long(main())
    assert seen == ["uvloop"]
