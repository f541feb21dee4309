"""Transcripts of the foundation's conversation: the main menu, help, language, cancel, and bad input."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.core.types import InboundKind
from bot.services import Services
from storage.models import Conversation, InboxEvent, OutboxMessage, Person
from tests.support.chat import Chat, labels, texts

MAIN_MENU_TH = ["แจ้งเรื่องร้องเรียน", "ติดตามเรื่อง", "ประเด็นของจังหวัด", "บอกเราถึงรัฐ", "ภาษา/Language", "ช่วยเหลือ"]


async def test_an_unknown_message_gets_a_friendly_thai_answer_and_the_menu(somchai: Chat) -> None:
    replies = await somchai.say("สวัสดีครับ")
    assert texts(replies) == ["สวัสดี ขออภัย ระบบยังไม่เข้าใจข้อความนี้"]
    assert labels(replies[0])[: len(MAIN_MENU_TH)] == MAIN_MENU_TH or set(MAIN_MENU_TH) <= set(labels(replies[0]))


async def test_menu_help_and_numbered_choice(somchai: Chat) -> None:
    menu = await somchai.say("เมนู")
    assert menu[0].text == "เมนูหลัก"
    help_number = labels(menu[0]).index("ช่วยเหลือ") + 1
    help_reply = await somchai.say(str(help_number))  # typing the number of a button works like pressing it
    assert help_reply[0].text.startswith("วิธีใช้บริการ:")
    assert "1567" in help_reply[0].text and "1111" in help_reply[0].text
    by_label = await somchai.say("ช่วยเหลือ")  # and so does typing its label
    assert by_label[0].text.startswith("วิธีใช้บริการ:")


async def test_switching_to_english_and_back(somchai: Chat, services: Services) -> None:
    await somchai.say("เมนู")
    choose = await somchai.press("ภาษา/Language")
    assert choose[0].text == "กรุณาเลือกภาษา"
    assert labels(choose[0]) == ["ภาษาไทย", "English"]
    english = await somchai.press("English")
    assert english[0].text == "Language set to English."
    assert "File a complaint" in labels(english[0])
    assert (await somchai.say("hello"))[0].text == "Hello! I did not quite get that."
    await somchai.say("language")
    thai = await somchai.press("ภาษาไทย")
    assert thai[0].text == "เปลี่ยนเป็นภาษาไทยแล้ว"
    async with services.db.read() as session:
        assert await session.scalar(select(Person.locale).where(Person.platform_user_id == "somchai")) == "th"


async def test_an_old_button_says_the_menu_has_expired(somchai: Chat) -> None:
    await somchai.say("เมนู")
    replies = await somchai.press_code("x:some-old-step")  # a button of a step that no longer exists
    assert replies[0].text == "เมนูนี้หมดอายุแล้ว"
    assert "แจ้งเรื่องร้องเรียน" in labels(replies[-1])


async def test_stickers_and_files_are_not_supported_yet(somchai: Chat) -> None:
    replies = await somchai.send(InboundKind.UNSUPPORTED, extra={"type": "sticker"})
    assert replies[0].text.startswith("ขออภัย ยังไม่รองรับข้อความประเภทนี้")


async def test_a_too_long_text_is_refused_with_the_limit_stated(somchai: Chat, services: Services) -> None:
    limit = services.settings.max_text_length
    replies = await somchai.say("ก" * (limit + 1))
    assert replies[0].text == f"ข้อความยาวเกินไป กรุณาพิมพ์ไม่เกิน {limit} ตัวอักษร"


async def test_cancel_from_anywhere(somchai: Chat) -> None:
    await somchai.say("เมนู")
    await somchai.press("ภาษา/Language")
    replies = await somchai.say("ยกเลิก")
    assert replies[0].text == "ยกเลิกแล้ว ไม่มีการบันทึกข้อมูลใด ๆ"
    assert "ช่วยเหลือ" in labels(replies[0])


async def test_a_new_person_is_created_with_the_platform_language(services: Services) -> None:
    newcomer = Chat(services, user="newcomer", locale="en-US", display_name="Jane")
    await newcomer.say("hi")
    async with services.db.read() as session:
        person = await session.scalar(select(Person).where(Person.platform_user_id == "newcomer"))
        assert person is not None
        assert (person.locale, person.display_name, person.role) == ("en", "Jane", "citizen")
        conversation = await session.scalar(select(Conversation).where(Conversation.user_id == "newcomer"))
        assert conversation is not None and conversation.version >= 1


async def test_each_event_is_stored_applied_and_answered_once(somchai: Chat, services: Services) -> None:
    await somchai.say("เมนู")
    await somchai.say("ช่วยเหลือ")
    async with services.db.read() as session:
        inbox = await session.execute(select(InboxEvent.status, func.count()).group_by(InboxEvent.status))
        statuses = {status: count for status, count in inbox}
        outbox = await session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
        sent = {status: count for status, count in outbox}
    assert statuses == {"done": 2}
    assert sent == {"sent": 2}
