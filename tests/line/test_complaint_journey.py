"""One citizen's whole complaint on LINE, through signed webhooks and the real SDK client to the fake LINE API.

Khun Malee adds the bot as a friend, answers the PDPA notice with quick replies, files a complaint about a
pothole in front of Chiang Rai's city hall (shared location, subject by button, description, one photo, contact
by chat, no sector, shown on the public page without the photo), and gets her ticket number and card with the
link to its public status page. The officer of the agency the ticket was routed to
takes it up on LINE; Malee is told by push (there is no reply token for a notification), then follows the
ticket and reads its history. Every answer to something she or the officer sent goes back on that event's
reply token: only the notification spends the push quota.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from bot.channels.line.channel import retry_key
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
    OutboxMessage,
    Person,
    Province,
)
from tests.fakes.line_api import Delivery
from tests.line import events
from tests.line.conftest import LineBot

MALEE = "U4f1c0ffee0000000000000000000malee"
OFFICER = "U9a0ff1ce0000000000000000000somsak"
CITY_HALL = (19.9105, 99.8406)  # ศาลากลางจังหวัดเชียงราย
DESCRIPTION = "ถนนหน้าศาลากลางเป็นหลุมลึก รถจักรยานยนต์ล้มบ่อยมาก ขอให้ซ่อมด่วน"
OFFICER_NOTE = "ส่งช่างเข้าสำรวจแล้ว จะซ่อมภายในสัปดาห์นี้"
PHOTO_ID = "468789577898262530"
PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF pothole in front of the city hall"
TICKET = re.compile(r"\b[A-Z]{3}-\d{2}-\d{5}\b")
THAI = re.compile(r"[\u0e00-\u0e7f]")
BUDDHIST_ERA_STAMP = re.compile(r"^• \d{1,2} \S+ 25\d\d \d\d:\d\d น\. — ")  # "• 23 พ.ย. 2569 16:31 น. — "


def actions(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [item["action"] for item in (message.get("quickReply") or {}).get("items", [])]


def postbacks(message: dict[str, Any]) -> dict[str, str]:
    """The quick reply buttons of a message: postback data -> label."""
    return {a["data"]: a["label"] for a in actions(message) if a["type"] == "postback"}


def action_types(message: dict[str, Any]) -> list[str]:
    return [a["type"] for a in actions(message)]


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


@dataclass
class LineUser:
    """Someone on LINE: each event they send is signed, posted and answered before the next one."""

    bot: LineBot
    user: str
    sent: list[dict[str, Any]] = field(default_factory=list)

    async def send(self, event: dict[str, Any]) -> list[Delivery]:
        """Post the event and return what LINE received because of it."""
        self.sent.append(event)
        before = len(self.bot.fake.delivered())
        await self.bot.send(event)
        return self.bot.fake.delivered()[before:]

    async def do(self, event: dict[str, Any]) -> list[dict[str, Any]]:
        """Post the event; the answer must come in one reply on its own token. Returns the messages."""
        deliveries = await self.send(event)
        assert [(d.kind, d.to) for d in deliveries] == [("reply", [f"token:{event['replyToken']}"])]
        messages = deliveries[0].messages
        for message in messages:
            for data in postbacks(message):
                assert data.isascii() and len(data) <= 300  # LINE's postback data limit
        return messages

    async def press(self, data: str, offered: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Tap a quick reply button that the last answer actually showed."""
        assert data in postbacks(offered[-1]), f"{data} not offered: {postbacks(offered[-1])}"
        return await self.do(events.postback(self.user, data))

    async def say(self, words: str) -> list[dict[str, Any]]:
        return await self.do(events.text(self.user, words))


# ---------------------------------------------------------------- the story, step by step


