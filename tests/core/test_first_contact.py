"""Everyone reads the PDPA notice first; what they asked for meanwhile is kept and done right after it."""

from __future__ import annotations

from bot.services import Services
from tests.complaints.support import NO, YES
from tests.support.chat import Chat, labels, texts


async def answer_notice(chat: Chat) -> list:  # type: ignore[type-arg]
    await chat.press(YES)
    return await chat.press(NO)


async def test_a_menu_button_pressed_before_the_notice_is_done_after_it(services: Services) -> None:
    newcomer = Chat(services, user="rich-menu-tapper")
    first = await newcomer.press_code("m:complain")  # LINE's rich menu, before ever writing: no message has it
    assert first[0].text.startswith("ก่อนเริ่มใช้งาน")
    after = await answer_notice(newcomer)
    assert after[0].text.startswith("ขอบคุณ")
    assert all(reply.choices == () for reply in after[:-1])  # only the complaint question offers buttons
    assert "แจ้งเรื่องร้องเรียน" not in labels(after[-1]) and after[-1].choices  # the complaint's first question


async def test_a_button_pressed_during_the_notice_waits_for_it(services: Services) -> None:
    newcomer = Chat(services, user="impatient")
    await newcomer.say("สวัสดี")
    waiting = await newcomer.press_code("m:follow")  # LINE's rich menu: the notice itself offers no such button
    assert waiting[0].text == "กรุณาตอบคำถามด้านบนก่อน แล้วระบบจะพาไปยังรายการที่ท่านเลือกต่อทันที"
    assert YES in labels(waiting[-1])  # the notice's question again
    after = await answer_notice(newcomer)
    assert any("เรื่อง" in text for text in texts(after[1:]))  # the follow flow ran right after the notice
    assert not any(text.startswith("ยินดีต้อนรับ") for text in texts(after))  # no welcome before what was asked


async def test_a_telegram_deep_link_code_survives_the_notice(services: Services) -> None:
    newcomer = Chat(services, user="new-officer")
    await newcomer.say("/start register-WRONG123")  # t.me/<bot>?start=register-WRONG123
    after = await answer_notice(newcomer)
    assert "รหัสเชิญไม่ถูกต้อง กรุณาตรวจสอบแล้วลองอีกครั้ง" in texts(after)  # the code was tried after the notice


async def test_switching_language_during_the_notice_shows_it_again_in_that_language(services: Services) -> None:
    newcomer = Chat(services, user="visitor", locale="th")
    await newcomer.say("hello")
    choose = await newcomer.say("ภาษา")
    assert labels(choose[-1]) == ["ภาษาไทย", "English"]
    english = await newcomer.press("English")
    assert english[0].text.startswith("Before we start")
