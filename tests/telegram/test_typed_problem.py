"""Issue 15 on Telegram: Khun Somchai types his problem at the main menu instead of pressing a button. He is
offered to file it with inline buttons, his words kept; the subject question names the category they suggest
and shows it first; the ticket keeps his words as the description."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Complaint, ComplaintCategory
from tests.telegram.conftest import TelegramBot
from tests.telegram.test_complaint_journey import (
    CITY_HALL,
    SOMCHAI,
    TelegramUser,
    buttons,
    first_contact,
    ticket_from,
)
from tests.telegram.updates import location_update

PROBLEM = "ถนนทางเข้าหมู่บ้านเป็นหลุมลึก <อันตราย> รถล้มทุกวัน & ยังไม่มีใครมาซ่อม"


async def test_a_problem_typed_at_the_menu_is_filed_on_telegram(tg: TelegramBot) -> None:
    somchai = TelegramUser(tg, SOMCHAI)
    await first_contact(somchai)
    offer = await somchai.say(PROBLEM)
    assert "&lt;อันตราย&gt;" in offer[-1].text  # his words, escaped for Telegram's HTML
    assert buttons(offer[-1]) == {"ty:file": "แจ้งเรื่องนี้", "ty:no": "ไม่ใช่ ดูเมนูหลัก"}
    await somchai.press("ty:file", offer)
    subject = await somchai.do(location_update(somchai.user_id, *CITY_HALL))
    assert 'น่าจะเกี่ยวกับ "ถนน/ทางเท้า"' in subject[-1].text
    assert next(iter(buttons(subject[-1]))) == "c:roads"
    photos = await somchai.press("c:roads", subject)
    assert buttons(photos[-1]) == {"ph:done": "ข้าม"}
    contact = await somchai.press("ph:done", photos)
    sector = await somchai.press("ct:chat", contact)
    publish = await somchai.press("sc:none", sector)
    summary = await somchai.press("pb:no", publish)  # not on the public page
    ticket = ticket_from(await somchai.press("cf:ok", summary))
    async with tg.services.db.read() as session:
        complaint = await session.scalar(select(Complaint).where(Complaint.ticket_no == ticket))
        assert complaint is not None and complaint.description == PROBLEM
        category = await session.get(ComplaintCategory, complaint.category_id)
    assert category is not None and category.code == "roads"
