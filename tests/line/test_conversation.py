"""A citizen's LINE conversation end to end: signed webhooks in, the real SDK client out to the fake API."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.core.i18n import _, use_locale
from handlers import menu
from storage.models import Media
from tests.line import events
from tests.line.conftest import LineBot


def quick_replies(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [item["action"] for item in (message.get("quickReply") or {}).get("items", [])]


def last_message(line_bot: LineBot) -> dict[str, Any]:
    return line_bot.fake.delivered()[-1].messages[-1]


async def test_a_new_follower_is_welcomed_with_buttons_by_reply_token(line_bot: LineBot) -> None:
    await line_bot.send(events.follow("Unew", reply_token="rt-follow"))
    [delivery] = line_bot.fake.delivered()
    assert delivery.kind == "reply" and delivery.to == ["token:rt-follow"]
    buttons = quick_replies(delivery.messages[-1])
    assert buttons and all(b["type"] == "postback" and len(b["label"]) <= 20 for b in buttons)
    person = await line_bot.person("Unew")
    assert person is not None and person.is_reachable


async def test_a_citizen_walks_the_menu_help_and_language_with_quick_replies(line_bot: LineBot) -> None:
    await line_bot.known_citizen("Usomchai")
    await line_bot.send(events.text("Usomchai", "เมนู"))
    menu = {b["data"]: b for b in quick_replies(last_message(line_bot))}
    assert {"m:complain", "m:follow", "m:agenda", "m:feedback", "g:lang", "g:help"} <= set(menu)
    assert menu["g:help"]["displayText"]  # the press shows as the user's own words in the chat

    await line_bot.send(events.postback("Usomchai", menu["g:help"]["data"]))
    assert "1567" in line_bot.fake.delivered()[-1].messages[0]["text"]

    await line_bot.send(events.postback("Usomchai", "g:lang"))
    languages = {b["label"]: b["data"] for b in quick_replies(last_message(line_bot))}
    assert languages == {"ภาษาไทย": "lang:th", "English": "lang:en"}

    await line_bot.send(events.postback("Usomchai", languages["English"]))
    assert line_bot.fake.delivered()[-1].messages[0]["text"] == "Language set to English."
    english_menu = {b["data"]: b["label"] for b in quick_replies(last_message(line_bot))}
    assert "g:help" in english_menu

    await line_bot.send(events.text("Usomchai", str(list(english_menu).index("g:help") + 1)))  # typed number
    assert "How to use this service" in line_bot.fake.delivered()[-1].messages[0]["text"]

    await line_bot.send(events.sticker("Usomchai"))
    assert "not supported" in line_bot.fake.delivered()[-1].messages[0]["text"]

    kinds = [d.kind for d in line_bot.fake.delivered()]
    share = kinds.count("reply") / len(kinds)
    print(f"\nLINE reply-token share in the test conversation: {kinds.count('reply')}/{len(kinds)} = {share:.0%}")
    assert share == 1.0  # a conversation never spends the push quota
    assert all(row.used_reply_token for row in await line_bot.outbox())


async def test_an_old_button_says_the_menu_has_expired(line_bot: LineBot) -> None:
    await line_bot.known_citizen("Usomchai")
    await line_bot.send(events.postback("Usomchai", "ft:CRI-69-99999"))
    with use_locale("th"):
        expired = _("That menu has expired.")
    assert line_bot.fake.delivered()[-1].messages[0]["text"] == expired


async def test_a_photo_is_fetched_from_line_and_stored(line_bot: LineBot) -> None:
    await line_bot.known_citizen("Usomchai")
    picture = b"\xff\xd8\xff\xe0fake-jpeg"
    line_bot.fake.add_content("4711", picture, "image/jpeg")
    await line_bot.send(events.image("Usomchai", "4711"))
    [fetch] = line_bot.fake.calls("/v2/bot/message/4711/content")
    assert fetch.headers["authorization"] == f"Bearer {events.TOKEN}"
    data, content_type = await line_bot.channel.fetch_media("4711")
    assert (data, content_type) == (picture, "image/jpeg")
    async with line_bot.services.db.read() as session:
        stored = await session.scalar(select(Media).where(Media.ref == "line:4711"))
    assert stored is not None and stored.data == picture


async def test_a_photo_line_no_longer_has_is_answered_not_crashed(line_bot: LineBot) -> None:
    await line_bot.known_citizen("Usomchai")
    await line_bot.send(events.image("Usomchai", "gone"))
    assert len(line_bot.fake.calls("/v2/bot/message/gone/content")) == 1  # LINE answered 404
    assert len(line_bot.fake.delivered()) == 1  # the person still got an answer
    async with line_bot.services.db.read() as session:
        assert await session.scalar(select(Media).where(Media.ref == "line:gone")) is None


async def test_in_a_group_the_bot_introduces_itself_and_takes_no_complaints(line_bot: LineBot) -> None:
    join = events._base("join", "Cgroup1", group="Cgroup1", reply_token="rt-join")
    join["source"] = {"type": "group", "groupId": "Cgroup1"}
    await line_bot.send(join)
    [intro] = line_bot.fake.delivered()
    with use_locale("th"):
        introduction = menu.group_introduction().text
    assert intro.to == ["token:rt-join"] and intro.messages[0]["text"] == introduction
    await line_bot.send(events.text("Umember", "ถนนพัง ช่วยด้วย", group="Cgroup1"))
    assert len(line_bot.fake.delivered()) == 1  # quiet in the group
