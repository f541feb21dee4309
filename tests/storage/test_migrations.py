"""Migrations go down and up again on both databases (SQLite's batch mode rebuilds tables; PostgreSQL alters)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from sqlalchemy import inspect, text

from storage.db import make_engine
from storage.migrate import downgrade, upgrade


def run_sql(url: str, statement: str, **params: Any) -> list[Any]:
    async def run() -> list[Any]:
        engine = make_engine(url, immediate=False)
        try:
            async with engine.begin() as conn:
                result = await conn.execute(text(statement), params)
                return list(result.all()) if result.returns_rows else []
        finally:
            await engine.dispose()

    return asyncio.run(run())


def schema(url: str) -> tuple[set[str], set[str]]:
    """The tables, and the outbox's columns."""

    async def read() -> tuple[set[str], set[str]]:
        engine = make_engine(url, immediate=False)
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(
                    lambda sync: (
                        set(inspect(sync).get_table_names()),
                        {column["name"] for column in inspect(sync).get_columns("outbox")},
                    )
                )
        finally:
            await engine.dispose()

    return asyncio.run(read())


def test_channel_state_migrates_down_and_up_keeping_the_outbox(database_url: str) -> None:
    tables, outbox = schema(database_url)
    assert "chat_flags" in tables and "parts_done" in outbox

    downgrade(database_url, "0006_progress_photos")
    tables, outbox = schema(database_url)
    assert "chat_flags" not in tables and "parts_done" not in outbox
    key = f"queued-before-{uuid.uuid4().hex[:8]}"  # a row queued by the version before
    run_sql(
        database_url,
        "INSERT INTO outbox (idempotency_key, channel, recipient, payload, is_group, status, attempts,"
        " used_reply_token) VALUES (:key, 'telegram', '42', '[]', false, 'pending', 1, false)",
        key=key,
    )

    upgrade(database_url)
    tables, outbox = schema(database_url)
    assert "chat_flags" in tables and "parts_done" in outbox
    rows = run_sql(database_url, "SELECT status, parts_done FROM outbox WHERE idempotency_key = :key", key=key)
    assert rows == [("pending", 0)]  # nothing of it was delivered
