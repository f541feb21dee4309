"""The engines and sessions.

SQLite (the embedded default) runs in WAL mode. It has one writer at a time, and a writer that finds the lock
taken sleeps in SQLite's busy handler (up to 100 ms a try) instead of queueing. So within a process every write
goes through one `GroupWriter`: one connection, writers queued in turn on an asyncio lock, each in a savepoint of a
shared transaction that is committed once for the group (group commit, with no added wait: the last writer of a
group commits as soon as no one else is queued). A failing writer rolls back only its own savepoint. Reads use a
second engine with plain deferred transactions, side by side, and never wait for the writer.

PostgreSQL (`DATABASE_URL=postgresql+asyncpg://…`) takes concurrent writers itself: each write is its own
transaction on a pooled connection.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from functools import cache
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Insert, Table, bindparam, event, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase

from storage.sqlite_inline import inline_creator

WAL_AUTOCHECKPOINT_PAGES = 1000  # SQLite's default, said aloud: a commit past ~4 MB of WAL copies it back
WAL_KEEP_BYTES = 4 * 2**20  # once checkpointed, the WAL file is cut back to this (journal_size_limit)
READER_CACHE_KB = 1024  # SQLite's page cache of each pooled read connection
SQLITE_BUSY_TIMEOUT_MS = 30_000  # another process's writer (a CLI command, a test's second worker) is waited for
GROUP_MAX_SECONDS = 0.05  # a group commits at the latest after this long, even with writers still queued
log = logging.getLogger(__name__)


def _sqlite_hooks(engine: AsyncEngine, *, immediate: bool, inline: bool) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (the documented SQLite recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        if not inline:  # the writer waits for the lock in the event loop, not in SQLite (storage/sqlite_inline.py)
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Without a limit the WAL file keeps the size of its largest burst for ever (issue 16).
        cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
        cursor.execute(f"PRAGMA journal_size_limit={WAL_KEEP_BYTES}")
        if not immediate:  # a reader: its pages are in the OS's file cache anyway (SQLite's default is 2 MB each)
            cursor.execute(f"PRAGMA cache_size=-{READER_CACHE_KB}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str, *, immediate: bool = True, inline: bool = False, echo: bool = False) -> AsyncEngine:
    """`inline`: SQLite calls made in the event loop's thread (the writer's short statements; see
    storage/sqlite_inline.py); otherwise in aiosqlite's thread (reads, which may be long)."""
    if url.startswith("sqlite"):
        # Pooled: opening a connection (a thread, the file, four pragmas) took ~6 ms, most of a write's time,
        # and the outbox records every message it sends in a write.
        creator = {"async_creator": inline_creator(make_url(url).database or "")} if inline else {}
        engine = create_async_engine(url, echo=echo, pool_size=5, max_overflow=20, **creator)
        _sqlite_hooks(engine, immediate=immediate, inline=inline)
        return engine
    return create_async_engine(url, echo=echo, pool_size=10, max_overflow=10, pool_pre_ping=True)


def table_of(model: type[DeclarativeBase]) -> Table:
    """A mapped model's table, for Core statements on the hot path."""
    return cast(Table, model.__table__)


def insert_ignore(session: AsyncSession, model: type[DeclarativeBase], *unique: str) -> Insert:
    """An INSERT that leaves a row alone when one with the same `unique` columns exists (on either database).
    A Core statement on the model's table: the ORM's bulk-insert machinery cost more than the insert itself on the
    hot path (py-spy, docs/scaling.md "Profile"), and it adds nothing to a plain INSERT."""
    return insert_ignore_on(session.get_bind().dialect.name, model, *unique)