async def first_contact(malee: LineUser) -> list[dict[str, Any]]:
    """Follow → the PDPA notice with yes/no buttons for each optional consent → welcome and the menu."""
    notice = await malee.do(events.follow(malee.user))
    assert "PDPA" in notice[0]["text"] and "พ.ร.บ. คุ้มครองข้อมูลส่วนบุคคล" in notice[0]["text"]
    assert postbacks(notice[-1]) == {"pdpa:yes": "ยินยอม", "pdpa:no": "ไม่ยินยอม"}
    second = await malee.press("pdpa:yes", notice)  # the agency may phone her
    assert "ข้อ 2 จาก 2" in second[-1]["text"]
    welcome = await malee.press("pdpa:no", second)  # her photos stay private
    assert "บันทึกความยินยอมของท่านแล้ว" in welcome[0]["text"]
    assert {"m:complain", "m:follow"} <= set(postbacks(welcome[-1]))
    assert postbacks(welcome[-1])["m:complain"] == "แจ้งเรื่องร้องเรียน"
    return welcome


async def file_complaint(malee: LineUser, menu: list[dict[str, Any]]) -> str:
    """The complaint flow from the menu to the ticket card; returns the ticket number."""
    where = await malee.press("m:complain", menu)
    assert action_types(where[-1])[0] == "location"  # LINE's own "send location" button
    assert "pl:list" in postbacks(where[-1])

    subject = await malee.do(events.location(malee.user, *CITY_HALL))
    assert "ต.เวียง อ.เมืองเชียงราย จ.เชียงราย" in subject[0]["text"]
    assert postbacks(subject[-1])["c:roads"] == "ถนน/ทางเท้า"

    describe = await malee.press("c:roads", subject)
    assert "รายละเอียด" in describe[-1]["text"] and not actions(describe[-1])

    photos = await malee.say(DESCRIPTION)
    assert action_types(photos[-1]) == ["camera", "cameraRoll", "postback"]
    assert postbacks(photos[-1]) == {"ph:done": "ข้าม"}

    malee.bot.fake.add_content(PHOTO_ID, PHOTO, "image/jpeg")
    one_more = await malee.do(events.image(malee.user, PHOTO_ID))
    assert "ได้รับรูปที่ 1 จาก 3" in one_more[-1]["text"]
    assert action_types(one_more[-1])[:2] == ["camera", "cameraRoll"]

    contact = await malee.press("ph:done", one_more)
    assert set(postbacks(contact[-1])) == {"ct:chat", "ct:phone", "ct:anonymous"}
    sector = await malee.press("ct:chat", contact)
    assert "sc:none" in postbacks(sector[-1])

    publish = await malee.press("sc:none", sector)
    assert "หน้าข้อมูลสาธารณะ" in publish[-1]["text"] and "100 เมตร" in publish[-1]["text"]
    assert postbacks(publish[-1]) == {"pb:yes": "ยินยอมให้แสดง", "pb:no": "ไม่แสดง"}  # asked, nothing chosen for her
    photos_public = await malee.press("pb:yes", publish)  # her description and rounded place may be shown
    assert "รูปภาพ 1 รูป" in photos_public[-1]["text"]
    assert postbacks(photos_public[-1]) == {"pb:ph:yes": "ให้แสดงรูปภาพ", "pb:ph:no": "ไม่แสดง"}
    summary = await malee.press("pb:ph:no", photos_public)  # her photo stays private
    summary_card, question = summary[-2:]
    assert summary_card["type"] == "flex" and summary_card["altText"] == "สรุปเรื่องร้องเรียนของท่าน"
    assert DESCRIPTION in str(summary_card["contents"])
    assert "รายละเอียดและตำแหน่งโดยประมาณ" in str(summary_card["contents"])
    assert set(postbacks(question)) == {"cf:ok", "cf:edit"}

    filed = await malee.press("cf:ok", summary)
    return ticket_from(filed)


def ticket_from(filed: list[dict[str, Any]]) -> str:
    """The confirmation names the ticket; the Flex card that follows shows it, with a Thai altText."""
    found = TICKET.search(filed[0]["text"])
    assert found is not None, filed[0]["text"]
    ticket = found.group(0)
    assert filed[0]["text"].startswith("รับเรื่องร้องเรียนของท่านแล้ว")
    card = filed[1]
    assert card["type"] == "flex" and card["contents"]["type"] == "bubble"
    assert card["altText"] == f"เรื่องเลขที่ {ticket}: รอรับเรื่อง" and THAI.search(card["altText"])
    card_text = str(card["contents"])
    assert ticket in card_text and "เมืองเชียงราย" in card_text and "ถนน/ทางเท้า" in card_text
    assert f"https://hpp.example.org/p/t/{ticket}" in card_text  # the ticket's public status page
    return ticket


