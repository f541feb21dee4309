"""`hpp-bot telegram set-webhook | set-commands | poll` against the fake Bot API."""

from __future__ import annotations

import argparse
import asyncio

import pytest

from bot.channels.telegram.poll import poll_once, run_polling, stored_offset
from bot.cli.telegram import cmd_set_commands, cmd_set_webhook
from bot.settings import Settings
from tests.conftest import make_settings
from tests.fakes.telegram_api import TOKEN, FakeTelegramApi
from tests.telegram.conftest import SECRET, TelegramBot
from tests.telegram.updates import text_update


def settings_for(url: str, api: FakeTelegramApi, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "telegram_bot_token": TOKEN,
        "telegram_webhook_secret": SECRET,
        "telegram_api_base_url": api.url,
        "public_base_url": "https://hpp.example.go.th",
    }
    values.update(overrides)
    return make_settings(url, **values)


def test_set_webhook_points_telegram_at_the_public_url_with_the_secret(
    sqlite_url: str, fake_api: FakeTelegramApi
) -> None:
    result = cmd_set_webhook(argparse.Namespace(drop_pending=False), settings_for(sqlite_url, fake_api))

    assert result == 0
    assert fake_api.state.webhook["url"] == "https://hpp.example.go.th/webhooks/telegram"
    assert fake_api.state.webhook["secret_token"] == SECRET
    assert fake_api.state.webhook["allowed_updates"] == ["message", "callback_query"]


def test_set_webhook_without_a_secret_refuses_and_calls_nothing(
    sqlite_url: str, fake_api: FakeTelegramApi, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_for(sqlite_url, fake_api, telegram_webhook_secret=None)

    assert cmd_set_webhook(argparse.Namespace(drop_pending=False), settings) == 2
    assert "TELEGRAM_WEBHOOK_SECRET" in capsys.readouterr().err
    assert fake_api.state.calls == []


def test_set_commands_publishes_thai_english_and_a_thai_default(sqlite_url: str, fake_api: FakeTelegramApi) -> None:
    assert cmd_set_commands(argparse.Namespace(), settings_for(sqlite_url, fake_api)) == 0

    commands = fake_api.state.commands
    assert set(commands) == {"th", "en", ""}
    assert [c["command"] for c in commands["en"]] == ["start", "menu", "status", "help", "lang", "cancel"]
    english = {c["command"]: c["description"] for c in commands["en"]}
    thai = {c["command"]: c["description"] for c in commands["th"]}
    assert english["menu"] == "Show the main menu"
    assert thai["menu"] == "แสดงเมนูหลัก"
    assert commands[""] == commands["th"]


async def test_polling_stores_updates_in_the_inbox_and_confirms_them(tg: TelegramBot) -> None:
    await tg.known_citizen(4242)  # has read the PDPA notice already: /help is answered at once
    tg.api.queue_update(text_update(4242, "/start", update_id=61))
    tg.api.queue_update(text_update(4242, "/help", update_id=62))

    offset = await poll_once(tg.services, tg.channel, None, long_poll_seconds=0)
    again = await poll_once(tg.services, tg.channel, offset, long_poll_seconds=0)

    assert (offset, again) == (63, 63)
    assert await tg.inbox_count() == 2
    assert tg.api.state.updates == []  # the offset told Telegram they are safely stored
    assert await stored_offset(tg.services.db, tg.channel.bot_id) == 63  # where a restart goes on from
    await tg.pump()
    assert "1567" in tg.api.sent_to(4242)[-1].text


async def test_polling_removes_the_webhook_first_and_stops_when_asked(tg: TelegramBot) -> None:
    tg.api.state.webhook = {"url": "https://hpp.example.go.th/webhooks/telegram"}
    tg.api.queue_update(text_update(4242, "/help", update_id=71))
    stop = asyncio.Event()

    polling = asyncio.create_task(run_polling(tg.services, tg.channel, stop, long_poll_seconds=0))
    await asyncio.wait_for(tg.services.inbox_wakeup.wait(), timeout=5)  # set when an update is stored
    stop.set()
    await asyncio.wait_for(polling, timeout=5)

    methods = [c.method for c in tg.api.state.calls if c.method != "getMe"]
    assert methods[0] == "deleteWebhook" and "getUpdates" in methods
    assert tg.api.state.webhook == {}
    assert await tg.inbox_count() == 1


def test_set_commands_reports_a_refusal_in_one_line(
    sqlite_url: str, fake_api: FakeTelegramApi, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_api.fail_next(400, method="setMyCommands", description="Bad Request: command description is empty")

    assert cmd_set_commands(argparse.Namespace(), settings_for(sqlite_url, fake_api)) == 1
    assert capsys.readouterr().err.strip() == "hpp-bot: Telegram said no: Command description is empty"