@cache
def insert_ignore_on(dialect: str, model: type[DeclarativeBase], *unique: str) -> Insert:
    """`insert_ignore` for a dialect by name, built once (statements are immutable: `.values()` and `.returning()`
    make new ones)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table_of(model)).on_conflict_do_nothing(index_elements=list(unique))


async def update_by_id(session: AsyncSession, model: type[DeclarativeBase], rows: Sequence[dict[str, Any]]) -> None:
    """Set each row's columns (the keys of its dict; "id" says which row) in one executemany per set of keys:
    Core, since the ORM's bulk UPDATE by primary key spent more time preparing than SQLite spent updating."""
    table = table_of(model)
    by_keys: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        values = {key: value for key, value in row.items() if key != "id"}
        by_keys.setdefault(tuple(sorted(values)), []).append({"row_id": row["id"], **values})
    for params in by_keys.values():  # the SET clause is the parameters' other keys
        await session.execute(update(table).where(table.c.id == bindparam("row_id")), params)


class WriterTurns:
    """Whose turn it is at the writer: a lock that serves waiting urgent writers (the webhooks' inbox inserts)
    before the others (a batch of turns, the sender's claims), each kind in arrival order. A webhook then waits at
    most for the write under way, not for every batch queued before it (the ack's p99 under a burst)."""

    def __init__(self) -> None:
        self._held = False
        self._urgent: deque[asyncio.Future[None]] = deque()
        self._normal: deque[asyncio.Future[None]] = deque()

    async def acquire(self, *, urgent: bool = False) -> None:
        if not self._held and not self._urgent and not self._normal:
            self._held = True
            return
        waiting = asyncio.get_running_loop().create_future()
        queue = self._urgent if urgent else self._normal
        queue.append(waiting)
        try:
            await waiting
        except asyncio.CancelledError:
            if waiting.done() and not waiting.cancelled():
                self.release()  # the turn was handed over just as this writer was cancelled: pass it on
            else:
                queue.remove(waiting)
            raise

    def release(self) -> None:
        """Hand the turn to the next writer, urgent ones first; it stays held meanwhile."""
        for queue in (self._urgent, self._normal):
            while queue:
                waiting = queue.popleft()
                if not waiting.done():
                    waiting.set_result(None)
                    return
        self._held = False

    @asynccontextmanager
    async def held(self) -> AsyncIterator[None]:
        await self.acquire()
        try:
            yield
        finally:
            self.release()


