"""Officers handle the complaints routed to them; the citizen hears of every step."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from bot.core.media import store_media
from bot.core.types import Reply
from bot.services import Services
from storage.models import Complaint, ComplaintEvent, ComplaintPhoto
from tests.officer.helpers import (
    agency_id,
    codes_of,
    complaint,
    district_id,
    joined,
    labels_of,
    make_complaint,
    make_person,
    mark_notice_seen,
)
from tests.support.chat import Chat

CASES = "เรื่องที่ต้องจัดการ"  # the staff's main-menu button
HEALTH_OFFICE = "สำนักงานสาธารณสุขจังหวัดเชียงราย"
HEALTH_BUTTON = "สสจ.เชียงราย"  # its abbreviation on the button; the full name is in the text
FORBIDDEN = "ขออภัย รายการนี้อยู่นอกบทบาทหรือพื้นที่ความรับผิดชอบของท่าน จึงไม่มีการเปลี่ยนแปลงใด ๆ"


@pytest.fixture
async def somsri(services: Services) -> Chat:
    """The seeded officer of Chiang Rai's natural resources office."""
    await mark_notice_seen(services.db, "officer-1")
    return Chat(services, user="officer-1")


async def routed_to_somsri(services: Services, *, citizen: str = "citizen-c", due_on: date | None = None) -> str:
    return await make_complaint(
        services.db, citizen=citizen, agency=await agency_id(services.db, "natural_resources"), due_on=due_on
    )


async def case_list(officer: Chat) -> Reply:
    """The list of complaints to handle, opened from the menu."""
    await officer.say("เมนู")
    [listed] = [reply for reply in await officer.press(CASES) if reply.choices]
    return listed


async def open_case(officer: Chat, ticket: str) -> list[Reply]:
    """From the menu to the ticket, through the list of complaints to handle."""
    await case_list(officer)
    return await officer.press(ticket)


async def events(services: Services, ticket_no: str) -> list[tuple[str, str | None]]:
    ticket = await complaint(services.db, ticket_no)
    async with services.db.read() as session:
        rows = await session.scalars(
            select(ComplaintEvent).where(ComplaintEvent.complaint_id == ticket.id).order_by(ComplaintEvent.id)
        )
        return [(e.status, e.note) for e in rows]


async def test_the_list_puts_overdue_tickets_first_with_buddhist_era_dates(services: Services, somsri: Chat) -> None:
    later = await routed_to_somsri(services, due_on=date(2026, 12, 31))
    overdue = await routed_to_somsri(services, due_on=date.today() - timedelta(days=2))
    await make_complaint(services.db, citizen="citizen-d", agency=await agency_id(services.db, "public_health"))
    await somsri.say("เมนู")
    replies = await somsri.press(CASES)
    assert labels_of(replies)[:2] == [f"⚠️ {overdue}", later]  # other agencies' tickets not listed
    lines = replies[0].text.split("\n")
    assert lines[0] == "เรื่องร้องเรียนที่ยังไม่แล้วเสร็จ (เรื่องที่เกินกำหนดอยู่ก่อน):"
    assert lines[1].startswith(f"1. {overdue} (รอรับเรื่อง) กำหนดตอบ ") and lines[1].endswith("⚠️ เกินกำหนด")
    assert lines[2] == f"2. {later} (รอรับเรื่อง) กำหนดตอบ 31 ธ.ค. 2569"


