"""Signed bodies LINE would never send: each is answered 200 (a 5xx is re-sent and may get the webhook switched
off), counted, logged without its contents, and nothing of it is stored that could not be applied."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from sqlalchemy import select

from bot.core.malformed import dropped_total
from bot.core.types import Inbound
from storage.models import InboxEvent, InboxStatus
from tests.line import events
from tests.line.conftest import LineBot

SECRET_WORDS = "เบอร์ 0812345678 บ้านเลขที่ 99"  # must never reach a log line


def deeply_nested(depth: int) -> bytes:
    return b'{"events": [' + b"[" * depth + b"]" * depth + b"]}"


def with_message(**message: Any) -> dict[str, Any]:
    event = events.text("Usomchai", SECRET_WORDS)
    event["message"] = {**event["message"], **message}
    return event


def without(field: str) -> dict[str, Any]:
    event = events.text("Usomchai", SECRET_WORDS)
    del event[field]
    return event


MALFORMED_EVENTS = {
    "text is a number": with_message(text=5),
    "text is a list": with_message(text=[SECRET_WORDS]),
    "no source": without("source"),
    "no message": without("message"),
    "user id is a number": {**events.text("Usomchai", SECRET_WORDS), "source": {"type": "user", "userId": 7}},
    "time after the year 9999": events.text("Usomchai", SECRET_WORDS, timestamp_ms=10**20),
    "time before 1970": events.text("Usomchai", SECRET_WORDS, timestamp_ms=-(10**15)),
    "latitude out of range": events.location("Usomchai", 123.0, 99.8),
    "postback data is an object": {**events.postback("Usomchai", "x"), "postback": {"data": {"a": 1}}},
    "event id with a NUL": events.text("Usomchai", SECRET_WORDS, event_id="01HPP\u0000X"),
    "user id too long": events.text("U" * 500, SECRET_WORDS),
}


@pytest.mark.parametrize("event", MALFORMED_EVENTS.values(), ids=MALFORMED_EVENTS.keys())
async def test_a_malformed_event_is_acknowledged_counted_and_not_stored(
    line_bot: LineBot, event: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    before = dropped_total("line")
    with caplog.at_level(logging.INFO):
        response = await line_bot.post(events.body_of(event))
    assert response.status_code == 200
    assert await line_bot.inbox_count() == 0
    assert dropped_total("line") == before + 1
    assert SECRET_WORDS not in caplog.text and "Usomchai" not in caplog.text


@pytest.mark.parametrize("depth", [40, 100_000])
async def test_deeply_nested_json_is_acknowledged_and_dropped(line_bot: LineBot, depth: int) -> None:
    before = dropped_total("line")
    response = await line_bot.post(deeply_nested(depth))
    assert response.status_code == 200
    assert await line_bot.inbox_count() == 0
    assert dropped_total("line") == before + 1


async def test_a_bad_event_does_not_cost_the_good_one_beside_it(line_bot: LineBot) -> None:
    await line_bot.known_citizen("Usomchai")
    response = await line_bot.post(events.body_of(with_message(text=5), events.text("Usomchai", "ช่วยเหลือ")))
    assert response.status_code == 200
    assert await line_bot.inbox_count() == 1


async def stored(line_bot: LineBot) -> list[InboxEvent]:
    async with line_bot.services.db.read() as session:
        return list(await session.scalars(select(InboxEvent).order_by(InboxEvent.id)))


async def test_a_lone_surrogate_is_replaced_and_the_event_applies(line_bot: LineBot) -> None:
    await line_bot.known_citizen("Usomchai")
    body = events.body_of(events.text("Usomchai", "PLACEHOLDER"))
    body = body.replace(b"PLACEHOLDER", b"\\ud800 \\u0000ok")  # JSON escapes for a lone surrogate and NUL
    assert (await line_bot.post(body)).status_code == 200
    [row] = await stored(line_bot)
    assert Inbound.from_json(row.payload).text == "\ufffd ok"
    await line_bot.send()  # the workers run
    [row] = await stored(line_bot)
    assert row.status == InboxStatus.DONE


async def test_a_text_over_lines_limit_is_cut_to_it(line_bot: LineBot) -> None:
    body = json.dumps({"events": [events.text("Usomchai", "ก" * 20_000)]}).encode()  # \\u escapes: 120 KB
    assert (await line_bot.post(body)).status_code == 200
    [row] = await stored(line_bot)
    assert Inbound.from_json(row.payload).text == "ก" * 5000
