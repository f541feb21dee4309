"""The sender's claim on PostgreSQL stays a probe per candidate however stale the planner's statistics: in a burst
the outbox grows from nothing to thousands of waiting Telegram rows faster than autovacuum analyses it, and the
planner, believing the table nearly empty, answered "has this chat an earlier unfinished row?" by walking every
unfinished row of the channel for each candidate: 2.3-3.6 s a claim, and LINE's replies waited behind it
(migration 0022, bot/core/outbox/claim.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event

from bot.core import outbox
from bot.core.outbox.claim import due_rows, due_rows_parameters
from storage.db import Database

pytestmark = pytest.mark.postgres
WAITING = 3000


async def test_the_claim_asks_each_candidates_chat_by_its_index(postgres_url: str) -> None:
    db = Database(postgres_url)
    try:
        now = datetime.now(UTC)
        rows = [
            outbox.new_row(key=f"t{n}", channel="telegram", recipient=str(1000 + n), payload=[], next_attempt_at=now)
            for n in range(WAITING)
        ]
        async with db.write() as session:
            await outbox.insert_rows(session, rows)
        plan = await explained(
            db, due_rows(("line", "telegram")), due_rows_parameters(now, {"line": 100, "telegram": 60})
        )
    finally:
        await db.close()
    nodes = list(walk(plan))
    assert not [node for node in nodes if node.get("Join Type") == "Anti"]
    probes = [node for node in nodes if node.get("Parent Relationship") == "SubPlan" or "Subplan Name" in node]
    assert probes, "the earlier-row question is asked per candidate"
    conditions = [str(node.get("Index Cond", "")) for node in nodes if node.get("Alias") == "earlier"]
    assert conditions and all("recipient" in condition for condition in conditions), conditions
    assert (
        sum(
            node.get("Actual Rows", 0) * node.get("Actual Loops", 1) for node in nodes if node.get("Alias") == "earlier"
        )
        == 0
    )


async def explained(db: Database, statement: Any, parameters: dict[str, object]) -> dict[str, Any]:
    """EXPLAIN ANALYZE of the statement as the sender runs it (asyncpg, bound parameters)."""

    def explain(_conn: Any, _cursor: Any, sql: str, params: Any, _context: Any, _many: bool) -> tuple[str, Any]:
        return f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params

    event.listen(db.engine.sync_engine, "before_cursor_execute", explain, retval=True)
    try:
        async with db.read() as session:
            found = (await session.execute(statement, parameters)).scalar()
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", explain)
    plan = json.loads(found) if isinstance(found, str) else found
    return dict(plan[0]["Plan"])


def walk(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", []):
        yield from walk(child)
