"""The two public-page questions of the filing flow (issue 14): asked after the sector and before the summary, no
unless the citizen says yes, the photo question only after a yes with photos sent, never for an anonymous filing;
each bad answer is told in Thai, the question comes again, and nothing is stored."""

from __future__ import annotations

from sqlalchemy import select

from bot.core.media import store_media
from bot.core.types import Reply
from storage.models import Complaint, Conversation
from tests.complaints.support import CHIANG_RAI_CITY_HALL, accept_pdpa, complaint_count, last
from tests.support.chat import Chat, labels

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SUMMARY = ["ยืนยันและส่งเรื่อง", "แก้ไขข้อมูล"]


async def at_contact(chat: Chat, *, photo: bool) -> None:
    await accept_pdpa(chat)
    await chat.say("แจ้งเรื่อง")
    await chat.share_location(*CHIANG_RAI_CITY_HALL)
    await chat.press("ขยะ")
    await chat.say("ขยะล้นถังหน้าตลาดมาหนึ่งสัปดาห์ ส่งกลิ่นเหม็นมาก")
    if photo:
        await chat.send_photo(await store_media(chat.services.db, PNG, "image/png"))
        await chat.press("เสร็จแล้ว")
    else:
        await chat.press("ข้าม")


async def step_and_draft(chat: Chat) -> tuple[str | None, dict[str, object]]:
    async with chat.services.db.read() as session:
        conv = await session.scalar(select(Conversation).where(Conversation.user_id == chat.user))
    assert conv is not None
    return conv.step, dict(conv.data.get("flow", {}).get("draft", {}))


async def only_complaint(chat: Chat) -> Complaint:
    async with chat.services.db.read() as session:
        [complaint] = (await session.scalars(select(Complaint))).all()
    return complaint


def summary_public_field(replies: list[Reply]) -> str:
    card = next(r.card for r in replies if r.card is not None)
    return next(f.value for f in card.fields if f.label == "หน้าสาธารณะ")


async def test_bad_answers_to_either_question_are_told_and_nothing_is_stored(chat: Chat) -> None:
    await at_contact(chat, photo=True)
    await chat.press("ทางแชตเท่านั้น")
    replies = await chat.press("ข้าม")  # no sector
    assert "หน้าข้อมูลสาธารณะ" in last(replies).text and labels(last(replies)) == ["ยินยอมให้แสดง", "ไม่แสดง"]
    replies = await chat.say("ได้ครับ")
    assert replies[0].text == "กรุณาเลือกจากปุ่ม: ยินยอมให้แสดง หรือ ไม่แสดง"
    assert labels(last(replies)) == ["ยินยอมให้แสดง", "ไม่แสดง"]  # the question again
    step, draft = await step_and_draft(chat)
    assert (step, draft["publish"], draft["show_photos"]) == ("publish", False, False)

    replies = await chat.press("ยินยอมให้แสดง")
    assert "รูปภาพ 1 รูป" in last(replies).text and labels(last(replies)) == ["ให้แสดงรูปภาพ", "ไม่แสดง"]
    replies = await chat.say("แล้วแต่")
    assert replies[0].text == "กรุณาเลือกจากปุ่ม: ให้แสดงรูปภาพ หรือ ไม่แสดง"
    step, draft = await step_and_draft(chat)
    assert (step, draft["publish"], draft["show_photos"]) == ("publish_photos", True, False)
    assert await complaint_count(chat) == 0

    replies = await chat.press("ไม่แสดง")
    assert labels(last(replies)) == SUMMARY
    assert summary_public_field(replies) == "รายละเอียดและตำแหน่งโดยประมาณ"
    await chat.press("ยืนยันและส่งเรื่อง")
    complaint = await only_complaint(chat)
    assert (complaint.publish_consent, complaint.photo_consent) == (True, False)


async def test_without_photos_a_yes_goes_straight_to_the_summary(chat: Chat) -> None:
    await at_contact(chat, photo=False)
    await chat.press("ทางแชตเท่านั้น")
    await chat.press("ข้าม")
    replies = await chat.press("ยินยอมให้แสดง")
    assert labels(last(replies)) == SUMMARY
    await chat.press("ยืนยันและส่งเรื่อง")
    complaint = await only_complaint(chat)
    assert (complaint.publish_consent, complaint.photo_consent) == (True, False)


async def test_an_anonymous_filing_is_not_asked_and_never_shown(chat: Chat) -> None:
    await at_contact(chat, photo=True)
    await chat.press("ไม่ประสงค์ออกนาม")
    replies = await chat.press("ข้าม")  # no sector: straight to the summary
    assert labels(last(replies)) == SUMMARY and summary_public_field(replies) == "ไม่แสดง"
    await chat.press("แก้ไขข้อมูล")
    replies = await chat.press("หน้าสาธารณะ")
    assert replies[0].text == "เรื่องที่แจ้งโดยไม่ระบุตัวตนจะไม่แสดงต่อสาธารณะ"
    assert labels(last(replies)) == SUMMARY
    await chat.press("ยืนยันและส่งเรื่อง")
    complaint = await only_complaint(chat)
    assert (complaint.contact_mode, complaint.publish_consent, complaint.photo_consent) == ("anonymous", False, False)


async def test_changing_the_answer_and_the_photos_from_the_summary(chat: Chat) -> None:
    await at_contact(chat, photo=True)
    await chat.press("ทางแชตเท่านั้น")
    await chat.press("ข้าม")
    await chat.press("ยินยอมให้แสดง")
    replies = await chat.press("ให้แสดงรูปภาพ")
    assert summary_public_field(replies) == "รายละเอียด ตำแหน่งโดยประมาณ และรูปภาพ"
    await chat.press("แก้ไขข้อมูล")
    await chat.press("รูปภาพ")  # new photos: whether to show them is asked again
    await chat.send_photo(await store_media(chat.services.db, PNG + b"2", "image/png"))
    replies = await chat.press("เสร็จแล้ว")
    assert labels(last(replies)) == ["ให้แสดงรูปภาพ", "ไม่แสดง"]
    replies = await chat.press("ไม่แสดง")
    assert labels(last(replies)) == SUMMARY and summary_public_field(replies) == "รายละเอียดและตำแหน่งโดยประมาณ"
    await chat.press("แก้ไขข้อมูล")
    await chat.press("หน้าสาธารณะ")
    replies = await chat.press("ไม่แสดง")  # no photo question after a no
    assert labels(last(replies)) == SUMMARY and summary_public_field(replies) == "ไม่แสดง"
    await chat.press("ยืนยันและส่งเรื่อง")
    complaint = await only_complaint(chat)
    assert (complaint.publish_consent, complaint.photo_consent) == (False, False)
