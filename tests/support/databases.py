"""Test databases: migrated and seeded once per run, then copied for each test (SQLite file copy, or a
PostgreSQL `CREATE DATABASE ... TEMPLATE`), so every test starts from the same real, seeded schema."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from storage.db import Database
from storage.migrate import upgrade

POSTGRES_ENV = "TEST_POSTGRES_URL"
REQUIRE_ALL_ENV = "HPP_REQUIRE_ALL_TESTS"  # set by .ci/run: a test that would skip fails instead


def postgres_server_url() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        if os.environ.get(REQUIRE_ALL_ENV):
            pytest.fail(f"{POSTGRES_ENV} is not set, and {REQUIRE_ALL_ENV} says every test must run")
        pytest.skip(f"{POSTGRES_ENV} is not set (e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test)")
    return url


def _with_database(url: str, name: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + name


async def _admin(server_url: str, *statements: str) -> None:
    engine = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            for statement in statements:
                await conn.execute(text(statement))
    finally:
        await engine.dispose()


async def _seed(url: str) -> None:
    from storage.seed import seed

    db = Database(url)
    try:
        await seed(db, demo=True)  # the simulator's demo people, as `make run` has them
    finally:
        await db.close()


class SqliteTemplate:
    def __init__(self, folder: Path) -> None:
        self.path = folder / "template.db"
        url = f"sqlite+aiosqlite:///{self.path}"
        upgrade(url)
        asyncio.run(_seed(url))

    def copy(self, folder: Path) -> str:
        target = folder / f"test-{uuid.uuid4().hex[:8]}.db"
        shutil.copyfile(self.path, target)
        return f"sqlite+aiosqlite:///{target}"


class PostgresTemplate:
    def __init__(self, server_url: str) -> None:
        self.server_url = server_url
        self.name = f"hpp_tpl_{uuid.uuid4().hex[:10]}"
        asyncio.run(_admin(server_url, f'CREATE DATABASE "{self.name}"'))
        url = _with_database(server_url, self.name)
        upgrade(url)
        asyncio.run(_seed(url))
        self.copies: list[str] = []

    async def copy(self) -> str:
        name = f"hpp_test_{uuid.uuid4().hex[:10]}"
        await _admin(self.server_url, f'CREATE DATABASE "{name}" TEMPLATE "{self.name}"')
        self.copies.append(name)
        return _with_database(self.server_url, name)

    async def drop(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        await _admin(self.server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def drop_all(self) -> None:
        statements = [f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)' for n in [*self.copies, self.name]]
        asyncio.run(_admin(self.server_url, *statements))
