"""One citizen's whole complaint on Telegram, through the secret-token webhook and PTB's real `Bot` to the fake
Bot API: the same journey as tests/line/test_complaint_journey.py, rendered the Telegram way.

Khun Somchai opens the bot with /start, answers the PDPA notice with inline buttons, files a complaint about a
pothole in front of Chiang Rai's city hall (location from the reply keyboard, subject by button, description,
one photo, contact by chat, no sector, shown on the public page with the photo) and gets his ticket number and
the HTML summary with the link to its public status page. The officer of the
agency the ticket was routed to takes it up in Telegram; Somchai gets a message about it, then follows the
ticket with /status and reads its history.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from storage.models import (
    Agency,
    Complaint,
    ComplaintCategory,
    ComplaintEvent,
    ComplaintPhoto,
    Consent,
    District,
    InboxEvent,
    Media,
    Person,
    Province,
)
from tests.fakes.telegram_api import Call
from tests.telegram.conftest import TelegramBot
from tests.telegram.updates import callback_update, location_update, photo_update, text_update

SOMCHAI = 5151
OFFICER = 6262
CITY_HALL = (19.9105, 99.8406)  # ศาลากลางจังหวัดเชียงราย
# "<" and "&" must reach Telegram escaped: the fake refuses HTML that Telegram could not parse.
DESCRIPTION = "ถนนหน้าศาลากลางเป็นหลุมลึก <อันตราย> รถจักรยานยนต์ & คนเดินเท้าล้มบ่อยมาก ขอให้ซ่อมด่วน"
OFFICER_NOTE = "ส่งช่างเข้าสำรวจแล้ว จะซ่อมภายในสัปดาห์นี้"
PHOTO_FILE = "AgACAgUAAxkBAAIBpothole"
PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 4096
TICKET = re.compile(r"\b[A-Z]{3}-\d{2}-\d{5}\b")
BUDDHIST_ERA_STAMP = re.compile(r"^• \d{1,2} \S+ 25\d\d \d\d:\d\d น\. — ")  # "• 23 พ.ย. 2569 16:31 น. — "
WELCOME = "ยินดีต้อนรับสู่บริการจังหวัดที่มีผลสัมฤทธิ์สูง"


def buttons(call: Call) -> dict[str, str]:
    """An inline keyboard: callback data -> label."""
    return {b["callback_data"]: b["text"] for row in call.button_rows() for b in row if "callback_data" in b}


@dataclass
class TelegramUser:
    """Someone in a private chat with the bot: each update is posted and answered before the next one."""

    bot: TelegramBot
    user_id: int
    updates: list[dict[str, Any]] = field(default_factory=list)

    async def send(self, update: dict[str, Any]) -> list[Call]:
        """Post the update; return the messages this chat received because of it."""
        self.updates.append(update)
        before = len(self.bot.api.sent_to(self.user_id))
        await self.bot.receive(update)
        return self.bot.api.sent_to(self.user_id)[before:]

    async def do(self, update: dict[str, Any]) -> list[Call]:
        received = await self.send(update)
        assert received, "the bot did not answer"
        assert all(call.params["parse_mode"] == "HTML" for call in received)
        return received

    async def press(self, data: str, offered: list[Call], *, message_id: int = 77) -> list[Call]:
        """Tap an inline button that the last answer showed: the press is answered and its keyboard removed."""
        assert data in buttons(offered[-1]), f"{data} not offered: {buttons(offered[-1])}"
        update = callback_update(self.user_id, data, message_id=message_id)
        received = await self.do(update)
        answered = self.bot.api.calls_to("answerCallbackQuery")[-1]
        assert answered.params["callback_query_id"] == update["callback_query"]["id"]
        removed = self.bot.api.calls_to("editMessageReplyMarkup", self.user_id)[-1]
        assert (removed.params["message_id"], removed.reply_markup) == (str(message_id), None)
        return received

    async def say(self, words: str) -> list[Call]:
        return await self.do(text_update(self.user_id, words))


# ---------------------------------------------------------------- the story, step by step


async def first_contact(somchai: TelegramUser) -> list[Call]:
    """/start → the PDPA notice with yes/no buttons for each optional consent → welcome and the menu."""
    notice = await somchai.say("/start")
    assert "PDPA" in notice[0].text and "พ.ร.บ. คุ้มครองข้อมูลส่วนบุคคล" in notice[0].text
    assert buttons(notice[-1]) == {"pdpa:yes": "ยินยอม", "pdpa:no": "ไม่ยินยอม"}
    second = await somchai.press("pdpa:yes", notice)  # the agency may phone him
    assert "ข้อ 2 จาก 2" in second[-1].text
    welcome = await somchai.press("pdpa:no", second)  # his photos stay private
    assert "บันทึกความยินยอมของท่านแล้ว" in welcome[0].text
    assert welcome[-1].text.startswith(WELCOME)
    assert buttons(welcome[-1])["m:complain"] == "แจ้งเรื่องร้องเรียน" and "m:follow" in buttons(welcome[-1])
    return welcome


async def file_complaint(somchai: TelegramUser, menu: list[Call]) -> str:
    """The complaint flow from the menu to the ticket summary; returns the ticket number."""
    where = await somchai.press("m:complain", menu)
    keyboard = where[-1].reply_markup or {}
    assert keyboard["keyboard"][0][0]["request_location"] is True  # Telegram's own "share location" button
    assert keyboard["one_time_keyboard"] is True and keyboard["keyboard"][1][0]["text"] == "เลือกจากรายการ"

    subject = await somchai.do(location_update(somchai.user_id, *CITY_HALL))
    assert subject[0].text == "พบตำแหน่ง: ต.เวียง อ.เมืองเชียงราย จ.เชียงราย"
    assert subject[0].reply_markup == {"remove_keyboard": True}  # the location keyboard goes away
    assert buttons(subject[-1])["c:roads"] == "ถนน/ทางเท้า"

    describe = await somchai.press("c:roads", subject)
    assert "รายละเอียด" in describe[-1].text and describe[-1].reply_markup is None

    photos = await somchai.say(DESCRIPTION)
    assert buttons(photos[-1]) == {"ph:done": "ข้าม"}

    somchai.bot.api.add_file(PHOTO_FILE, PHOTO)
    one_more = await somchai.do(photo_update(somchai.user_id, PHOTO_FILE, size=len(PHOTO)))
    assert "ได้รับรูปที่ 1 จาก 3" in one_more[-1].text and buttons(one_more[-1]) == {"ph:done": "เสร็จแล้ว"}

    contact = await somchai.press("ph:done", one_more)
    assert set(buttons(contact[-1])) == {"ct:chat", "ct:phone", "ct:anonymous"}
    sector = await somchai.press("ct:chat", contact)
    assert "sc:none" in buttons(sector[-1])

    publish = await somchai.press("sc:none", sector)
    assert "หน้าข้อมูลสาธารณะ" in publish[-1].text and "ไม่แสดงชื่อหรือช่องทางติดต่อของท่าน" in publish[-1].text
    assert buttons(publish[-1]) == {"pb:yes": "ยินยอมให้แสดง", "pb:no": "ไม่แสดง"}
    photos_public = await somchai.press("pb:yes", publish)
    assert buttons(photos_public[-1]) == {"pb:ph:yes": "ให้แสดงรูปภาพ", "pb:ph:no": "ไม่แสดง"}
    summary = await somchai.press("pb:ph:yes", photos_public)  # his photo may be shown with it, this once
    assert "<b>หน้าสาธารณะ:</b> รายละเอียด ตำแหน่งโดยประมาณ และรูปภาพ" in summary[-2].text
    summary_card, question = summary[-2:]
    assert summary_card.text.startswith("<b>เรื่องร้องเรียนของท่าน</b>")
    assert "<b>รายละเอียด:</b> ถนนหน้าศาลากลางเป็นหลุมลึก &lt;อันตราย&gt; รถจักรยานยนต์ &amp; คน" in summary_card.text
    assert set(buttons(question)) == {"cf:ok", "cf:edit"}

    filed = await somchai.press("cf:ok", summary)
    return ticket_from(filed)


def ticket_from(filed: list[Call]) -> str:
    """The confirmation names the ticket; the HTML summary that follows has the same content as LINE's card."""
    found = TICKET.search(filed[0].text)
    assert found is not None, filed[0].text
    ticket = found.group(0)
    assert filed[0].text.startswith("รับเรื่องร้องเรียนของท่านแล้ว")
    card = filed[1].text.split("\n")
    assert card[:2] == [f"<b>เรื่องเลขที่ {ticket}</b>", "<i>รอรับเรื่อง</i>"]
    assert {
        "<b>สถานะ:</b> รอรับเรื่อง",
        "<b>จังหวัด:</b> เชียงราย",
        "<b>อำเภอ/เขต:</b> เมืองเชียงราย",
        "<b>เรื่อง:</b> ถนน/ทางเท้า",
        "<b>หน่วยงาน:</b> ที่ว่าการอำเภอเมืองเชียงราย",
    } <= set(card)
    assert f"http://127.0.0.1:8000/p/t/{ticket}" in filed[1].text  # the ticket's public status page
    assert "m:complain" in buttons(filed[-1])  # back at the menu
    return ticket


