"""Staff hear of new complaints in their scope (at once, or in a digest at 08:00 and 16:00) and of each ticket
that passes its answer date; every alert opens the case."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from bot.domain.alerts import alert_overdue, digest_slot, send_alert_digests
from bot.domain.escalation import escalate_overdue
from bot.services import Services
from handlers import notices
from storage.db import Database
from storage.models import Complaint, Person
from tests.complaints.support import accept_pdpa, file_by_location
from tests.officer.helpers import agency_id, complaint, make_complaint, make_person, outbox_rows
from tests.support.chat import Chat, pump

ALERTS = "การแจ้งเตือน"  # the staff's menu entry


async def alert_mode(db: Database, user: str) -> str:
    async with db.read() as session:
        mode = await session.scalar(select(Person.alert_mode).where(Person.platform_user_id == user))
    assert mode is not None
    return mode


async def latest_ticket(db: Database) -> str:
    async with db.read() as session:
        found = await session.scalar(select(Complaint.ticket_no).order_by(Complaint.id.desc()).limit(1))
    assert found is not None
    return found


async def test_a_new_complaint_reaches_its_officer_and_the_secretariat_at_once(services: Services) -> None:
    somsri, wipada = Chat(services, user="officer-1"), Chat(services, user="secretariat-1")
    await make_person(
        services.db,
        "officer-health",
        role="officer",
        province="เชียงราย",
        agency=await agency_id(services.db, "public_health"),
    )
    health = Chat(services, user="officer-health")
    citizen = Chat(services, user="citizen-alert")
    await accept_pdpa(citizen)
    await file_by_location(citizen, subject="ฝุ่นควัน/มลพิษอากาศ", description="ควันจากการเผาขยะหน้าตลาดทุกเย็นมาสามวันแล้ว")
    ticket = await latest_ticket(services.db)

    for staff in (somsri, wipada):
        [alert] = staff.new_replies()
        lines = alert.text.split("\n")
        assert lines[0] == f"เรื่องร้องเรียนใหม่ {ticket}"
        assert lines[1] == "เรื่อง: ฝุ่นควัน/มลพิษอากาศ"
        assert lines[2].startswith("พื้นที่: ") and lines[2].endswith("เชียงราย")
        assert lines[3].startswith("กำหนดแจ้งผลภายใน: ")
        assert lines[4] == "ควันจากการเผาขยะหน้าตลาดทุกเย็นมาสามวันแล้ว"
        assert [c.label for c in alert.choices] == [f"เปิด {ticket}"]
    assert health.new_replies() == []  # another agency's officer hears nothing

    replies = await somsri.press(f"เปิด {ticket}")
    assert replies[0].card is not None and replies[0].card.title.endswith(ticket)


async def test_staff_choose_a_digest_and_a_bad_answer_changes_nothing(services: Services) -> None:
    somsri = Chat(services, user="officer-1")
    await somsri.say("เมนู")
    replies = await somsri.press(ALERTS)
    assert "ปัจจุบัน: แจ้งทันทีทุกเรื่อง" in replies[0].text
    replies = await somsri.say("ส่งมาตอนเย็นก็ได้")
    assert replies[0].text == "กรุณากดปุ่มด้านล่างข้อใดข้อหนึ่ง หรือพิมพ์หมายเลขของปุ่ม (1 คือปุ่มแรก)"
    assert await alert_mode(services.db, "officer-1") == "instant"
    replies = await somsri.press("สรุป 08:00 และ 16:00")
    assert replies[0].text == "เรียบร้อย เรื่องร้องเรียนใหม่จะส่งถึงท่านเป็นสรุปเวลา 08:00 และ 16:00 น."
    assert await alert_mode(services.db, "officer-1") == "digest"

    citizen = Chat(services, user="citizen-digest")
    await accept_pdpa(citizen)
    await file_by_location(citizen, subject="ฝุ่นควัน/มลพิษอากาศ", description="ควันจากการเผาขยะหลังโรงเรียนทุกเช้า")
    ticket = await latest_ticket(services.db)
    assert [r for r in somsri.new_replies() if ticket in r.text] == []  # no push: it waits for the digest
    assert ticket in Chat(services, user="secretariat-1").new_replies()[0].text  # still instant

    await somsri.press_code("m:alerts")
    replies = await somsri.press("แจ้งทันทีทุกเรื่อง")
    assert await alert_mode(services.db, "officer-1") == "instant"
    # No digest will carry the ticket filed while she waited for one: switching back tells it at once.
    assert replies[0].text == "เรียบร้อย ท่านจะได้รับแจ้งทันทีเมื่อมีเรื่องร้องเรียนใหม่ทุกเรื่อง"
    assert ticket in replies[1].text and f"case:{ticket}" in [c.code for c in replies[1].choices]
    await somsri.press_code("m:alerts")
    replies = await somsri.press("แจ้งทันทีทุกเรื่อง")
    assert len(replies) == 1 or ticket not in replies[1].text  # told once, not again on a second switch


async def test_the_digest_goes_once_per_slot_even_from_two_schedulers(services_any: Services) -> None:
    db = services_any.db
    await make_person(db, "officer-1")
    async with db.write() as session:
        officer = await session.scalar(select(Person).where(Person.platform_user_id == "officer-1"))
        assert officer is not None
        officer.alert_mode = "digest"
        officer.alerts_digested_until = datetime.now(UTC) - timedelta(hours=1)
    natural = await agency_id(db, "natural_resources")
    mine = [await make_complaint(db, citizen=f"citizen-d{n}", agency=natural) for n in range(2)]
    others = await make_complaint(db, citizen="citizen-d9", agency=await agency_id(db, "public_health"))

    later = datetime.now(UTC) + timedelta(hours=12)
    assert await send_alert_digests(db, later, notices.alert_digest) == 1
    again_db = Database(db.url)  # a second scheduler, or a restart
    try:
        assert await send_alert_digests(again_db, later + timedelta(minutes=5), notices.alert_digest) == 0
    finally:
        await again_db.close()
    rows = await outbox_rows(db, "alerts:")
    assert len(rows) == 1 and rows[0].recipient == "officer-1"
    await pump(services_any)
    [digest] = Chat(services_any, user="officer-1").new_replies()
    lines = digest.text.split("\n")
    assert lines[0] == "เรื่องร้องเรียนใหม่ตั้งแต่สรุปครั้งก่อน: 2 เรื่อง"
    assert lines[1].startswith(f"• {mine[0]}: ฝุ่นควัน/มลพิษอากาศ เชียงราย กำหนดตอบ ")
    assert others not in digest.text
    assert [c.code for c in digest.choices] == [f"case:{mine[0]}", f"case:{mine[1]}", "m:cases"]

    # The next slot has nothing new: nothing is sent, and the slot is still used up.
    assert await send_alert_digests(db, later + timedelta(hours=8), notices.alert_digest) == 0


def test_digest_slots_are_08_and_16_bangkok_time() -> None:
    assert digest_slot(datetime(2026, 3, 10, 0, 59, tzinfo=UTC)).hour == 16  # 07:59: yesterday's 16:00
    assert digest_slot(datetime(2026, 3, 10, 1, 0, tzinfo=UTC)).isoformat() == "2026-03-10T08:00:00+07:00"
    assert digest_slot(datetime(2026, 3, 10, 9, 0, tzinfo=UTC)).isoformat() == "2026-03-10T16:00:00+07:00"


async def test_an_overdue_ticket_is_alerted_once_to_its_handlers(services_any: Services) -> None:
    db = services_any.db
    await make_person(db, "officer-1")
    await make_person(db, "secretariat-1")
    morning = datetime.now(UTC)
    late = await make_complaint(
        db,
        citizen="citizen-o1",
        agency=await agency_id(db, "natural_resources"),
        due_on=date.today() - timedelta(days=2),
    )
    on_time = await make_complaint(db, citizen="citizen-o2", agency=await agency_id(db, "natural_resources"))
    assert await alert_overdue(db, morning, notices.overdue_alert) == 1
    again_db = Database(db.url)
    try:
        assert await alert_overdue(again_db, morning + timedelta(hours=1), notices.overdue_alert) == 0
    finally:
        await again_db.close()
    assert (await complaint(db, late)).overdue_alerted_at is not None
    assert (await complaint(db, on_time)).overdue_alerted_at is None
    await pump(services_any)
    for user in ("officer-1", "secretariat-1"):
        [alert] = Chat(services_any, user=user).new_replies()
        assert alert.text.startswith(f"⚠️ เรื่องเลขที่ {late} เลยกำหนดแจ้งผล (")
        assert [c.code for c in alert.choices] == [f"case:{late}"]
    replies = await Chat(services_any, user="officer-1", seen=1).press(f"เปิด {late}")
    assert replies[0].card is not None and replies[0].card.title.endswith(late)


async def test_the_secretariat_told_of_an_overdue_ticket_is_not_told_again_in_the_daily_digest(
    services_any: Services,
) -> None:
    db = services_any.db
    await make_person(db, "officer-1")
    await make_person(db, "secretariat-1")
    late = await make_complaint(
        db,
        citizen="citizen-o3",
        agency=await agency_id(db, "natural_resources"),
        due_on=date.today() - timedelta(days=2),
    )
    now = datetime.now(UTC)
    assert await alert_overdue(db, now, notices.overdue_alert) == 1
    report = await escalate_overdue(db, now, notices.overdue_digest)
    assert report.tickets == 0
    await pump(services_any)
    told = [r for r in Chat(services_any, user="secretariat-1").new_replies() if late in r.text]
    assert len(told) == 1 and told[0].text.startswith(f"⚠️ เรื่องเลขที่ {late} เลยกำหนดแจ้งผล (")
