"""Issue 16, finding 9: a message no platform can take (text that is not valid Unicode) or that the platform
refuses for good (a 4xx other than 429) fails at once: it is not retried eight times while the chat waits behind
it, and nothing logs what it said."""

from __future__ import annotations

import logging

import pytest

from bot.core.types import Reply
from tests.telegram.conftest import TelegramBot
from tests.telegram.test_delivery import outbox_rows, queue

SOMCHAI = 4242
SECRET_TEXT = "เรื่องร้องเรียนของนายสมชาย โทร 0812345678"


async def test_an_unencodable_message_fails_at_once_and_the_chat_goes_on(
    tg: TelegramBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    await queue(tg, SOMCHAI, Reply(f"{SECRET_TEXT} \ud800"), key="bad-1")
    await queue(tg, SOMCHAI, Reply("ข้อความถัดไป"), key="next-1")

    await tg.deliver_due()

    bad, following = await outbox_rows(tg)
    assert (bad.status, bad.attempts) == ("failed", 1)
    assert (bad.last_error or "").startswith("encoding:")
    assert following.status == "sent"
    assert [c.text for c in tg.api.sent_to(SOMCHAI)] == ["ข้อความถัดไป"]  # not held up behind the bad one
    assert "สมชาย" not in caplog.text and "0812345678" not in caplog.text


# (401 and 404 are how Telegram answers a wrong bot token: every message would fail alike, so they are kept and
# retried until the configuration is fixed.)
@pytest.mark.parametrize("status", [400, 409])
async def test_a_refusal_other_than_429_fails_at_once_and_the_chat_goes_on(
    tg: TelegramBot, caplog: pytest.LogCaptureFixture, status: int
) -> None:
    caplog.set_level(logging.INFO)
    tg.api.fail_next(status, method="sendMessage", description="Bad Request: chat not found")
    await queue(tg, SOMCHAI, Reply(SECRET_TEXT), key="refused-1")
    await queue(tg, SOMCHAI, Reply("ข้อความถัดไป"), key="next-1")

    await tg.deliver_due()

    refused, following = await outbox_rows(tg)
    assert (refused.status, refused.attempts) == ("failed", 1)
    assert following.status == "sent"
    assert [c.text for c in tg.api.sent_to(SOMCHAI)] == ["ข้อความถัดไป"]
    assert "สมชาย" not in caplog.text and "0812345678" not in caplog.text
