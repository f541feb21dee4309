"""The simulator's API takes what a browser (or anyone) posts without a crash: deeply nested JSON is refused with
its usual message, Unicode digits and lone surrogates are answered like any other text, and an `after` that is not
a plain number reads from the start."""

from __future__ import annotations

import json

from sqlalchemy import select

from storage.models import InboxEvent, InboxStatus
from tests.web.conftest import SimulatorClient


async def test_deeply_nested_json_is_refused_like_any_unreadable_body(simulator: SimulatorClient) -> None:
    response = await simulator.http.post(
        "/simulator/api/send", content=b"[" * 60_000, headers={"content-type": "application/json"}
    )

    assert response.status_code == 400
    assert response.json()["message"] == "ไม่สามารถอ่านข้อความได้"
    assert await simulator.stored() == (0, 0)


async def test_odd_characters_are_answered_applied_and_stored_as_valid_unicode(simulator: SimulatorClient) -> None:
    for text in ("²", "①", "\ud800 เมนู"):
        body = json.dumps({"identity": "citizen-1", "text": text}).encode()  # "\\ud800" escaped, as JSON allows
        response = await simulator.http.post(
            "/simulator/api/send", content=body, headers={"content-type": "application/json"}
        )
        assert response.status_code == 202, text
        assert await simulator.replies()  # answered
    async with simulator.services.db.read() as session:
        rows = (await session.scalars(select(InboxEvent).order_by(InboxEvent.id))).all()
    assert {row.status for row in rows} == {InboxStatus.DONE}
    assert rows[-1].payload["text"] == "\ufffd เมนู"  # stored as valid Unicode, whatever the database


async def test_an_after_that_is_not_a_plain_number_reads_from_the_start(simulator: SimulatorClient) -> None:
    response = await simulator.http.get("/simulator/api/messages", params={"identity": "citizen-1", "after": "²"})

    assert response.status_code == 200
