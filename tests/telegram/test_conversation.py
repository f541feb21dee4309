"""Conversations through the real webhook, inbox, engine, outbox and the real PTB client to the fake Bot API."""

from __future__ import annotations

from tests.fakes.telegram_api import Call
from tests.telegram.conftest import TelegramBot
from tests.telegram.updates import callback_update, location_update, text_update

SOMCHAI = 4242


def last(calls: list[Call]) -> Call:
    assert calls, "nothing was sent"
    return calls[-1]


async def test_start_greets_in_thai_with_the_menu_as_inline_buttons(tg: TelegramBot) -> None:
    await tg.receive(text_update(SOMCHAI, "/start"))

    sent = tg.api.sent_to(SOMCHAI)
    assert sent, "the bot said nothing"
    assert any("ยินดีต้อนรับ" in call.text for call in sent)
    menu = last(sent)
    assert menu.params["parse_mode"] == "HTML"
    codes = menu.callback_codes()
    assert "m:complain" in codes and "g:help" in codes and "g:lang" in codes
    assert all(len(code.encode()) <= 64 and code.isascii() for code in codes)
