"""Conversations through the real webhook, inbox, engine, outbox and the real PTB client to the fake Bot API:
the same flows a LINE user lives, rendered the Telegram way."""

from __future__ import annotations

from sqlalchemy import select

from bot.core.i18n import _, use_locale
from handlers import menu
from storage.models import InboxEvent, Media, Person
from tests.fakes.telegram_api import Call
from tests.telegram.conftest import TelegramBot
from tests.telegram.updates import (
    callback_update,
    group_chat,
    location_update,
    message_update,
    photo_update,
    text_update,
)

SOMCHAI = 4242
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 2048


def th(message: str) -> str:
    with use_locale("th"):
        return _(message)


def last(calls: list[Call]) -> Call:
    assert calls, "nothing was sent"
    return calls[-1]


async def start(tg: TelegramBot, user_id: int = SOMCHAI) -> Call:
    await tg.known_citizen(user_id)
    await tg.receive(text_update(user_id, "/start"))
    return last(tg.api.sent_to(user_id))


async def test_start_greets_in_thai_with_the_menu_as_inline_buttons(tg: TelegramBot) -> None:
    menu = await start(tg)

    assert "ยินดีต้อนรับ" in menu.text
    assert menu.params["parse_mode"] == "HTML"
    codes = menu.callback_codes()
    assert codes[:4] == ["m:complain", "m:follow", "m:agenda", "m:feedback"]
    assert {"g:lang", "g:help"} <= set(codes)
    assert all(len(code.encode()) <= 64 and code.isascii() for code in codes)
    labels = [button["text"] for row in menu.button_rows() for button in row]
    assert "แจ้งเรื่องร้องเรียน" in labels


async def test_first_contact_takes_the_name_and_language_from_telegram(tg: TelegramBot) -> None:
    await tg.receive(text_update(777, "/start", lang="en"))
    first_prompt = last(tg.api.sent_to(777))

    async with tg.services.db.read() as session:
        person = await session.scalar(select(Person).where(Person.channel == "telegram"))
    assert person is not None
    assert (person.platform_user_id, person.chat_id, person.display_name, person.locale) == (
        "777",
        "777",
        "Somchai Jaidee",
        "en",
    )
    # Whatever a newcomer meets first (the welcome, or the PDPA notice), it is in English with buttons.
    assert not any("\u0e00" <= ch <= "\u0e7f" for ch in first_prompt.text)
    assert first_prompt.callback_codes()


async def test_pressing_help_answers_the_button_and_removes_the_old_keyboard(tg: TelegramBot) -> None:
    await start(tg)

    await tg.receive(callback_update(SOMCHAI, "g:help", message_id=31, query_id="press-1"))

    assert [c.params["callback_query_id"] for c in tg.api.calls_to("answerCallbackQuery")] == ["press-1"]
    removed = last(tg.api.calls_to("editMessageReplyMarkup"))
    assert (removed.chat_id, removed.params["message_id"], removed.reply_markup) == (str(SOMCHAI), "31", None)
    help_message = last(tg.api.sent_to(SOMCHAI))
    assert "1567" in help_message.text
    assert "g:help" in help_message.callback_codes()  # the menu comes back under the help


async def test_switching_to_english_and_back_to_thai(tg: TelegramBot) -> None:
    await start(tg)

    await tg.receive(callback_update(SOMCHAI, "g:lang"))
    languages = last(tg.api.sent_to(SOMCHAI))
    assert languages.callback_codes() == ["lang:th", "lang:en"]

    await tg.receive(callback_update(SOMCHAI, "lang:en"))
    english = last(tg.api.sent_to(SOMCHAI))
    assert english.text == "Language set to English."
    assert english.button_rows()[0][0]["text"] == "File a complaint"

    await tg.receive(text_update(SOMCHAI, "/lang"))
    await tg.receive(callback_update(SOMCHAI, "lang:th"))
    assert last(tg.api.sent_to(SOMCHAI)).text == th("Language set to Thai.")


