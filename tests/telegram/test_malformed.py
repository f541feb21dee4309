"""Authentic updates Telegram would never send: each is answered 200 (Telegram re-sends anything else), counted,
logged without its contents, and nothing of it is stored that could not be applied."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from sqlalchemy import select

from bot.core.malformed import dropped_total
from bot.core.types import Inbound
from storage.models import InboxEvent, InboxStatus
from tests.telegram.conftest import TelegramBot
from tests.telegram.updates import (
    callback_update,
    location_update,
    message_update,
    photo_update,
    private_chat,
    text_update,
)

SOMCHAI = 4242
SECRET_WORDS = "เบอร์ 0812345678 บ้านเลขที่ 99"  # must never reach a log line


def changed(update: dict[str, Any], **message: Any) -> dict[str, Any]:
    return {**update, "message": {**update["message"], **message}}


def venue_without_location() -> dict[str, Any]:
    place = {"latitude": 19.9, "longitude": 99.8}
    return message_update(SOMCHAI, location=place, venue={"title": SECRET_WORDS, "address": "x"})


MALFORMED_UPDATES = {
    "chat id is a lone surrogate": changed(
        text_update(SOMCHAI, SECRET_WORDS), chat={"id": "\ud800", "type": "private"}
    ),
    "user id is text": changed(text_update(SOMCHAI, SECRET_WORDS), **{"from": {"id": "x", "is_bot": False}}),
    "user id is true": changed(
        text_update(SOMCHAI, SECRET_WORDS), **{"from": {"id": True, "is_bot": False, "first_name": "S"}}
    ),
    "text is a list": changed(text_update(SOMCHAI, SECRET_WORDS), text=[SECRET_WORDS]),
    "text is a number": changed(text_update(SOMCHAI, SECRET_WORDS), text=12),
    "no chat": {
        "update_id": 77,
        "message": {"message_id": 1, "date": 1, "from": {"id": 1, "is_bot": False}, "text": SECRET_WORDS},
    },
    "date out of range": changed(text_update(SOMCHAI, SECRET_WORDS), date=10**20),
    "venue without a location": venue_without_location(),
    "location out of range": location_update(SOMCHAI, 1e308, 99.0),
    "caption is a number": changed(photo_update(SOMCHAI, "p", size=10), caption=7),
    "first name is a number": changed(
        text_update(SOMCHAI, SECRET_WORDS), **{"from": {"id": SOMCHAI, "is_bot": False, "first_name": 7}}
    ),
    "chat id past 64 bits": changed(text_update(SOMCHAI, SECRET_WORDS), chat={**private_chat(2**70), "id": 2**70}),
    "update id is true": {**text_update(SOMCHAI, SECRET_WORDS), "update_id": True},
    "callback data is an object": callback_update(SOMCHAI, "x") | {"callback_query": {"id": "q", "data": {}}},
    "language is a list": changed(
        text_update(SOMCHAI, SECRET_WORDS),
        **{"from": {"id": SOMCHAI, "is_bot": False, "first_name": "S", "language_code": ["th"]}},
    ),
}


@pytest.mark.parametrize("update", MALFORMED_UPDATES.values(), ids=MALFORMED_UPDATES.keys())
async def test_a_malformed_update_is_acknowledged_counted_and_not_stored(
    tg: TelegramBot, update: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    before = dropped_total("telegram")
    with caplog.at_level(logging.INFO):
        response = await tg.post(json.dumps(update).encode())
    assert response.status_code == 200
    assert await tg.inbox_count() == 0
    assert dropped_total("telegram") == before + 1
    assert SECRET_WORDS not in caplog.text and str(SOMCHAI) not in caplog.text


async def test_deeply_nested_json_is_acknowledged_and_dropped(tg: TelegramBot) -> None:
    before = dropped_total("telegram")
    response = await tg.post(b'{"update_id": 1, "message": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    assert response.status_code == 200
    assert await tg.inbox_count() == 0
    assert dropped_total("telegram") == before + 1


async def stored(tg: TelegramBot) -> list[InboxEvent]:
    async with tg.services.db.read() as session:
        return list(await session.scalars(select(InboxEvent).order_by(InboxEvent.id)))


async def test_a_lone_surrogate_in_a_text_is_replaced_and_the_update_applies(tg: TelegramBot) -> None:
    await tg.known_citizen(SOMCHAI)
    body = json.dumps(text_update(SOMCHAI, "PLACEHOLDER")).encode().replace(b"PLACEHOLDER", b"\\udfff ok")
    assert (await tg.post(body)).status_code == 200
    [row] = await stored(tg)
    assert Inbound.from_json(row.payload).text == "\ufffd ok"
    await tg.pump()
    [row] = await stored(tg)
    assert row.status == InboxStatus.DONE


async def test_a_text_over_telegrams_limit_is_cut_to_it(tg: TelegramBot) -> None:
    assert (await tg.post(text_update(SOMCHAI, "ก" * 20_000))).status_code == 200
    [row] = await stored(tg)
    assert Inbound.from_json(row.payload).text == "ก" * 4096
