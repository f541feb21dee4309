"""The engine and session factory.

SQLite (the embedded default) runs in WAL mode with a busy timeout; write transactions start with
`BEGIN IMMEDIATE` so that two writers queue on the lock instead of failing half-way with "database is locked".
Reads use a second engine with plain deferred transactions so they never wait for a writer.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import Insert, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase

SQLITE_BUSY_TIMEOUT_MS = 30_000
log = logging.getLogger(__name__)


def _sqlite_hooks(engine: AsyncEngine, *, immediate: bool) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (the documented SQLite recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str, *, immediate: bool = True, echo: bool = False) -> AsyncEngine:
    if url.startswith("sqlite"):
        # Pooled: opening a connection (a thread, the file, four pragmas) took ~6 ms, most of a write's time,
        # and the outbox records every message it sends in a write.
        engine = create_async_engine(url, echo=echo, pool_size=5, max_overflow=20)
        _sqlite_hooks(engine, immediate=immediate)
        return engine
    return create_async_engine(url, echo=echo, pool_size=10, max_overflow=10, pool_pre_ping=True)


def insert_ignore(session: AsyncSession, model: type[DeclarativeBase], *unique: str) -> Insert:
    """An INSERT that leaves a row alone when one with the same `unique` columns exists (on either database)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(model).on_conflict_do_nothing(index_elements=list(unique))


class SchemaNotCurrent(SystemExit):
    """The database lacks migrations: start-up stops with one line instead of failing on every query."""


class Database:
    """Both engines and the session factories; opened in the app's lifespan, closed at shutdown."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.engine = make_engine(url, immediate=True, echo=echo)
        self.read_engine = make_engine(url, immediate=False, echo=echo) if self.is_sqlite else self.engine
        self._write_sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._read_sessions = async_sessionmaker(self.read_engine, expire_on_commit=False)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A write transaction: committed on success, rolled back on any error."""
        async with self._write_sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        async with self._read_sessions() as session, session.begin():
            yield session

    async def ping(self) -> None:
        async with self.read_engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def check_schema(self) -> None:
        """Refuse to run on a database the migrations have not reached, with one clear line."""
        from storage.migrate import missing_revisions

        try:
            async with self.read_engine.connect() as conn:
                missing = await conn.run_sync(missing_revisions)
        except (OSError, DBAPIError) as exc:
            # Unreachable now: start anyway and let /healthz say so, the workers retry until it is back.
            log.warning("database unreachable at start-up: %s", exc)
            return
        if missing:
            raise SchemaNotCurrent(
                "hpp-bot: the database is not up to date (missing migrations: "
                f"{', '.join(sorted(missing))}): run `hpp-bot db upgrade` first"
            )

    async def close(self) -> None:
        await self.engine.dispose()
        if self.read_engine is not self.engine:
            await self.read_engine.dispose()