async def test_lifecycle_accept_progress_resolve_close_with_the_citizen_told(services: Services, somsri: Chat) -> None:
    ticket = await routed_to_somsri(services)
    citizen = Chat(services, user="citizen-c")

    listed = await case_list(somsri)
    replies = await somsri.press(ticket)
    assert replies[0].card is not None and replies[0].card.title.endswith(ticket)
    assert labels_of(replies) == ["รับเรื่อง", "กำลังดำเนินการ", "ส่งต่อหน่วยงานอื่น", "เรื่องซ้ำ", "ไม่รับเรื่อง"]

    replies = await somsri.press("รับเรื่อง")
    assert replies[0].text == f"เรื่องเลขที่ {ticket} สถานะ: หน่วยงานรับเรื่องแล้ว แจ้งผู้ร้องเรียนแล้ว"
    assert citizen.new_replies()[0].text == f"ความคืบหน้าเรื่องเลขที่ {ticket}: หน่วยงานรับเรื่องแล้ว"

    await open_case(somsri, ticket)
    await somsri.press("กำลังดำเนินการ")
    await somsri.say("ส่งทีมดับไฟเข้าพื้นที่แล้ว")
    after = await store_media(services.db, b"\xff\xd8 after", "image/jpeg")
    replies = await somsri.send_photo(after)
    assert "กำลังดำเนินการ" in replies[0].text
    [told] = citizen.new_replies()
    assert told.text == f"ความคืบหน้าเรื่องเลขที่ {ticket}: กำลังดำเนินการ\nหมายเหตุ: ส่งทีมดับไฟเข้าพื้นที่แล้ว"
    assert told.image_media_id == after  # the officer's photo of the work reaches the citizen with the note

    await open_case(somsri, ticket)
    await somsri.press("ดำเนินการเสร็จสิ้น")
    await somsri.press("ข้าม")  # no note
    await somsri.press("ข้าม")  # no photo
    assert citizen.new_replies()[0].text == f"ความคืบหน้าเรื่องเลขที่ {ticket}: ดำเนินการเสร็จสิ้น"

    replies = await somsri.press(ticket, on=listed)  # an older list: a resolved ticket has left the current one
    assert labels_of(replies) == ["ปิดเรื่อง", "กำลังดำเนินการ"]
    await somsri.press("ปิดเรื่อง")
    await somsri.say("ผู้ร้องยืนยันว่าควันหมดแล้ว")
    assert citizen.new_replies()[0].text.startswith(f"ความคืบหน้าเรื่องเลขที่ {ticket}: ปิดเรื่อง")

    replies = await somsri.press(ticket, on=listed)
    assert "เรื่องนี้สิ้นสุดแล้ว" in joined(replies) and "ประวัติการดำเนินการ:" in joined(replies)
    assert await events(services, ticket) == [
        ("accepted", None),
        ("in_progress", "ส่งทีมดับไฟเข้าพื้นที่แล้ว"),
        ("resolved", None),
        ("closed", "ผู้ร้องยืนยันว่าควันหมดแล้ว"),
    ]
    async with services.db.read() as session:
        photos = (await session.execute(select(ComplaintPhoto.media_id, ComplaintPhoto.kind))).all()
    assert [tuple(p) for p in photos] == [(after, "after")]
    assert (await complaint(services.db, ticket)).resolved_at is not None


async def test_forwarding_tells_the_other_agency_and_hands_the_ticket_over(services: Services, somsri: Chat) -> None:
    ticket = await routed_to_somsri(services)
    health = await agency_id(services.db, "public_health")
    await make_person(services.db, "nurse", role="officer", province="เชียงราย", agency=health)
    nurse, citizen = Chat(services, user="nurse"), Chat(services, user="citizen-c")

    listed = await case_list(somsri)
    await somsri.press(ticket)
    replies = await somsri.press("ส่งต่อหน่วยงานอื่น")
    assert replies[-1].text.startswith("ส่งต่อไปยังหน่วยงานใด\n") and HEALTH_BUTTON in labels_of(replies)
    assert f"• {HEALTH_BUTTON}: {HEALTH_OFFICE}" in replies[-1].text
    await somsri.press(HEALTH_BUTTON)

    notice = nurse.new_replies()
    assert notice[0].text == f"มีการส่งต่อเรื่องเลขที่ {ticket} มายังหน่วยงานของท่าน กรุณาตรวจสอบ"
    assert codes_of(notice) == [f"case:{ticket}"] and labels_of(notice) == [f"เปิด {ticket}"]
    assert citizen.new_replies()[0].text.startswith(f"ความคืบหน้าเรื่องเลขที่ {ticket}: ส่งต่อหน่วยงานอื่น")
    assert (await complaint(services.db, ticket)).agency_id == health
    # The ticket is the health office's now: Somsri can no longer open it; the nurse can.
    assert (await somsri.press(ticket, on=listed))[0].text == FORBIDDEN  # her list from before the forwarding
    assert "รับเรื่อง" in labels_of(await nurse.press(f"เปิด {ticket}"))


