"""Rating with characters that look like digits: "²" and "①" are asked again like any other wrong answer."""

from __future__ import annotations

from sqlalchemy import select

from bot.services import Services
from storage.models import Complaint, ComplaintStatus, InboxEvent, InboxStatus, Person
from tests.citizen.conftest import TicketMaker
from tests.support.chat import Chat, texts

ASK_AGAIN = "กรุณาเลือก 1 ถึง 5 ดาว หรือพิมพ์ตัวเลข 1 ถึง 5"


async def test_unicode_digits_as_a_rating_are_refused_and_thai_digits_count(
    services: Services, somchai: Chat, somchai_person: Person, tickets: TicketMaker
) -> None:
    ticket = await tickets.make(somchai_person, status=ComplaintStatus.RESOLVED, resolved_days_ago=1)
    await somchai.say(ticket.ticket_no)
    await somchai.press("ให้คะแนน")
    for typed in ("²", "①", "⑤", "5²"):
        replies = await somchai.say(typed)
        assert texts(replies) == [ASK_AGAIN], typed
    async with services.db.read() as session:
        complaint = await session.scalar(select(Complaint).where(Complaint.ticket_no == ticket.ticket_no))
        assert complaint is not None and complaint.rating is None  # nothing stored
        assert set((await session.scalars(select(InboxEvent.status))).all()) == {InboxStatus.DONE}  # no crash
    await somchai.say("๔")  # four, in Thai digits
    done = await somchai.press("ข้าม")
    assert done[0].text == f"ขอบคุณที่ให้คะแนนเรื่องเลขที่ {ticket.ticket_no}: ★★★★"
