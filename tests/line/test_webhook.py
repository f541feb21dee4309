"""The webhook: only LINE's signed deliveries get in, each event is stored once, LINE gets 200 at once."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from bot.app import create_app
from bot.core.malformed import dropped_total
from bot.settings import Settings
from storage.models import InboxEvent
from tests.line import events
from tests.line.conftest import LineBot

SDK_SAMPLE = Path(__file__).resolve().parents[1] / "data" / "line_sdk_webhook_sample.json"


async def test_a_wrong_signature_is_refused_and_nothing_is_stored(line_bot: LineBot) -> None:
    body = events.body_of(events.text("Uattacker", "สวัสดี"))
    response = await line_bot.post(body, signature=events.sign(body, secret="not-the-secret"))
    assert response.status_code == 401
    assert await line_bot.inbox_count() == 0


async def test_a_missing_signature_is_refused_and_nothing_is_stored(line_bot: LineBot) -> None:
    response = await line_bot.post(events.body_of(events.text("Uattacker", "สวัสดี")), signature=None)
    assert response.status_code == 401
    assert await line_bot.inbox_count() == 0


async def test_a_body_changed_after_signing_is_refused(line_bot: LineBot) -> None:
    body = events.body_of(events.text("Usomchai", "เรื่องจริง"))
    signature = events.sign(body)
    response = await line_bot.post(body.replace("เรื่องจริง".encode(), "เรื่องปลอม".encode()), signature=signature)
    assert response.status_code == 401
    assert await line_bot.inbox_count() == 0


@pytest.mark.parametrize("body", [b"not json at all", b'{"destination": "Ubot"}', b"[1, 2]", b"\xff\xfe"])
async def test_a_signed_body_that_is_not_a_webhook_is_acknowledged_counted_and_not_stored(
    line_bot: LineBot, body: bytes
) -> None:
    """LINE re-sends anything but a 2xx (and may switch the webhook off), so a body no retry can mend gets 200."""
    dropped_before = dropped_total("line")

    response = await line_bot.post(body)

    assert response.status_code == 200
    assert await line_bot.inbox_count() == 0
    assert dropped_total("line") == dropped_before + 1


async def test_the_console_verification_call_with_no_events_gets_200(line_bot: LineBot) -> None:
    response = await line_bot.post(events.body_of())
    assert response.status_code == 200
    assert await line_bot.inbox_count() == 0


async def test_events_are_stored_and_acknowledged_before_any_reply(line_bot: LineBot) -> None:
    await line_bot.known_citizen("Usomchai")
    response = await line_bot.post(events.body_of(events.text("Usomchai", "ช่วยเหลือ")))
    assert response.status_code == 200
    assert await line_bot.inbox_count() == 1
    assert line_bot.fake.state.requests == []  # nothing sent yet: the workers answer later


async def test_a_redelivered_event_changes_nothing(line_bot: LineBot) -> None:
    await line_bot.known_citizen("Usomchai")
    first = events.text("Usomchai", "ช่วยเหลือ", event_id="01HPPREDELIVERED")
    await line_bot.send(first)
    outbox_before = await line_bot.outbox()
    again = {**first, "deliveryContext": {"isRedelivery": True}, "replyToken": "rt-redelivered"}
    await line_bot.send(again)
    assert await line_bot.inbox_count() == 1
    assert len(await line_bot.outbox()) == len(outbox_before) == 1
    assert len(line_bot.fake.delivered()) == 1


async def test_many_events_in_one_body_are_handled_in_order(line_bot: LineBot) -> None:
    await line_bot.known_citizen("Usomchai")
    await line_bot.send(
        events.text("Usomchai", "ภาษา", reply_token="rt-a"),
        events.postback("Usomchai", "lang:en", reply_token="rt-b"),
        events.text("Usomchai", "help", reply_token="rt-c"),
    )
    person = await line_bot.person("Usomchai")
    assert person is not None and person.locale == "en"
    replies = [d.to[0] for d in line_bot.fake.delivered("reply")]
    assert replies == ["token:rt-a", "token:rt-b", "token:rt-c"]
    assert "How to use this service" in line_bot.fake.delivered("reply")[-1].messages[0]["text"]


async def test_the_sdk_sample_passes_with_200_and_no_error(line_bot: LineBot, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    response = await line_bot.post(SDK_SAMPLE.read_bytes())
    assert response.status_code == 200
    await line_bot.services.inbox_worker.drain()  # type: ignore[union-attr]
    await line_bot.services.outbox_sender.run_once()  # type: ignore[union-attr]
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    # Every event of the sample carries the same webhookEventId, so LINE's rule keeps just the first one.
    assert await line_bot.inbox_count() == 1


async def test_every_event_type_of_the_sdk_sample_maps_or_is_ignored(
    line_bot: LineBot, caplog: pytest.LogCaptureFixture
) -> None:
    sample = json.loads(SDK_SAMPLE.read_text())
    for number, event in enumerate(sample["events"]):
        event["webhookEventId"] = f"sample-{number:02d}"
    caplog.set_level(logging.INFO)
    response = await line_bot.post(json.dumps(sample).encode())
    assert response.status_code == 200
    async with line_bot.services.db.read() as session:
        stored = {row.event_id: row.payload["kind"] for row in await session.scalars(select(InboxEvent))}
    kinds = {event["webhookEventId"]: event["type"] for event in sample["events"]}
    assert {kinds[event_id] for event_id in stored} == {
        "message",
        "follow",
        "unfollow",
        "join",
        "postback",
        "memberJoined",
    }
    for ignored in (
        "leave",
        "beacon",
        "accountLink",
        "memberLeft",
        "unsend",
        "videoPlayComplete",
        "messageEdited",
        "undefined",
    ):
        assert all(kinds[event_id] != ignored for event_id in stored)
    assert sorted(stored.values()).count("unsupported") == 4  # video, audio, sticker, file
    await line_bot.services.inbox_worker.drain()  # type: ignore[union-attr]
    await line_bot.services.outbox_sender.run_once()  # type: ignore[union-attr]
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_the_webhook_says_so_when_line_is_not_configured(settings: Settings) -> None:
    app = create_app(settings, run_workers=False)
    body = events.body_of(events.text("U1", "hi"))
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.post("/webhooks/line", content=body, headers={"X-Line-Signature": events.sign(body)})
    assert response.status_code == 503
