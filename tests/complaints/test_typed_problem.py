"""Issue 15, typed text is never thrown away: a citizen who types a problem at the main menu instead of pressing
a button is offered to file it, their words kept as the description, and the category their words suggest
(Thai-aware, whole words only) is offered first for them to confirm or change."""

from __future__ import annotations

from sqlalchemy import select

from bot.domain.complaints.keywords import suggest_for_text
from storage.models import Complaint, ComplaintCategory
from tests.complaints.support import (
    CHIANG_RAI_CITY_HALL,
    accept_pdpa,
    all_text,
    complaint_count,
    last,
)
from tests.support.chat import Chat, labels

POTHOLE = "ถนนหน้าโรงเรียนเป็นหลุมลึกมาก รถจักรยานยนต์ล้มทุกวัน"
WASTE = "ขยะไม่มีคนมาเก็บสามวันแล้ว ส่งกลิ่นเหม็นทั้งซอย"


async def _only_complaint(chat: Chat) -> Complaint:
    async with chat.services.db.read() as session:
        rows = (await session.scalars(select(Complaint))).all()
    assert len(rows) == 1
    return rows[0]


async def _category_code(chat: Chat, category_id: int | None) -> str | None:
    async with chat.services.db.read() as session:
        category = await session.get(ComplaintCategory, category_id) if category_id else None
    return category.code if category else None


async def test_a_problem_typed_at_the_menu_is_filed_with_its_words_and_the_suggested_category(chat: Chat) -> None:
    await accept_pdpa(chat)
    offered = await chat.say(POTHOLE)
    assert "ไม่เข้าใจ" not in all_text(offered)
    assert POTHOLE in last(offered).text
    assert labels(last(offered)) == ["แจ้งเรื่องนี้", "ไม่ใช่ ดูเมนูหลัก"]
    place = await chat.press("แจ้งเรื่องนี้")
    assert "เก็บข้อความของท่านไว้เป็นรายละเอียด" in all_text(place)
    subject = await chat.share_location(*CHIANG_RAI_CITY_HALL)
    assert '"ถนน/ทางเท้า"' in last(subject).text
    assert labels(last(subject))[0] == "ถนน/ทางเท้า"
    assert labels(last(subject)).count("ถนน/ทางเท้า") == 1
    photos = await chat.press("ถนน/ทางเท้า")
    assert "รูป" in all_text(photos)  # straight to the photos: the description is kept
    filed = await _finish_after_subject_from_photos(chat)
    assert "CRI-" in all_text(filed)
    complaint = await _only_complaint(chat)
    assert complaint.description == POTHOLE
    assert await _category_code(chat, complaint.category_id) == "roads"


async def _finish_after_subject_from_photos(chat: Chat) -> list:
    await chat.press("ข้าม")
    await chat.press("ทางแชตเท่านั้น")
    await chat.press("ข้าม")
    await chat.press("ไม่แสดง")  # not on the public page
    return await chat.press("ยืนยันและส่งเรื่อง")


async def test_the_citizen_picks_another_subject_than_the_one_suggested(chat: Chat) -> None:
    await accept_pdpa(chat)
    await chat.say(WASTE)
    await chat.press("แจ้งเรื่องนี้")
    subject = await chat.share_location(*CHIANG_RAI_CITY_HALL)
    assert '"ขยะ"' in last(subject).text and labels(last(subject))[0] == "ขยะ"
    await chat.press("น้ำท่วม/ระบายน้ำ")
    await _finish_after_subject_from_photos(chat)
    complaint = await _only_complaint(chat)
    assert complaint.description == WASTE
    assert await _category_code(chat, complaint.category_id) == "flood"


async def test_saying_no_files_nothing_and_shows_the_menu(chat: Chat) -> None:
    await accept_pdpa(chat)
    await chat.say(POTHOLE)
    menu = await chat.press("ไม่ใช่ ดูเมนูหลัก")
    assert "แจ้งเรื่องร้องเรียน" in labels(last(menu))
    assert await complaint_count(chat) == 0


async def test_other_words_at_the_offer_say_what_to_do_and_a_cancel_keeps_nothing(chat: Chat) -> None:
    await accept_pdpa(chat)
    await chat.say(POTHOLE)
    unclear = await chat.say("อืม")
    assert 'โปรดเลือก "แจ้งเรื่องนี้"' in unclear[0].text
    assert POTHOLE in last(unclear).text
    longer = await chat.say(WASTE)  # a fuller account replaces the one offered
    assert WASTE in last(longer).text
    await chat.say("ยกเลิก")
    assert await complaint_count(chat) == 0


