"""After resolution: every status change reaches the complainant's chat in their language; a resolved ticket is
rated 1–5 with an optional comment; inside the window it can be reopened with a reason, which tells the
agency's officers; after the window it cannot."""

from __future__ import annotations

from sqlalchemy import select

from bot.services import Services
from storage.models import Complaint, ComplaintEvent, ComplaintStatus, Person
from tests.citizen.conftest import SET_STATUS, TicketMaker, known_person
from tests.support.chat import Chat, codes, labels, texts

REOPEN = "ขอเปิดเรื่องใหม่"  # the ticket's button, inside the window


async def stored(services: Services, ticket_no: str) -> Complaint:
    async with services.db.read() as session:
        complaint = await session.scalar(select(Complaint).where(Complaint.ticket_no == ticket_no))
        assert complaint is not None
        return complaint


async def test_every_status_change_notifies_the_complainant_in_their_chat(
    somchai: Chat, somchai_person: Person, officer: Chat, tickets: TicketMaker
) -> None:
    ticket = await tickets.make(somchai_person)
    expected = {
        "accepted": "หน่วยงานรับเรื่องแล้ว",
        "in_progress": "กำลังดำเนินการ",
        "forwarded": "ส่งต่อหน่วยงานอื่น",
        "rejected": "ไม่รับเรื่อง",
        "duplicate": "เรื่องซ้ำ",
        "resolved": "ดำเนินการเสร็จสิ้น",
        "closed": "ปิดเรื่อง",
    }
    for status, label in expected.items():
        # The officer's stand-in: its code carries the change, no button does.
        await officer.press_code(f"{SET_STATUS}{ticket.ticket_no} {status} ตรวจสอบพื้นที่แล้ว")
        notes = somchai.new_replies()
        assert len(notes) == 1, status
        assert notes[0].text.startswith(f"ความคืบหน้าเรื่องเลขที่ {ticket.ticket_no}: {label}"), status
        assert "หมายเหตุ: ตรวจสอบพื้นที่แล้ว" in notes[0].text
        offered = [f"t:{ticket.ticket_no}"]
        if status == "resolved":  # the moment to ask how it went
            offered += [f"rate:{ticket.ticket_no}", f"reopen:{ticket.ticket_no}"]
        assert codes(notes[0]) == offered, status  # each button acts on this ticket, from wherever the person is
    history = (await somchai.press("ดูรายละเอียดเรื่อง"))[1].text
    assert all(f"— {label}" in history for label in expected.values())


async def test_an_english_speaker_is_notified_in_english(
    services: Services, officer: Chat, tickets: TicketMaker
) -> None:
    john = await known_person(services, "john", locale="en")
    ticket = await tickets.make(john)
    await officer.press_code(f"{SET_STATUS}{ticket.ticket_no} resolved")  # the officer's stand-in
    notes = Chat(services, user="john").new_replies()
    assert notes[0].text == f"Update on your ticket {ticket.ticket_no}: Resolved."
    assert labels(notes[0]) == ["View ticket", "Rate", "Not solved: reopen"]


async def test_the_notification_leads_to_rating_with_stars_and_a_comment(
    services: Services, somchai: Chat, somchai_person: Person, officer: Chat, tickets: TicketMaker
) -> None:
    ticket = await tickets.make(somchai_person, status=ComplaintStatus.IN_PROGRESS)
    await officer.press_code(f"{SET_STATUS}{ticket.ticket_no} resolved")  # the officer's stand-in
    [notice] = somchai.new_replies()
    assert labels(notice) == ["ดูรายละเอียดเรื่อง", "ให้คะแนน", "ยังไม่แก้ไข เปิดใหม่"]
    await somchai.say("เมนู")  # the person has moved on: the old notification's buttons still work
    shown = await somchai.press("ดูรายละเอียดเรื่อง", on=notice)
    assert "กรุณาให้คะแนนความพึงพอใจต่อการดำเนินการ" in shown[1].text
    assert "ให้คะแนน" in labels(shown[1]) and REOPEN in labels(shown[1])

    ask = await somchai.press("ให้คะแนน", on=notice)
    assert ask[0].text.startswith(f"ท่านพึงพอใจกับการดำเนินการเรื่องเลขที่ {ticket.ticket_no} เพียงใด")
    assert labels(ask[0]) == ["★", "★★", "★★★", "★★★★", "★★★★★"]
    comment = await somchai.press("★★★★")
    assert comment[0].text.startswith("ขอบคุณ ท่านต้องการเพิ่มความคิดเห็นหรือไม่")
    done = await somchai.say("เจ้าหน้าที่มาดูเร็วมาก แต่ยังมีควันบ้าง")
    assert done[0].text == f"ขอบคุณที่ให้คะแนนเรื่องเลขที่ {ticket.ticket_no}: ★★★★"
    saved = await stored(services, ticket.ticket_no)
    assert (saved.rating, saved.rating_comment) == (4, "เจ้าหน้าที่มาดูเร็วมาก แต่ยังมีควันบ้าง")


async def test_a_rating_outside_one_to_five_is_refused_and_asked_again(
    services: Services, somchai: Chat, somchai_person: Person, tickets: TicketMaker
) -> None:
    ticket = await tickets.make(somchai_person, status=ComplaintStatus.RESOLVED, resolved_days_ago=1)
    await somchai.say(ticket.ticket_no)  # typing the number opens the ticket
    await somchai.press("ให้คะแนน")
    for bad in ("0", "6", "ห้า", "ดีมาก"):
        replies = await somchai.say(bad)
        assert texts(replies) == ["กรุณาเลือก 1 ถึง 5 ดาว หรือพิมพ์ตัวเลข 1 ถึง 5"], bad
        assert len(replies[0].choices) == 5
    assert (await stored(services, ticket.ticket_no)).rating is None  # nothing half-done is kept
    await somchai.say("5")  # a typed digit works like the button
    skipped = await somchai.press("ข้าม")
    assert skipped[0].text == f"ขอบคุณที่ให้คะแนนเรื่องเลขที่ {ticket.ticket_no}: ★★★★★"
    saved = await stored(services, ticket.ticket_no)
    assert (saved.rating, saved.rating_comment) == (5, None)