async def redelivered_confirm_changes_nothing(malee: LineUser) -> None:
    """LINE sends the confirm again (same webhookEventId, isRedelivery): no second ticket, no second answer."""
    confirm = next(e for e in reversed(malee.sent) if e.get("postback", {}).get("data") == "cf:ok")
    again = {**confirm, "deliveryContext": {"isRedelivery": True}}
    assert await malee.send(again) == []


async def officer_takes_it_up(bot: LineBot, ticket: str) -> LineUser:
    """The officer of the routed agency marks it in progress with a note; Malee is told by push."""
    officer = LineUser(bot, OFFICER)
    await make_officer_of_routed_agency(bot, ticket)
    menu = await officer.say("เมนู")
    cases = await officer.press("m:cases", menu)
    assert postbacks(cases[-1])[f"case:{ticket}"] == ticket
    case = await officer.press(f"case:{ticket}", cases)
    assert ticket in case[0]["altText"]
    note = await officer.press("x:in_progress", case)
    assert "skip" in postbacks(note[-1])
    after_photo = await officer.say(OFFICER_NOTE)
    assert action_types(after_photo[-1]) == ["camera", "cameraRoll", "postback"]  # an "after" photo, or skip

    deliveries = await officer.send(events.postback(OFFICER, "skip"))
    answer, notification = split(deliveries, officer.sent[-1])
    assert "แจ้งผู้ร้องเรียนแล้ว" in texts(answer.messages)
    assert notification.kind == "push" and notification.to == [MALEE]
    assert notification.retry_key is not None  # a retried push is accepted once
    told = notification.messages[-1]
    assert ticket in told["text"] and "กำลังดำเนินการ" in told["text"] and OFFICER_NOTE in told["text"]
    assert f"t:{ticket}" in postbacks(told)
    return officer


def split(deliveries: list[Delivery], event: dict[str, Any]) -> tuple[Delivery, Delivery]:
    """The officer's answer (on the event's reply token) and the citizen's notification."""
    replies = [d for d in deliveries if d.kind == "reply"]
    pushes = [d for d in deliveries if d.kind != "reply"]
    assert len(replies) == 1 and len(pushes) == 1, deliveries
    assert replies[0].to == [f"token:{event['replyToken']}"]
    return replies[0], pushes[0]


async def follow_the_ticket(malee: LineUser, ticket: str) -> None:
    """Typing "ติดตามเรื่อง" lists her tickets; the one she filed shows its card and history."""
    mine = await malee.say("ติดตามเรื่อง")
    assert postbacks(mine[-1])[f"t:{ticket}"].startswith(ticket)  # the status is cut to LINE's 20 characters
    shown = await malee.press(f"t:{ticket}", mine)
    card, history = shown[0], shown[-1]
    assert card["type"] == "flex" and card["altText"] == f"เรื่องเลขที่ {ticket}: กำลังดำเนินการ"
    assert history["text"].startswith("ประวัติสถานะ:\n")
    lines = [line for line in history["text"].split("\n") if line.startswith("•")]
    assert [BUDDHIST_ERA_STAMP.match(line) is not None for line in lines] == [True, True]
    assert lines[0].endswith("— รอรับเรื่อง") and lines[1].endswith(f"— กำลังดำเนินการ: {OFFICER_NOTE}")


# ---------------------------------------------------------------- the database


async def make_officer_of_routed_agency(bot: LineBot, ticket: str) -> None:
    async with bot.services.db.write() as session:
        complaint = await session.scalar(select(Complaint).where(Complaint.ticket_no == ticket))
        assert complaint is not None and complaint.agency_id is not None
        session.add(
            Person(
                channel="line",
                platform_user_id=OFFICER,
                chat_id=OFFICER,
                display_name="สมศักดิ์ (ที่ว่าการอำเภอ)",
                locale="th",
                role="officer",
                province_id=complaint.province_id,
                agency_id=complaint.agency_id,
                pdpa_notice_at=datetime.now(UTC),
            )
        )


