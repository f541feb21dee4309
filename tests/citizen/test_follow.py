"""Following a ticket: my tickets newest first, any ticket by number (typed loosely), public summaries of other
people's tickets, and every status as the citizen reads it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.services import Services
from storage.models import Agenda, ComplaintStatus, Person
from tests.citizen.conftest import TicketMaker, known_person
from tests.support.chat import Chat, codes, labels, texts


async def test_my_tickets_newest_first_then_one_with_its_history(
    somchai: Chat, somchai_person: Person, tickets: TicketMaker
) -> None:
    older = await tickets.make(somchai_person, created=datetime.now(UTC) - timedelta(days=20))
    newer = await tickets.make(somchai_person, status=ComplaintStatus.IN_PROGRESS)

    replies = await somchai.say("ติดตามเรื่อง")
    assert replies[0].text.startswith("เรื่องของท่าน เรียงจากล่าสุด (ยังดำเนินการอยู่ 2 เรื่อง)")
    assert labels(replies[0])[:2] == [f"{newer.ticket_no} กำลังทำ", f"{older.ticket_no} รอรับ"]

    shown = await somchai.press(f"{newer.ticket_no} กำลังทำ")
    card = shown[0].card
    assert card is not None and card.title == f"เรื่องเลขที่ {newer.ticket_no}"
    fields = {f.label: f.value for f in card.fields}
    assert fields["สถานะ"] == "กำลังดำเนินการ"
    assert "ควันจากการเผาไร่" in fields["รายละเอียด"]  # my own ticket: the description is shown
    history = shown[1].text
    assert history.startswith("ประวัติสถานะ:")
    assert "— รอรับเรื่อง" in history and "— กำลังดำเนินการ" in history
    assert f" {datetime.now(UTC).year + 543} " in history  # Buddhist-Era dates


async def test_a_typed_number_is_found_whatever_its_case_and_spacing(
    somchai: Chat, somchai_person: Person, tickets: TicketMaker
) -> None:
    ticket = await tickets.make(somchai_person)
    assert ticket.ticket_no == "CRI-69-00042"
    await somchai.say("เมนู")
    await somchai.press("ติดตามเรื่อง")
    for typed in ("cri-69-00042", " CRI 69 42 ", "cri6900042"):
        replies = await somchai.say(typed)
        assert replies[0].card is not None and replies[0].card.title == "เรื่องเลขที่ CRI-69-00042", typed


async def test_a_ticket_number_typed_outside_any_flow_opens_it(
    somchai: Chat, somchai_person: Person, tickets: TicketMaker
) -> None:
    ticket = await tickets.make(somchai_person)
    replies = await somchai.say(ticket.ticket_no.lower())
    assert replies[0].card is not None and replies[0].card.title == f"เรื่องเลขที่ {ticket.ticket_no}"


async def test_status_command_with_a_number_opens_the_ticket_directly(
    somchai: Chat, somchai_person: Person, tickets: TicketMaker
) -> None:
    ticket = await tickets.make(somchai_person)
    replies = await somchai.say(f"/status {ticket.ticket_no.lower()}")
    assert replies[0].card is not None and replies[0].card.title == f"เรื่องเลขที่ {ticket.ticket_no}"


async def test_a_nonexistent_or_malformed_number_is_explained_and_the_step_repeats(
    somchai: Chat, somchai_person: Person, tickets: TicketMaker
) -> None:
    mine = await tickets.make(somchai_person)
    await somchai.say("ติดตามเรื่อง")
    missing = await somchai.say("CRI-69-99999")
    assert missing[0].text.startswith("ไม่พบเรื่องเลขที่ CRI-69-99999 กรุณาตรวจสอบเลขที่อีกครั้ง")
    assert labels(missing[0]) == [f"{mine.ticket_no} รอรับ"]  # the list is offered again
    malformed = await somchai.say("เรื่องควันไฟ")
    assert malformed[0].text.startswith('"เรื่องควันไฟ" ไม่ใช่เลขที่เรื่อง เลขที่เรื่องมีรูปแบบเช่น CRI-69-00042')
    found = await somchai.say(mine.ticket_no)  # still in the step: a good number now works
    assert found[0].card is not None


async def test_someone_elses_ticket_shows_only_the_public_summary(
    services: Services, somchai: Chat, tickets: TicketMaker
) -> None:
    other = await known_person(services, "malee")
    theirs = await tickets.make(other, status=ComplaintStatus.REJECTED, reject_reason="อยู่นอกเขตรับผิดชอบ")
    replies = await somchai.say(f"ติดตามเรื่อง {theirs.ticket_no}")
    card = replies[0].card
    assert card is not None
    fields = {f.label: f.value for f in card.fields}
    assert "รายละเอียด" not in fields and fields["สถานะ"] == "ไม่รับเรื่อง"
    assert replies[1].text.startswith(f"นี่คือข้อมูลสาธารณะของเรื่อง {theirs.ticket_no}")
    assert "ควันจากการเผาไร่" not in " ".join(texts(replies)) and "นอกเขต" not in " ".join(texts(replies))
    assert not any(code.startswith(("rate:", "reopen:")) for code in codes(replies[1]))  # whatever their labels


async def test_a_rejected_ticket_of_mine_shows_the_reason(
    somchai: Chat, somchai_person: Person, tickets: TicketMaker
) -> None:
    ticket = await tickets.make(somchai_person, status=ComplaintStatus.REJECTED, reject_reason="อยู่นอกเขตรับผิดชอบ")
    replies = await somchai.say(ticket.ticket_no)
    assert "เหตุผล: อยู่นอกเขตรับผิดชอบ" in replies[1].text


async def test_a_duplicate_points_to_the_original(
    services: Services, somchai: Chat, somchai_person: Person, tickets: TicketMaker
) -> None:
    original = await tickets.make(await known_person(services, "malee"), status=ComplaintStatus.IN_PROGRESS)
    duplicate = await tickets.make(somchai_person, status=ComplaintStatus.DUPLICATE, duplicate_of_id=original.id)
    replies = await somchai.say(duplicate.ticket_no)
    assert f"เป็นเรื่องเดียวกับเรื่องเลขที่ {original.ticket_no}" in replies[1].text
    assert f"เปิด {original.ticket_no}" in labels(replies[1])
    opened = await somchai.press(f"เปิด {original.ticket_no}")
    assert opened[0].card is not None and opened[0].card.title == f"เรื่องเลขที่ {original.ticket_no}"


async def test_no_tickets_yet(somchai: Chat) -> None:
    await somchai.say("เมนู")
    replies = await somchai.press("ติดตามเรื่อง")
    assert replies[0].text.startswith("ท่านยังไม่มีเรื่องร้องเรียน")


async def test_a_ticket_filed_under_a_province_agenda_shows_the_agenda_as_its_subject(
    somchai: Chat, somchai_person: Person, tickets: TicketMaker, services: Services
) -> None:
    async with services.db.read() as session:
        agenda = await session.scalar(select(Agenda).where(Agenda.title_th.contains("อากาศ")))
    assert agenda is not None
    ticket = await tickets.make(somchai_person, agenda_id=agenda.id)
    shown = await somchai.say(ticket.ticket_no)
    card = shown[0].card
    assert card is not None and {f.label: f.value for f in card.fields}["เรื่อง"] == agenda.title_th