class GroupWriter:
    """One connection that every write of this process takes in turn; writers queued meanwhile join the open
    transaction (each in a savepoint) and are committed together."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._turn = WriterTurns()
        self._queued = 0  # writers waiting for their turn
        self._connection: AsyncConnection | None = None
        self._group: asyncio.Future[None] | None = None  # resolved when the open transaction commits
        self._group_started = 0.0
        self._stragglers: set[asyncio.Task[None]] = set()
        self.commits = 0  # with `writes`, for the benchmarks: writes per commit
        self.writes = 0

    @asynccontextmanager
    async def write(self, *, urgent: bool = False) -> AsyncIterator[AsyncSession]:
        """A write in its own savepoint of the shared transaction; returns once that transaction is committed,
        and raises if the body failed (its writes undone) or the commit did. `urgent` writes go first."""
        self._queued += 1
        try:
            await self._turn.acquire(urgent=urgent)
        finally:
            self._queued -= 1
        try:
            group = await self._join_group()
            try:
                async with self._session() as session, session.begin():
                    yield session
            finally:
                self.writes += 1
                if self._queued == 0 or time.monotonic() - self._group_started > GROUP_MAX_SECONDS:
                    await self._commit()
        finally:
            self._turn.release()
        if not group.done():
            self._commit_later(group)
        await asyncio.shield(group)

    def _session(self) -> AsyncSession:
        assert self._connection is not None
        return AsyncSession(bind=self._connection, join_transaction_mode="create_savepoint", expire_on_commit=False)

    async def _join_group(self) -> asyncio.Future[None]:
        if self._connection is None:
            self._connection = await self.engine.connect()
        if self._group is None:
            await self._connection.begin()
            self._group = asyncio.get_running_loop().create_future()
            self._group_started = time.monotonic()
        return self._group

    def _commit_later(self, group: asyncio.Future[None]) -> None:
        """The writers queued behind this one commit the group; should they all be cancelled before their turn,
        this commits it after them."""

        async def commit_if_still_open() -> None:
            async with self._turn.held():
                if self._group is group:
                    await self._commit()

        task = asyncio.create_task(commit_if_still_open())
        self._stragglers.add(task)
        task.add_done_callback(self._stragglers.discard)

    async def _commit(self) -> None:
        assert self._connection is not None and self._group is not None
        group, self._group = self._group, None
        try:
            await self._connection.commit()
        except BaseException as exc:
            await self._reset()
            group.set_exception(exc if isinstance(exc, Exception) else RuntimeError("the commit was interrupted"))
            group.exception()  # the writers waiting for it raise it; nobody else needs to be told
            raise
        self.commits += 1
        group.set_result(None)

    async def _reset(self) -> None:
        """After a failed commit the connection is in an unknown state: start again from a fresh one."""
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                await connection.close()
            except Exception:  # it is being thrown away anyway
                log.debug("closing the writer's connection failed", exc_info=True)

    async def checkpoint(self) -> tuple[int, int, int]:
        """Copy the WAL into the database and truncate it, between two groups (the writer is idle meanwhile):
        (busy, WAL pages, pages copied), see `InlineConnection.checkpoint`."""
        async with self._turn.held():
            if self._group is not None:
                await self._commit()
            if self._connection is None:
                self._connection = await self.engine.connect()
            raw = await self._connection.get_raw_connection()
            return raw.driver_connection.checkpoint("TRUNCATE")  # type: ignore[union-attr]

    async def close(self) -> None:
        async with self._turn.held():
            if self._group is not None:
                await self._commit()
            await self._reset()


class SchemaNotCurrent(SystemExit):
    """The database lacks migrations: start-up stops with one line instead of failing on every query."""


class Database:
    """Both engines and the session factories; opened in the app's lifespan, closed at shutdown."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.engine = make_engine(url, immediate=True, inline=self.is_sqlite, echo=echo)
        self.read_engine = make_engine(url, immediate=False, echo=echo) if self.is_sqlite else self.engine
        self._write_sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._read_sessions = async_sessionmaker(self.read_engine, expire_on_commit=False)
        self.writer = GroupWriter(self.engine) if self.is_sqlite else None

    @asynccontextmanager
    async def write(self, *, urgent: bool = False) -> AsyncIterator[AsyncSession]:
        """A write transaction: committed on success, rolled back on any error. `urgent`: an acknowledgement
        waits for it (a webhook's insert), so on SQLite it goes before the writes already queued."""
        if self.writer is not None:
            async with self.writer.write(urgent=urgent) as session:
                yield session
            return
        async with self._write_sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        async with self._read_sessions() as session, session.begin():
            yield session

    def wal_bytes(self) -> int:
        """The size of SQLite's WAL file (0 on PostgreSQL, or before the first write)."""
        if not self.is_sqlite:
            return 0
        wal = Path(str(make_url(self.url).database) + "-wal")
        return wal.stat().st_size if wal.exists() else 0

    async def checkpoint(self) -> None:
        """SQLite: the WAL copied into the database and its file truncated, where no reader holds an older
        snapshot (else what can be copied is, and the next call does the rest). PostgreSQL: nothing to do."""
        if self.writer is None:
            return
        busy, pages, copied = await self.writer.checkpoint()
        log.debug("WAL checkpoint: %s of %s pages copied%s", copied, pages, " (readers busy)" if busy else "")

    async def ping(self) -> None:
        async with self.read_engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def check_schema(self) -> None:
        """Refuse to run on a database the migrations have not reached, with one clear line."""
        from storage.revisions import missing_revisions  # without Alembic: it would stay loaded (revisions.py)

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
        if self.writer is not None:
            await self.writer.close()
        await self.engine.dispose()
        if self.read_engine is not self.engine:
            await self.read_engine.dispose()
