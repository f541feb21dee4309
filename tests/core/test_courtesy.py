"""Typed text is never thrown away (issue 15): a thank-you in the middle of a flow gets a kind answer and the
question again; a comment typed where buttons are expected is told exactly what to do."""

from __future__ import annotations

import pytest

from tests.complaints.support import accept_pdpa, last
from tests.support.chat import Chat, labels

WELCOME_BACK = 'ยินดีให้บริการ หากต้องการทำรายการต่อ กรุณาตอบคำถามด้านล่าง หรือพิมพ์ "ยกเลิก" เพื่อหยุด'


@pytest.mark.parametrize("thanks", ["ขอบคุณครับ", "ขอบคุณค่ะ", "thanks", "ขอบคุณมากครับ 🙏"])
async def test_a_thank_you_while_following_a_ticket_is_not_taken_for_a_ticket_number(chat: Chat, thanks: str) -> None:
    await accept_pdpa(chat)
    question = last(await chat.say("ติดตามเรื่อง"))
    replies = await chat.say(thanks)
    assert replies[0].text == WELCOME_BACK
    assert "ไม่ใช่เลขที่เรื่อง" not in "\n".join(r.text for r in replies)
    assert last(replies).text == question.text and labels(last(replies)) == labels(question)


async def test_a_thank_you_in_the_middle_of_a_complaint_asks_the_same_question_again(chat: Chat) -> None:
    await accept_pdpa(chat)
    await chat.say("แจ้งเรื่อง")
    await chat.press("เลือกจากรายการ")
    question = last(await chat.say("เชียงราย"))
    replies = await chat.say("ขอบคุณค่ะ")
    assert replies[0].text == WELCOME_BACK and labels(last(replies)) == labels(question)
    replies = await chat.press("แม่สาย")  # and the flow carries on from there
    assert "อ.แม่สาย จ.เชียงราย" in replies[0].text


async def test_a_thank_you_at_the_menu_is_answered_kindly(chat: Chat) -> None:
    await accept_pdpa(chat)
    replies = await chat.say("ขอบคุณครับ")
    assert replies[0].text.startswith("ยินดีให้บริการ") and "ไม่เข้าใจ" not in replies[0].text
    assert "แจ้งเรื่องร้องเรียน" in labels(last(replies))


async def test_a_comment_typed_at_the_confirmation_is_told_which_button_to_press(chat: Chat) -> None:
    await accept_pdpa(chat)
    await chat.say("แจ้งเรื่อง")
    await chat.press("เลือกจากรายการ")
    await chat.say("เชียงราย")
    await chat.press("แม่สาย")
    await chat.press("ถนน/ทางเท้า")
    await chat.say("ถนนทรุดเป็นหลุมกว้าง หน้าโรงเรียน")
    await chat.press("ข้าม")
    await chat.press("ทางแชตเท่านั้น")
    await chat.press("ข้าม")
    await chat.press("ไม่แสดง")
    replies = await chat.say("ช่วยรีบมาซ่อมด้วยนะ อันตรายมาก")
    assert replies[0].text.startswith('กรุณากดปุ่ม "ยืนยันและส่งเรื่อง" เพื่อส่งเรื่อง หรือ "แก้ไขข้อมูล"')
    assert "ยืนยันและส่งเรื่อง" in labels(last(replies))
