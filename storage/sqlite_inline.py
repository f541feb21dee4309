"""SQLite for the writer, called in the event loop's own thread.

aiosqlite runs every call (making a cursor, executing, fetching, closing it) in a thread of its own and hands the
result back: four thread hand-offs for one statement. While the event loop is busy each hand-off waits for the
GIL, up to a switch interval (5 ms), and the writer's short statements spent most of their time there (py-spy:
the writer in `SimpleQueue.put_nowait` and waiting on its futures). The writer's statements are short and indexed, so
they run here directly, through the same aiosqlite dialect of SQLAlchemy: these classes offer the few methods it
calls.

SQLite's own busy handler would block the whole event loop while another writer (a CLI command, a test's second
database object) holds the lock, and that writer might be waiting for this loop: the connection has no busy
timeout, and a statement refused with "database is locked" is tried again after an asyncio sleep instead.
Reads keep aiosqlite's thread: a long report must not hold up the event loop.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any

BUSY_TIMEOUT_SECONDS = 30.0  # how long to keep trying while another writer holds SQLite's lock
BUSY_FIRST_PAUSE, BUSY_MAX_PAUSE = 0.001, 0.05


async def _when_free(run: Callable[[], Any]) -> Any:
    """Run a statement; while another writer holds the lock, let the event loop go on and try again."""
    pause, waited = BUSY_FIRST_PAUSE, 0.0
    while True:
        try:
            return run()
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or waited >= BUSY_TIMEOUT_SECONDS:
                raise
        await asyncio.sleep(pause)
        waited += pause
        pause = min(BUSY_MAX_PAUSE, pause * 2)


class _RunNow:
    """Stands in for aiosqlite's queue to its thread: the dialect puts (future, function) pairs on it."""

    def put_nowait(self, item: tuple[asyncio.Future[Any], Callable[[], Any]]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as error:
            future.set_exception(error)


class InlineCursor:
    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._cursor.close()

    async def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> InlineCursor:
        await _when_free(lambda: self._cursor.execute(sql, parameters))
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any] | dict[str, Any]]) -> InlineCursor:
        rows = list(parameters)  # it may be tried again
        await _when_free(lambda: self._cursor.executemany(sql, rows))
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size if size is not None else self._cursor.arraysize)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


class InlineConnection:
    """The parts of `aiosqlite.Connection` SQLAlchemy's aiosqlite dialect uses, done in the calling thread."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._conn = connection
        self._connection = connection  # the dialect checks it to see whether the connection is open
        self._tx = _RunNow()

    def cursor(self) -> InlineCursor:
        return InlineCursor(self._conn.cursor())

    async def commit(self) -> None:
        await _when_free(self._conn.commit)

    async def rollback(self) -> None:
        self._conn.rollback()

    async def close(self) -> None:
        self._conn.close()

    def stop(self) -> None:
        self._conn.close()

    def checkpoint(self, mode: str) -> tuple[int, int, int]:
        """`PRAGMA wal_checkpoint(mode)` outside any transaction: (busy, WAL pages, pages copied). Without a busy
        handler it never waits: a reader on an older snapshot makes it copy what it can and answer busy."""
        busy, pages, copied = self._conn.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
        return int(busy), int(pages), int(copied)

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level


def inline_creator(path: str) -> Callable[[], Any]:
    """`create_async_engine(..., async_creator=inline_creator(path))`."""

    async def connect() -> InlineConnection:
        connection = sqlite3.connect(path, timeout=0, check_same_thread=False)
        return InlineConnection(connection)

    return connect
