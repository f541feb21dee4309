"""Sending through the outbox: Telegram's answers (429, 5xx, 403, 400), its pace, escaping, pictures and files."""

from __future__ import annotations

import itertools

from sqlalchemy import select

from bot.core import outbox
from bot.core.media import store_media
from bot.core.types import Card, CardField, Reply
from storage.models import OutboxMessage, Person
from tests.telegram.conftest import TelegramBot
from tests.telegram.updates import text_update

SOMCHAI = 4242
MALEE = 4343
GROUP = -100200300


async def queue(
    tg: TelegramBot, chat: int, *replies: Reply, key: str, person: Person | None = None, is_group: bool = False
) -> None:
    async with tg.services.db.write() as session:
        await outbox.enqueue(
            session,
            channel="telegram",
            recipient=str(chat),
            replies=replies,
            key=key,
            person_id=person.id if person else None,
            is_group=is_group,
        )


async def outbox_rows(tg: TelegramBot) -> list[OutboxMessage]:
    async with tg.services.db.read() as session:
        return list((await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())


async def reachable(tg: TelegramBot, person: Person) -> bool:
    async with tg.services.db.read() as session:
        return bool(await session.scalar(select(Person.is_reachable).where(Person.id == person.id)))


async def test_flood_control_delays_the_message_then_delivers_it_once(tg: TelegramBot) -> None:
    person = await tg.known_citizen(SOMCHAI)
    tg.api.fail_next(429, retry_after=1, method="sendMessage")
    await queue(tg, SOMCHAI, Reply("เรื่องของท่านได้รับการแก้ไขแล้ว"), key="done-1", person=person)

    await tg.deliver_due()

    refused, accepted = tg.api.calls_to("sendMessage", SOMCHAI)
    assert accepted.at - refused.at >= 0.9  # Telegram said one second
    assert [c.text for c in tg.api.sent_to(SOMCHAI)] == ["เรื่องของท่านได้รับการแก้ไขแล้ว"]
    (row,) = await outbox_rows(tg)
    assert (row.status, row.attempts) == ("sent", 2)


async def test_a_server_error_is_retried_and_a_half_sent_row_resumes_where_it_stopped(tg: TelegramBot) -> None:
    person = await tg.known_citizen(SOMCHAI)
    tg.api.fail_next(500, method="sendMessage")
    photo = Reply(image_url="https://example.org/road.jpg")
    await queue(tg, SOMCHAI, photo, Reply("ภาพถนนหลังซ่อม"), key="photo-1", person=person)

    await tg.deliver_due()

    assert [c.method for c in tg.api.sent_to(SOMCHAI)] == ["sendPhoto", "sendMessage"]  # the photo only once
    assert len(tg.api.calls_to("sendMessage", SOMCHAI)) == 2
    assert [row.status for row in await outbox_rows(tg)] == ["sent"]


async def test_a_user_who_blocked_the_bot_is_unreachable_and_not_called_again(tg: TelegramBot) -> None:
    person = await tg.known_citizen(SOMCHAI)
    tg.api.fail_next(403, chat_id=SOMCHAI)
    for number in range(3):
        await queue(tg, SOMCHAI, Reply(f"แจ้งเตือน {number}"), key=f"note-{number}", person=person)
    await queue(tg, MALEE, Reply("ถึงคุณมาลี"), key="other-chat")

    await tg.deliver_due()

    assert len(tg.api.calls_to("sendMessage", SOMCHAI)) == 1  # the first 403 is the only call
    assert tg.api.sent_to(SOMCHAI) == []
    assert [c.text for c in tg.api.sent_to(MALEE)] == ["ถึงคุณมาลี"]
    rows = await outbox_rows(tg)
    assert [row.status for row in rows] == ["failed", "skipped", "skipped", "sent"]  # nothing waits to retry
    assert [row.attempts for row in rows] == [1, 0, 0, 1]
    assert not await reachable(tg, person)

    # When they unblock the bot and write again, they get answers (and notifications) again.
    await tg.receive(text_update(SOMCHAI, "/help"))
    assert "1567" in tg.api.sent_to(SOMCHAI)[-1].text
    assert await reachable(tg, person)


async def test_being_removed_from_a_group_does_not_make_the_sender_unreachable(tg: TelegramBot) -> None:
    person = await tg.known_citizen(SOMCHAI)
    tg.api.fail_next(403, chat_id=GROUP, description="Forbidden: bot was kicked from the supergroup chat")
    await queue(tg, GROUP, Reply("สวัสดีครับ"), key="group-1", person=person, is_group=True)

    await tg.deliver_due()

    assert [row.status for row in await outbox_rows(tg)] == ["failed"]
    assert await reachable(tg, person)


async def test_a_refused_message_is_recorded_as_failed_with_telegrams_reason(tg: TelegramBot) -> None:
    tg.api.fail_next(400, description="Bad Request: chat not found")
    await queue(tg, SOMCHAI, Reply("สวัสดี"), key="bad-1")

    await tg.deliver_due()

    (row,) = await outbox_rows(tg)
    assert row.status == "failed" and "Chat not found" in (row.last_error or "")
    assert len(tg.api.calls_to("sendMessage")) == 1


async def test_a_burst_to_one_chat_goes_three_at_once_then_one_a_second_without_holding_up_other_chats(
    paced_tg: TelegramBot,
) -> None:
    """Issue 11: a three-message answer (the PDPA notice and its question) arrives at once; more is paced."""
    tg = paced_tg
    for number in range(5):
        await queue(tg, SOMCHAI, Reply(f"ข้อความที่ {number + 1}"), key=f"burst-{number}")
    for number in range(2):
        await queue(tg, MALEE, Reply(f"ถึงคุณมาลี {number + 1}"), key=f"other-{number}")

    await tg.deliver_due(within=15)

    somchai = tg.api.sent_to(SOMCHAI)
    malee = tg.api.sent_to(MALEE)
    assert [c.text for c in somchai] == [f"ข้อความที่ {n}" for n in range(1, 6)]
    at = [call.at for call in somchai]
    gaps = [later - earlier for earlier, later in itertools.pairwise(at)]
    assert max(gaps[:2]) < 0.5, gaps  # the first three together (a full bucket of three)
    assert at[3] - at[0] >= 0.9 and at[4] - at[3] >= 0.9, gaps  # then one more token a second
    assert abs(malee[0].at - somchai[0].at) < 0.5  # the second chat does not wait behind the first
    assert malee[1].at < somchai[-1].at


async def test_user_text_is_escaped_and_cards_are_formatted_html(tg: TelegramBot) -> None:
    description = 'ท่อระบายน้ำ <b>อุดตัน</b> & น้ำท่วม "ซอย 5"'
    card = Card(
        title="เรื่อง CRI-69-00042",
        alt_text="เรื่อง CRI-69-00042",
        subtitle="ถนน & ทางเท้า",
        fields=(CardField("รายละเอียด", description), CardField("สถานะ", "กำลังดำเนินการ")),
        progress_percent=45,
        footer="<ศูนย์ดำรงธรรม>",
    )
    await queue(tg, SOMCHAI, Reply(f"ท่านแจ้งว่า: {description}"), Reply(card=card), key="card-1")

    await tg.deliver_due()

    echo, summary = tg.api.sent_to(SOMCHAI)  # the fake refuses HTML Telegram could not parse
    assert echo.text == 'ท่านแจ้งว่า: ท่อระบายน้ำ &lt;b&gt;อุดตัน&lt;/b&gt; &amp; น้ำท่วม "ซอย 5"'
    assert summary.text.splitlines() == [
        "<b>เรื่อง CRI-69-00042</b>",
        "<i>ถนน &amp; ทางเท้า</i>",
        "",
        '<b>รายละเอียด:</b> ท่อระบายน้ำ &lt;b&gt;อุดตัน&lt;/b&gt; &amp; น้ำท่วม "ซอย 5"',
        "<b>สถานะ:</b> กำลังดำเนินการ",
        "",
        "▓▓▓▓░░░░░░ 45%",
        "",
        "<i>&lt;ศูนย์ดำรงธรรม&gt;</i>",
    ]


async def test_stored_pictures_and_files_are_uploaded(tg: TelegramBot) -> None:
    jpeg = b"\xff\xd8\xff\xe0" + b"1" * 500
    photo_id = await store_media(tg.services.db, jpeg, "image/jpeg")
    sheet_id = await store_media(tg.services.db, b"PK\x03\x04sheet", "application/vnd.ms-excel", filename="kpi.xlsx")
    await queue(
        tg, SOMCHAI, Reply("ภาพก่อนแก้ไข", image_media_id=photo_id), Reply(document_media_id=sheet_id), key="media-1"
    )

    await tg.deliver_due()

    picture, document = tg.api.sent_to(SOMCHAI)
    assert picture.method == "sendPhoto" and picture.params["caption"] == "ภาพก่อนแก้ไข"
    assert [data for _name, data in picture.files.values()] == [jpeg]
    assert document.method == "sendDocument"
    assert list(document.files.values()) == [("kpi.xlsx", b"PK\x03\x04sheet")]