async def count(bot: LineBot, model: type[Any]) -> int:
    async with bot.services.db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def check_stored_once(bot: LineBot, ticket: str, events_sent: int) -> None:
    async with bot.services.db.read() as session:
        complaint = await session.scalar(select(Complaint).where(Complaint.ticket_no == ticket))
        assert complaint is not None
        province = await session.get(Province, complaint.province_id)
        district = await session.get(District, complaint.district_id)
        category = await session.get(ComplaintCategory, complaint.category_id)
        agency = await session.get(Agency, complaint.agency_id)
        malee = await session.scalar(select(Person).where(Person.platform_user_id == MALEE))
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
        keys = (await session.scalars(select(OutboxMessage.idempotency_key))).all()
    assert malee is not None and malee.pdpa_notice_at is not None and malee.is_reachable
    assert province is not None and district is not None and category is not None and agency is not None
    assert (province.name_th, district.name_th, category.code) == ("เชียงราย", "เมืองเชียงราย", "roads")
    assert (complaint.latitude, complaint.longitude) == CITY_HALL
    assert (complaint.description, complaint.contact_mode, complaint.sector_id) == (DESCRIPTION, "chat", None)
    assert (complaint.channel, complaint.person_id, complaint.status) == ("line", malee.id, "in_progress")
    assert (complaint.publish_consent, complaint.photo_consent) == (True, False)  # as she answered while filing
    assert [(p.kind, p.media_id) for p in photos] == [("before", media.id if media else None)]
    assert media is not None and (media.data, media.ref, media.owner_id) == (PHOTO, f"line:{PHOTO_ID}", malee.id)
    assert [(e.status, e.note) for e in history] == [("received", None), ("in_progress", OFFICER_NOTE)]
    assert [(c.person_id, c.purpose, c.granted) for c in consents] == [
        (malee.id, "contact_phone", True),
        (malee.id, "publish_photo", False),
    ]
    assert len(keys) == len(set(keys))
    assert await count(bot, Complaint) == 1 and await count(bot, Media) == 1
    assert await count(bot, InboxEvent) == events_sent  # the redelivery was not stored again


async def check_the_push_is_the_notification(bot: LineBot) -> None:
    """The one outbox row without a reply token is the notification; its push carries a retry key from its key."""
    rows = await bot.outbox()
    pushed = [row for row in rows if not row.used_reply_token]
    assert [(row.recipient, row.reply_token, row.status) for row in pushed] == [(MALEE, None, "sent")]
    assert "ticket:" in pushed[0].idempotency_key  # the status change, not a conversation
    [push] = bot.fake.calls("/v2/bot/message/push")
    assert push.retry_key == retry_key(pushed[0].idempotency_key)
    assert push.headers["authorization"] == f"Bearer {events.TOKEN}"


def report_reply_share(bot: LineBot) -> None:
    """Every conversational answer went by reply token; the one push is the status notification."""
    kinds = [d.kind for d in bot.fake.delivered()]
    replies, pushes = kinds.count("reply"), len(kinds) - kinds.count("reply")
    print(
        f"\nLINE complaint journey: {replies} of {len(kinds)} deliveries by reply token "
        f"({replies / len(kinds):.0%}), {pushes} by push (the status notification)"
    )
    assert pushes == 1 and [d.to for d in bot.fake.delivered("push")] == [[MALEE]]
    assert bot.fake.calls("/v2/bot/message/multicast") == []


async def test_a_new_friend_files_a_complaint_is_told_of_progress_and_follows_it(line_bot: LineBot) -> None:
    malee = LineUser(line_bot, MALEE)

    menu = await first_contact(malee)
    ticket = await file_complaint(malee, menu)
    await redelivered_confirm_changes_nothing(malee)
    officer = await officer_takes_it_up(line_bot, ticket)
    await follow_the_ticket(malee, ticket)

    await check_the_push_is_the_notification(line_bot)
    [fetch] = line_bot.fake.calls(f"/v2/bot/message/{PHOTO_ID}/content")
    assert fetch.method == "GET"
    distinct = {e["webhookEventId"] for e in malee.sent + officer.sent}
    await check_stored_once(line_bot, ticket, len(distinct))
    report_reply_share(line_bot)