async def repeated_update_changes_nothing(somchai: TelegramUser) -> None:
    """Telegram posts the confirm press again (same update_id): no second ticket, no second answer."""
    confirm = next(u for u in reversed(somchai.updates) if u.get("callback_query", {}).get("data") == "cf:ok")
    assert await somchai.send(confirm) == []


async def officer_takes_it_up(bot: TelegramBot, ticket: str) -> TelegramUser:
    """The officer of the routed agency marks it in progress with a note; Somchai gets a message about it."""
    officer = TelegramUser(bot, OFFICER)
    await make_officer_of_routed_agency(bot, ticket)
    menu = await officer.say("เมนู")
    cases = await officer.press("m:cases", menu)
    assert buttons(cases[-1])[f"case:{ticket}"] == ticket
    case = await officer.press(f"case:{ticket}", cases)
    assert case[0].text.startswith(f"<b>เรื่องเลขที่ {ticket}</b>")
    note = await officer.press("x:in_progress", case)
    assert "skip" in buttons(note[-1])  # the note is optional; the officer types one
    photo_question = await officer.say(OFFICER_NOTE)
    assert "skip" in buttons(photo_question[-1])  # an "after" photo, or skip

    before = len(bot.api.sent_to(SOMCHAI))
    done = await officer.press("skip", photo_question)
    assert "แจ้งผู้ร้องเรียนแล้ว" in done[0].text
    [told] = bot.api.sent_to(SOMCHAI)[before:]
    assert told.method == "sendMessage"
    assert ticket in told.text and "กำลังดำเนินการ" in told.text and OFFICER_NOTE in told.text
    assert f"t:{ticket}" in buttons(told)
    return officer