async def test_a_greeting_or_a_word_is_not_offered_as_a_complaint(chat: Chat) -> None:
    await accept_pdpa(chat)
    for text in ("สวัสดีครับท่าน", "ดีค่ะ", "hello there", "ทดสอบ"):
        replies = await chat.say(text)
        assert "แจ้งเรื่องนี้" not in labels(last(replies)), text


async def test_words_after_the_complaint_command_become_the_description(chat: Chat) -> None:
    await accept_pdpa(chat)
    place = await chat.say("แจ้งเรื่อง " + WASTE)
    assert "เก็บข้อความของท่านไว้เป็นรายละเอียด" in all_text(place)
    subject = await chat.share_location(*CHIANG_RAI_CITY_HALL)
    await chat.press(labels(last(subject))[0])
    await _finish_after_subject_from_photos(chat)
    complaint = await _only_complaint(chat)
    assert complaint.description == WASTE
    assert await _category_code(chat, complaint.category_id) == "waste"


async def test_an_english_problem_is_suggested_its_category(chat: Chat) -> None:
    async with chat.services.db.read() as session:
        flooded = await suggest_for_text(session, "The whole street is flooded after the rain")
        electricity = await suggest_for_text(session, "ไฟฟ้าดับทั้งหมู่บ้านตั้งแต่เมื่อคืน")
        smoke = await suggest_for_text(session, "ควันไฟป่าเต็มเมือง หายใจไม่ออก")
    assert flooded is not None and flooded.code == "flood"
    assert electricity is None  # "ไฟ" is not a word of "ไฟฟ้า"
    assert smoke is not None and smoke.code == "air"


async def test_words_typed_at_the_subject_question_suggest_the_subject_and_become_the_description(
    chat: Chat,
) -> None:
    """Issue 15: a comment typed where a subject button is expected is taken, not refused."""
    await accept_pdpa(chat)
    await chat.say("แจ้งเรื่อง")
    await chat.share_location(*CHIANG_RAI_CITY_HALL)
    subject = await chat.say(WASTE)
    assert subject[0].text == "ระบบเก็บข้อความที่ท่านพิมพ์ไว้เป็นรายละเอียดของเรื่องแล้ว"
    assert '"ขยะ"' in last(subject).text and labels(last(subject))[0] == "ขยะ"
    unknown = await chat.say("ไม่แน่ใจ")  # no subject in these words, and too short to describe anything
    assert unknown[0].text == "กรุณาเลือกเรื่องที่ใกล้เคียงที่สุดจากปุ่มด้านล่าง"
    await chat.press("ขยะ")
    contact = await chat.press("ข้าม")  # no photo; the description is not asked for again
    assert "ทางแชตเท่านั้น" in labels(last(contact))
    await chat.say("081-234-5678")  # a phone number typed instead of pressing "Phone"
    await chat.press("ข้าม")
    await chat.press("ไม่แสดง")
    await chat.press("ยืนยันและส่งเรื่อง")
    complaint = await _only_complaint(chat)
    assert complaint.description == WASTE and complaint.contact_phone == "0812345678"
    assert await _category_code(chat, complaint.category_id) == "waste"


async def test_other_words_at_the_contact_question_say_which_buttons_and_store_nothing(chat: Chat) -> None:
    await accept_pdpa(chat)
    await chat.say("แจ้งเรื่อง " + POTHOLE)
    subject = await chat.share_location(*CHIANG_RAI_CITY_HALL)
    await chat.press(labels(last(subject))[0])
    await chat.press("ข้าม")
    refused = await chat.say("โทรมาได้ตลอด")
    assert refused[0].text.startswith('กรุณาเลือกปุ่ม "ทางแชตเท่านั้น" "โทรศัพท์" หรือ "ไม่ประสงค์ออกนาม"')
    assert await complaint_count(chat) == 0


async def test_a_problem_typed_before_the_privacy_notice_is_offered_right_after_it(chat: Chat) -> None:
    """The first thing a new citizen types is their problem: it waits through the notice, then is offered."""
    notice = await chat.say(POTHOLE)
    assert "PDPA" in all_text(notice)
    await chat.press("ยินยอม")
    after = await chat.press("ไม่ยินยอม")
    assert POTHOLE in last(after).text and labels(last(after)) == ["แจ้งเรื่องนี้", "ไม่ใช่ ดูเมนูหลัก"]
    await chat.press("แจ้งเรื่องนี้")
    subject = await chat.share_location(*CHIANG_RAI_CITY_HALL)
    assert labels(last(subject))[0] == "ถนน/ทางเท้า"


async def test_a_ticket_number_or_a_thank_you_is_not_offered_as_a_complaint(chat: Chat) -> None:
    await accept_pdpa(chat)
    for text in ("CRI-69-99999", "ขอบคุณมากครับ 🙏"):
        replies = await chat.say(text)
        assert "แจ้งเรื่องนี้" not in labels(last(replies)), text
