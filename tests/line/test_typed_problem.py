"""Issue 15 on LINE: Khun Malee types her problem at the main menu instead of pressing a button. She is offered
to file it with quick replies, her words kept; the subject question names the category they suggest and shows it
first; the ticket keeps her words as the description."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Complaint, ComplaintCategory
from tests.line import events
from tests.line.conftest import LineBot
from tests.line.test_complaint_journey import CITY_HALL, MALEE, LineUser, first_contact, postbacks, ticket_from

PROBLEM = "ทางเท้าหน้าตลาดสดพังเป็นหลุมใหญ่ คนเดินสะดุดล้มทุกวัน"


async def test_a_problem_typed_at_the_menu_is_filed_on_line(line_bot: LineBot) -> None:
    malee = LineUser(line_bot, MALEE)
    await first_contact(malee)
    offer = await malee.say(PROBLEM)
    assert PROBLEM in offer[-1]["text"] and "ไม่เข้าใจ" not in offer[-1]["text"]
    assert postbacks(offer[-1]) == {"ty:file": "แจ้งเรื่องนี้", "ty:no": "ไม่ใช่ ดูเมนูหลัก"}
    where = await malee.press("ty:file", offer)
    assert "เก็บข้อความของท่านไว้เป็นรายละเอียด" in where[0]["text"]
    subject = await malee.do(events.location(malee.user, *CITY_HALL))
    assert 'น่าจะเกี่ยวกับ "ถนน/ทางเท้า"' in subject[-1]["text"]
    assert next(iter(postbacks(subject[-1]))) == "c:roads"  # the suggestion is the first quick reply
    photos = await malee.press("c:roads", subject)
    assert postbacks(photos[-1]) == {"ph:done": "ข้าม"}  # the description is not asked for again
    contact = await malee.press("ph:done", photos)
    sector = await malee.press("ct:chat", contact)
    publish = await malee.press("sc:none", sector)
    summary = await malee.press("pb:no", publish)  # not on the public page
    assert PROBLEM in str(summary[-2]["contents"])
    ticket = ticket_from(await malee.press("cf:ok", summary))
    async with line_bot.services.db.read() as session:
        complaint = await session.scalar(select(Complaint).where(Complaint.ticket_no == ticket))
        assert complaint is not None and complaint.description == PROBLEM
        category = await session.get(ComplaintCategory, complaint.category_id)
    assert category is not None and category.code == "roads"