async def follow_the_ticket(somchai: TelegramUser, ticket: str) -> None:
    """/status lists his tickets; the one he filed shows its summary and history."""
    mine = await somchai.say("/status")
    assert buttons(mine[-1]) == {f"t:{ticket}": f"{ticket} กำลังทำ"}  # the status in short, as on LINE
    shown = await somchai.press(f"t:{ticket}", mine)
    card, history = shown[0].text, shown[-1].text
    assert card.startswith(f"<b>เรื่องเลขที่ {ticket}</b>\n<i>กำลังดำเนินการ</i>")
    assert history.startswith("ประวัติสถานะ:\n")
    lines = [line for line in history.split("\n") if line.startswith("•")]
    assert [BUDDHIST_ERA_STAMP.match(line) is not None for line in lines] == [True, True]
    assert lines[0].endswith("— รอรับเรื่อง") and lines[1].endswith(f"— กำลังดำเนินการ: {OFFICER_NOTE}")


def check_every_keyboard_fits_telegram(bot: TelegramBot) -> None:
    """Callback data is short ASCII (at most 64 bytes), never Thai text, on every message of the journey."""
    codes = [code for call in bot.api.state.delivered for code in call.callback_codes()]
    assert codes and all(code.isascii() and len(code.encode()) <= 64 for code in codes)


# ---------------------------------------------------------------- the database