async def test_typing_the_number_of_a_button_works_like_pressing_it(tg: TelegramBot) -> None:
    menu = await start(tg)
    help_number = menu.callback_codes().index("g:help") + 1

    await tg.receive(text_update(SOMCHAI, str(help_number)))

    assert "1567" in last(tg.api.sent_to(SOMCHAI)).text


async def test_an_old_button_says_the_menu_expired_and_shows_the_current_menu(tg: TelegramBot) -> None:
    await start(tg)

    await tg.receive(callback_update(SOMCHAI, "cmp:cat:3", query_id="old-press"))

    expired, current = tg.api.sent_to(SOMCHAI)[-2:]
    assert expired.text == th("That menu has expired.")
    assert "m:complain" in current.callback_codes()
    assert [c.params["callback_query_id"] for c in tg.api.calls_to("answerCallbackQuery")] == ["old-press"]


async def test_a_shared_location_reaches_the_flow_as_a_location(tg: TelegramBot) -> None:
    await start(tg)

    await tg.receive(location_update(SOMCHAI, 19.9105, 99.8406))

    async with tg.services.db.read() as session:
        event = await session.scalar(select(InboxEvent).order_by(InboxEvent.id.desc()))
    assert event is not None and event.payload["kind"] == "location"
    assert event.payload["location"]["latitude"] == 19.9105
    assert last(tg.api.sent_to(SOMCHAI)).text.startswith(
        th('Thank you. To report a problem, choose "File a complaint" first.')[:10]
    )


async def test_a_photo_is_downloaded_in_its_largest_size_and_stored(tg: TelegramBot) -> None:
    await start(tg)
    tg.api.add_file("big-photo", JPEG)

    await tg.receive(photo_update(SOMCHAI, "big-photo", size=len(JPEG)))

    assert [c.params["file_id"] for c in tg.api.calls_to("getFile")] == ["big-photo"]
    async with tg.services.db.read() as session:
        media = await session.scalar(select(Media).where(Media.ref == "telegram:big-photo"))
    assert media is not None and media.data == JPEG and media.content_type == "image/jpeg"


async def test_a_photo_over_the_limit_is_refused_without_downloading_it(tg: TelegramBot) -> None:
    await start(tg)

    await tg.receive(photo_update(SOMCHAI, "huge-photo", size=25 * 1024 * 1024))

    assert tg.api.calls_to("getFile") == []
    async with tg.services.db.read() as session:
        event = await session.scalar(select(InboxEvent).order_by(InboxEvent.id.desc()))
        stored_media = (await session.scalars(select(Media.id))).all()
    assert event is not None and event.payload["extra"]["media_error"] == "too_large"
    assert stored_media == []


async def test_a_sticker_is_answered_as_not_supported_with_the_last_prompt(tg: TelegramBot) -> None:
    await start(tg)
    sticker = {
        "file_id": "st",
        "file_unique_id": "st-u",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "type": "regular",
    }

    await tg.receive(message_update(SOMCHAI, sticker=sticker))

    not_supported, prompt = tg.api.sent_to(SOMCHAI)[-2:]
    assert not_supported.text == th(
        "Sorry, this kind of message is not supported yet. Please send text, a photo or a location."
    )
    assert "m:complain" in prompt.callback_codes()


async def test_in_a_group_only_start_and_help_are_answered(tg: TelegramBot) -> None:
    await tg.known_citizen(SOMCHAI)
    group = group_chat(-100200300)

    await tg.receive(text_update(SOMCHAI, "สวัสดีครับ ถนนพัง", chat=group))
    await tg.receive(text_update(SOMCHAI, "/menu@hpp_test_bot", chat=group))
    assert tg.api.sent_to(-100200300) == []
    assert await tg.inbox_count() == 1  # chatter is not even stored; the command is, and stays unanswered

    await tg.receive(text_update(SOMCHAI, "/help@hpp_test_bot", chat=group))

    (introduction,) = tg.api.sent_to(-100200300)
    with use_locale("th"):
        assert introduction.text == menu.group_introduction().text
    assert introduction.reply_markup is None
    assert tg.api.sent_to(SOMCHAI) == []
