"""Storage test fixtures: a migrated SQLite file, and a fresh PostgreSQL database per test module."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from storage.db import Database
from storage.migrate import upgrade

POSTGRES_ENV = "TEST_POSTGRES_URL"


async def _admin(server_url: str, statement: str) -> None:
    """Run one statement outside a transaction (CREATE/DROP DATABASE) on the server's maintenance database."""
    engine = create_async_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


def _sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated SQLite file in a temporary directory."""
    path: Path = tmp_path_factory.mktemp("sqlite") / "hpp.db"
    url = f"sqlite+aiosqlite:///{path}"
    upgrade(url)
    yield url


def _postgres_url() -> Iterator[str]:
    """A migrated, freshly created PostgreSQL database, dropped afterwards."""
    server_url = os.environ.get(POSTGRES_ENV)
    if not server_url:
        pytest.skip(f"{POSTGRES_ENV} not set: e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    name = f"hpp_test_{secrets.token_hex(6)}"
    asyncio.run(_admin(server_url, f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
        upgrade(url)
        yield url
    finally:
        asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a migrated database, one per test module and backend."""
    if request.param == "sqlite":
        yield from _sqlite_url(tmp_path_factory)
    else:
        yield from _postgres_url()


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """An open `Database` on the module's migrated database (SQLite or PostgreSQL)."""
    db = Database(database_url)
    try:
        yield db
    finally:
        await db.close()