async def make_officer_of_routed_agency(bot: TelegramBot, ticket: str) -> None:
    async with bot.services.db.write() as session:
        complaint = await session.scalar(select(Complaint).where(Complaint.ticket_no == ticket))
        assert complaint is not None and complaint.agency_id is not None
        session.add(
            Person(
                channel="telegram",
                platform_user_id=str(OFFICER),
                chat_id=str(OFFICER),
                display_name="สมศักดิ์ (ที่ว่าการอำเภอ)",
                locale="th",
                role="officer",
                province_id=complaint.province_id,
                agency_id=complaint.agency_id,
                pdpa_notice_at=datetime.now(UTC),
            )
        )


async def count(bot: TelegramBot, model: type[Any]) -> int:
    async with bot.services.db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def check_stored_once(bot: TelegramBot, ticket: str, updates_sent: int) -> None:
    async with bot.services.db.read() as session:
        complaint = await session.scalar(select(Complaint).where(Complaint.ticket_no == ticket))
        assert complaint is not None
        province = await session.get(Province, complaint.province_id)
        district = await session.get(District, complaint.district_id)
        category = await session.get(ComplaintCategory, complaint.category_id)
        agency = await session.get(Agency, complaint.agency_id)
        somchai = await session.scalar(select(Person).where(Person.platform_user_id == str(SOMCHAI)))
        photos = (
            await session.scalars(select(ComplaintPhoto).where(ComplaintPhoto.complaint_id == complaint.id))
        ).all()
        media = await session.get(Media, photos[0].media_id) if photos else None
        history = (
            await session.scalars(
                select(ComplaintEvent).where(ComplaintEvent.complaint_id == complaint.id).order_by(ComplaintEvent.id)
            )
        ).all()
        consents = (await session.scalars(select(Consent).order_by(Consent.id))).all()
    assert somchai is not None and somchai.pdpa_notice_at is not None and somchai.display_name == "Somchai Jaidee"
    assert province is not None and district is not None and category is not None and agency is not None
    assert (province.name_th, district.name_th, category.code) == ("เชียงราย", "เมืองเชียงราย", "roads")
    assert (complaint.latitude, complaint.longitude) == CITY_HALL
    assert (complaint.description, complaint.contact_mode, complaint.sector_id) == (DESCRIPTION, "chat", None)
    assert (complaint.channel, complaint.person_id, complaint.status) == ("telegram", somchai.id, "in_progress")
    assert (complaint.publish_consent, complaint.photo_consent) == (True, True)  # as he answered while filing
    assert [(p.kind, p.media_id) for p in photos] == [("before", media.id if media else None)]
    assert media is not None and (media.data, media.ref, media.owner_id) == (
        PHOTO,
        f"telegram:{PHOTO_FILE}",
        somchai.id,
    )
    assert [(e.status, e.note) for e in history] == [("received", None), ("in_progress", OFFICER_NOTE)]
    assert [(c.person_id, c.purpose, c.granted) for c in consents] == [
        (somchai.id, "contact_phone", True),
        (somchai.id, "publish_photo", False),
    ]
    assert await count(bot, Complaint) == 1 and await count(bot, Media) == 1
    assert await count(bot, InboxEvent) == updates_sent  # the repeated update was not stored again


async def test_a_new_user_files_a_complaint_is_told_of_progress_and_follows_it(tg: TelegramBot) -> None:
    somchai = TelegramUser(tg, SOMCHAI)

    menu = await first_contact(somchai)
    ticket = await file_complaint(somchai, menu)
    await repeated_update_changes_nothing(somchai)
    officer = await officer_takes_it_up(tg, ticket)
    await follow_the_ticket(somchai, ticket)

    assert [c.params["file_id"] for c in tg.api.calls_to("getFile")] == [PHOTO_FILE]  # the largest size only
    check_every_keyboard_fits_telegram(tg)
    distinct = {u["update_id"] for u in somchai.updates + officer.updates}
    await check_stored_once(tg, ticket, len(distinct))


async def test_start_before_the_notice_welcomes_once(tg: TelegramBot) -> None:
    """Regression: a bare /start before the PDPA notice was replayed after it, welcoming twice."""
    somchai = TelegramUser(tg, SOMCHAI)
    await first_contact(somchai)
    welcomes = [c for c in tg.api.sent_to(SOMCHAI) if c.text.startswith(WELCOME)]
    assert len(welcomes) == 1