async def test_only_the_complainant_may_rate_or_reopen(services: Services, somchai: Chat, tickets: TicketMaker) -> None:
    malee = await known_person(services, "malee")
    ticket = await tickets.make(malee, status=ComplaintStatus.RESOLVED, resolved_days_ago=1)
    for code in (f"rate:{ticket.ticket_no}", f"reopen:{ticket.ticket_no}"):
        replies = await somchai.press_code(code)  # forged: only the complainant is offered these buttons
        assert replies[0].text == f"เฉพาะผู้แจ้งเรื่องเลขที่ {ticket.ticket_no} เท่านั้นที่ทำรายการนี้ได้"
    saved = await stored(services, ticket.ticket_no)
    assert (saved.rating, saved.status) == (None, ComplaintStatus.RESOLVED)


async def test_an_unresolved_ticket_cannot_be_rated(
    somchai: Chat, somchai_person: Person, tickets: TicketMaker
) -> None:
    ticket = await tickets.make(somchai_person, status=ComplaintStatus.IN_PROGRESS)
    replies = await somchai.press_code(f"rate:{ticket.ticket_no}")  # a stale button: no open ticket offers it
    assert replies[0].text == f"ให้คะแนนเรื่องเลขที่ {ticket.ticket_no} ได้เมื่อดำเนินการเสร็จสิ้นแล้ว"


async def test_reopening_inside_the_window_puts_it_back_in_progress_and_tells_the_officers(
    services: Services, somchai: Chat, somchai_person: Person, officer: Chat, tickets: TicketMaker
) -> None:
    ticket = await tickets.make(somchai_person, status=ComplaintStatus.RESOLVED, resolved_days_ago=6.5)
    officer.new_replies()
    await somchai.say(ticket.ticket_no)  # typing the number opens the ticket
    ask = await somchai.press(REOPEN)
    assert ask[0].text.startswith("ปัญหายังไม่ได้รับการแก้ไขอย่างไร กรุณาอธิบาย (5 ถึง 500 ตัวอักษร)")
    too_short = await somchai.say("ยัง")
    assert texts(too_short) == ["กรุณาพิมพ์เพิ่มอีกเล็กน้อย อย่างน้อย 5 ตัวอักษร"]
    too_long = await somchai.say("ควัน" * 130)
    assert texts(too_long) == ["ข้อความยาว 520 ตัวอักษร กรุณาพิมพ์ไม่เกิน 500 ตัวอักษร"]
    assert (await stored(services, ticket.ticket_no)).status == ComplaintStatus.RESOLVED

    done = await somchai.say("ยังมีการเผาทุกเย็นเหมือนเดิม")
    assert done[0].text.startswith(f"เปิดเรื่องเลขที่ {ticket.ticket_no} ใหม่แล้ว")
    assert somchai.new_replies() == []  # the complainant is not told about their own change
    saved = await stored(services, ticket.ticket_no)
    assert saved.status == ComplaintStatus.IN_PROGRESS
    async with services.db.read() as session:
        last = await session.scalar(
            select(ComplaintEvent).where(ComplaintEvent.complaint_id == saved.id).order_by(ComplaintEvent.id.desc())
        )
    assert last is not None and (last.status, last.note) == ("in_progress", "ยังมีการเผาทุกเย็นเหมือนเดิม")
    told = officer.new_replies()
    assert texts(told) == [
        f"ผู้แจ้งขอเปิดเรื่องเลขที่ {ticket.ticket_no} ใหม่ เรื่องกลับสู่สถานะกำลังดำเนินการ\nเหตุผล: ยังมีการเผาทุกเย็นเหมือนเดิม"
    ]


async def test_reopening_after_the_window_is_refused(
    services: Services, somchai: Chat, somchai_person: Person, tickets: TicketMaker
) -> None:
    ticket = await tickets.make(somchai_person, status=ComplaintStatus.RESOLVED, resolved_days_ago=7.1)
    shown = await somchai.say(ticket.ticket_no)  # typing the number opens the ticket
    assert "ให้คะแนน" in labels(shown[1]) and REOPEN not in labels(shown[1])  # no longer offered
    replies = await somchai.press_code(f"reopen:{ticket.ticket_no}")  # the resolved notice's button, pressed too late
    assert replies[0].text.startswith(f"เรื่องเลขที่ {ticket.ticket_no} ไม่สามารถขอเปิดใหม่ได้แล้ว เนื่องจากพ้นกำหนด 7 วัน")
    assert (await stored(services, ticket.ticket_no)).status == ComplaintStatus.RESOLVED


async def test_the_window_follows_the_setting(
    services: Services, somchai: Chat, somchai_person: Person, tickets: TicketMaker
) -> None:
    services.settings.reopen_days = 10
    ticket = await tickets.make(somchai_person, status=ComplaintStatus.RESOLVED, resolved_days_ago=9)
    await somchai.say(ticket.ticket_no)  # typing the number opens the ticket
    replies = await somchai.press(REOPEN)
    assert replies[0].text.startswith("ปัญหายังไม่ได้รับการแก้ไขอย่างไร")