async def test_mark_duplicate_needs_an_existing_ticket_of_the_province(services: Services, somsri: Chat) -> None:
    original = await routed_to_somsri(services, citizen="citizen-first")
    copy = await routed_to_somsri(services)
    elsewhere = await make_complaint(services.db, citizen="citizen-b", agency=None, province="บุรีรัมย์")
    await open_case(somsri, copy)
    await somsri.press("เรื่องซ้ำ")
    assert (await somsri.say("CRI-69-99999"))[0].text == "ไม่พบเรื่องอื่นเลขที่ CRI-69-99999 กรุณาตรวจสอบเลขที่อีกครั้ง"
    assert (await somsri.say(copy))[0].text.startswith("ไม่พบเรื่องอื่นเลขที่")  # not itself
    assert (await somsri.say(elsewhere))[0].text.startswith(f"เรื่องเลขที่ {elsewhere} อยู่ต่างจังหวัด")
    assert (await complaint(services.db, copy)).status == "received"
    await somsri.say(original.lower())
    marked = await complaint(services.db, copy)
    assert marked.status == "duplicate" and marked.duplicate_of_id == (await complaint(services.db, original)).id
    told = Chat(services, user="citizen-c").new_replies()[0].text
    assert told == f"ความคืบหน้าเรื่องเลขที่ {copy}: เรื่องซ้ำ\nหมายเหตุ: เป็นเรื่องเดียวกับเรื่องเลขที่ {original}"


async def test_reject_requires_a_reason(services: Services, somsri: Chat) -> None:
    ticket = await routed_to_somsri(services)
    await open_case(somsri, ticket)
    await somsri.press("ไม่รับเรื่อง")
    photo = await store_media(services.db, b"\xff\xd8 x", "image/jpeg")
    assert (await somsri.send_photo(photo))[0].text == "การไม่รับเรื่องร้องเรียนต้องระบุเหตุผล กรุณาพิมพ์เหตุผล"
    assert (await complaint(services.db, ticket)).status == "received"
    await somsri.say("อยู่นอกเขตจังหวัด กรุณาติดต่อจังหวัดพะเยา")
    rejected = await complaint(services.db, ticket)
    assert rejected.status == "rejected" and rejected.reject_reason == "อยู่นอกเขตจังหวัด กรุณาติดต่อจังหวัดพะเยา"
    told = Chat(services, user="citizen-c").new_replies()[0].text
    assert told == f"ความคืบหน้าเรื่องเลขที่ {ticket}: ไม่รับเรื่อง\nหมายเหตุ: อยู่นอกเขตจังหวัด กรุณาติดต่อจังหวัดพะเยา"


async def test_an_officer_of_another_province_can_neither_read_nor_change(services: Services) -> None:
    ticket = await routed_to_somsri(services)
    await make_person(services.db, "buriram-officer", role="officer", province="บุรีรัมย์")
    other = Chat(services, user="buriram-officer")
    assert (await other.press_code(f"case:{ticket}"))[0].text == FORBIDDEN  # forged: not in their list
    await other.say("เมนู")
    assert f"case:{ticket}" not in codes_of(await other.press(CASES))
    assert await events(services, ticket) == []


async def test_an_officer_of_another_agency_in_the_province_cannot_open_it(services: Services) -> None:
    ticket = await routed_to_somsri(services)
    transport = await agency_id(services.db, "land_transport")
    await make_person(services.db, "driver", role="officer", province="เชียงราย", agency=transport)
    driver = Chat(services, user="driver")
    assert (await driver.press_code(f"case:{ticket}"))[0].text == FORBIDDEN  # forged: not in their list
    await driver.say("เมนู")
    assert joined(await driver.press(CASES)) == "ไม่มีเรื่องร้องเรียนค้างดำเนินการ"


