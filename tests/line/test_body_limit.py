"""Bodies over 1 MB are refused before any work: a stranger's huge body is never read whole, hashed or stored."""

from __future__ import annotations

from collections.abc import AsyncIterator

from bot.web.body_limit import MAX_BODY_BYTES
from tests.line import events
from tests.line.conftest import LineBot

CHUNK = 64 * 1024


async def test_a_2_mb_body_with_a_bogus_signature_gets_413_and_nothing_is_stored(line_bot: LineBot) -> None:
    body = b'{"events": [' + b" " * (2 * 1024 * 1024) + b"]}"

    response = await line_bot.post(body, signature="bogus")

    assert response.status_code == 413
    assert await line_bot.inbox_count() == 0


async def test_a_chunked_body_without_a_length_is_cut_off_as_it_streams(line_bot: LineBot) -> None:
    pulled = 0

    async def five_megabytes() -> AsyncIterator[bytes]:
        nonlocal pulled
        for _chunk in range(5 * 1024 * 1024 // CHUNK):
            pulled += 1
            yield b" " * CHUNK

    response = await line_bot.client.post(
        "/webhooks/line", content=five_megabytes(), headers={"X-Line-Signature": "bogus"}
    )

    assert response.status_code == 413
    assert pulled <= MAX_BODY_BYTES // CHUNK + 2  # read up to the limit, never the rest
    assert await line_bot.inbox_count() == 0


async def test_a_signed_body_just_over_the_limit_is_refused_too(line_bot: LineBot) -> None:
    words = "ก" * (MAX_BODY_BYTES // 3 + 10)  # three bytes each in UTF-8
    response = await line_bot.post(events.body_of(events.text("Usomchai", words)))

    assert response.status_code == 413
    assert await line_bot.inbox_count() == 0


async def test_an_ordinary_signed_webhook_still_works(line_bot: LineBot) -> None:
    await line_bot.known_citizen("Usomchai")

    await line_bot.send(events.text("Usomchai", "ช่วยเหลือ"))

    assert await line_bot.inbox_count() == 1
    [delivery] = line_bot.fake.delivered()
    assert delivery.messages[0]["text"].startswith("วิธีใช้บริการ")


async def test_every_route_has_the_limit(line_bot: LineBot) -> None:
    for path in ("/", "/healthz", "/webhooks/telegram", "/no-such-page"):
        response = await line_bot.client.post(path, content=b"x" * (MAX_BODY_BYTES + 1))
        assert response.status_code == 413, path


async def test_a_content_length_that_is_not_a_number_is_a_bad_request(line_bot: LineBot) -> None:
    response = await line_bot.client.post(
        "/webhooks/line", content=b"{}", headers={"Content-Length": "2 2", "X-Line-Signature": "bogus"}
    )

    assert response.status_code == 400
    assert await line_bot.inbox_count() == 0
