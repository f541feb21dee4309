"""The webhook's gate: the secret token, bad bodies, repeats, and the updates the bot does not use."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.core.malformed import dropped_total
from tests.fakes.telegram_api import FakeTelegramApi
from tests.telegram.conftest import TelegramBot, running_bot
from tests.telegram.updates import callback_update, private_chat, text_update, user

SOMCHAI = 4242


@pytest.mark.parametrize("secret", ["wrong", "", None, "s3cret "])
async def test_a_wrong_or_missing_secret_is_refused_and_nothing_is_stored(tg: TelegramBot, secret: str | None) -> None:
    response = await tg.post(text_update(SOMCHAI, "/start"), secret=secret)
    await tg.pump()

    assert response.status_code == 403
    assert await tg.inbox_count() == 0
    assert tg.api.sent_to(SOMCHAI) == []


@pytest.fixture
async def tg_without_secret(sqlite_url: str, fake_api: FakeTelegramApi) -> AsyncIterator[TelegramBot]:
    async for bot in running_bot(sqlite_url, fake_api, telegram_webhook_secret=None):
        yield bot


async def test_without_a_configured_secret_every_update_is_refused(tg_without_secret: TelegramBot) -> None:
    response = await tg_without_secret.post(text_update(SOMCHAI, "/start"), secret="anything")

    assert response.status_code == 403
    assert await tg_without_secret.inbox_count() == 0


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'{"message": {}}', b'{"update_id": "seven"}', b"\xff\xfe"])
async def test_an_authentic_body_that_is_not_an_update_is_acknowledged_counted_and_not_stored(
    tg: TelegramBot, body: bytes
) -> None:
    """Telegram re-sends anything but a 2xx, so a body no retry can mend is answered 200 and dropped."""
    dropped_before = dropped_total("telegram")

    response = await tg.post(body)

    assert response.status_code == 200
    assert await tg.inbox_count() == 0
    assert dropped_total("telegram") == dropped_before + 1


async def test_a_repeated_update_changes_nothing(tg_any_db: TelegramBot) -> None:
    tg = tg_any_db
    await tg.receive(text_update(SOMCHAI, "/start", update_id=9001))
    press = callback_update(SOMCHAI, "g:help", update_id=9002)
    await tg.receive(press)
    sent_before = len(tg.api.sent_to(SOMCHAI))

    again = await tg.post(press)
    await tg.pump()

    assert again.status_code == 200  # Telegram must stop re-sending it
    assert await tg.inbox_count() == 2
    assert len(tg.api.sent_to(SOMCHAI)) == sent_before
    assert len(tg.api.calls_to("answerCallbackQuery")) == 1


UNUSED_UPDATES = {
    "edited_message": {
        "message_id": 5,
        "date": 1,
        "edit_date": 2,
        "chat": private_chat(SOMCHAI),
        "from": user(SOMCHAI),
        "text": "x",
    },
    "channel_post": {
        "message_id": 6,
        "date": 1,
        "chat": {"id": -1001, "type": "channel", "title": "ข่าว"},
        "text": "ประกาศ",
    },
    "poll": {
        "id": "p1",
        "question": "?",
        "options": [],
        "total_voter_count": 0,
        "is_closed": False,
        "is_anonymous": True,
        "type": "regular",
        "allows_multiple_answers": False,
    },
    "my_chat_member": {
        "chat": private_chat(SOMCHAI),
        "from": user(SOMCHAI),
        "date": 1,
        "old_chat_member": {"status": "member", "user": {"id": 123, "is_bot": True, "first_name": "HPP"}},
        "new_chat_member": {
            "status": "kicked",
            "until_date": 0,
            "user": {"id": 123, "is_bot": True, "first_name": "HPP"},
        },
    },
    "inline_query": {"id": "iq", "from": user(SOMCHAI), "query": "ร้องเรียน", "offset": ""},
}


@pytest.mark.parametrize("kind", sorted(UNUSED_UPDATES))
async def test_updates_the_bot_does_not_use_are_acknowledged_and_ignored(tg: TelegramBot, kind: str) -> None:
    response = await tg.post({"update_id": 7000, kind: UNUSED_UPDATES[kind]})
    await tg.pump()

    assert response.status_code == 200
    assert await tg.inbox_count() == 0
    assert [c.method for c in tg.api.state.calls if c.method != "getMe"] == []


@pytest.fixture
async def tg_off(sqlite_url: str, fake_api: FakeTelegramApi) -> AsyncIterator[TelegramBot]:
    async for bot in running_bot(sqlite_url, fake_api, telegram_bot_token=None):
        yield bot


async def test_without_a_bot_token_the_webhook_says_the_channel_is_off(tg_off: TelegramBot) -> None:
    response = await tg_off.post(text_update(SOMCHAI, "/start"))

    assert response.status_code == 503
    assert "telegram" not in tg_off.services.channels