async def test_a_district_officer_handles_their_districts_tickets(services: Services) -> None:
    mueang = await district_id(services.db, "เชียงราย", "เมืองเชียงราย")
    mae_sai = await district_id(services.db, "เชียงราย", "แม่สาย")
    ours = await make_complaint(services.db, citizen="citizen-e", agency=None, district=mueang)
    theirs = await make_complaint(services.db, citizen="citizen-f", agency=None, district=mae_sai)
    await make_person(services.db, "kamnan", role="officer", province="เชียงราย", district=mueang)
    kamnan = Chat(services, user="kamnan")
    await kamnan.say("เมนู")
    assert labels_of(await kamnan.press(CASES))[:1] == [ours]
    assert (await kamnan.press_code(f"case:{theirs}"))[0].text == FORBIDDEN  # forged: another district's


async def test_a_citizen_cannot_open_cases(services: Services) -> None:
    ticket = await routed_to_somsri(services)
    citizen = Chat(services, user="citizen-c")
    assert CASES not in labels_of(await citizen.say("เมนู"))
    assert (await citizen.press_code("m:cases"))[0].text == FORBIDDEN  # forged: not in a citizen's menu
    assert (await citizen.press_code(f"case:{ticket}"))[0].text == FORBIDDEN
    async with services.db.read() as session:
        assert await session.scalar(select(func.count()).select_from(ComplaintEvent)) == 0


async def test_the_secretariat_opens_tickets_of_their_province_only(services: Services) -> None:
    ours = await routed_to_somsri(services)
    theirs = await make_complaint(services.db, citizen="citizen-b", agency=None, province="บุรีรัมย์")
    await mark_notice_seen(services.db, "secretariat-1")
    wipa = Chat(services, user="secretariat-1")
    assert "ส่งต่อหน่วยงานอื่น" in labels_of(await open_case(wipa, ours))
    assert (await wipa.press_code(f"case:{theirs}"))[0].text == FORBIDDEN  # forged: another province's


async def with_what_the_citizen_sent(services: Services, ticket: str, *, contact: str, phone: str | None) -> list[int]:
    """The ticket as the filing flow leaves it when the citizen shared a location and two photos."""
    photos = [await store_media(services.db, f"\xff\xd8 before {n}".encode(), "image/jpeg") for n in range(2)]
    found = await complaint(services.db, ticket)
    async with services.db.write() as session:
        row = await session.get(Complaint, found.id)
        assert row is not None
        row.latitude, row.longitude = 19.9105, 99.8406
        row.contact_mode, row.contact_phone = contact, phone
        session.add_all(ComplaintPhoto(complaint_id=row.id, media_id=m, kind="before") for m in photos)
    return photos


async def test_the_case_shows_photos_the_map_and_the_phone_the_citizen_chose(services: Services, somsri: Chat) -> None:
    ticket = await routed_to_somsri(services)
    photos = await with_what_the_citizen_sent(services, ticket, contact="phone", phone="0812345678")
    replies = await open_case(somsri, ticket)
    card = replies[0].card
    assert card is not None
    fields = {f.label: f.value for f in card.fields}
    assert fields["ตำแหน่ง"] == "19.91050, 99.84060\nhttps://www.google.com/maps/search/?api=1&query=19.910500,99.840600"
    assert fields["การติดต่อกลับ"] == "โทร 0812345678 (ผู้ร้องเรียนขอให้โทรกลับ)"
    assert [r.image_media_id for r in replies[1:3]] == photos


async def test_the_case_hides_a_phone_the_citizen_did_not_ask_to_be_called_on(services: Services, somsri: Chat) -> None:
    chat_only = await routed_to_somsri(services, citizen="citizen-chat")
    await with_what_the_citizen_sent(services, chat_only, contact="chat", phone="0899999999")
    anonymous = await routed_to_somsri(services, citizen="citizen-anon")
    await with_what_the_citizen_sent(services, anonymous, contact="anonymous", phone="0899999999")
    for ticket, shown in (
        (chat_only, "ทางแชตเท่านั้น: ตอบผ่านสถานะและหมายเหตุของเรื่อง"),
        (anonymous, "ไม่ประสงค์ออกนาม: ไม่แสดงชื่อและช่องทางติดต่อ"),
    ):
        replies = await open_case(somsri, ticket)
        assert "0899999999" not in joined(replies)
        card = replies[0].card
        assert card is not None and {f.label: f.value for f in card.fields}["การติดต่อกลับ"] == shown
        await somsri.say("ยกเลิก")
