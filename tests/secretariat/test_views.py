"""บอกเราถึงรัฐ closes the loop: the secretariat lists citizens' comments and proposals by status, agenda or KPI,
sets a status or replies; the citizen is told in their language and sees it under "My data". Step 1 in the
open: the secretariat opens a vote, citizens vote once each, the secretariat reads the result."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from bot.core.text import button_label
from bot.domain.feedback import add_feedback
from bot.services import Services
from storage.db import Database
from storage.models import Agenda, Feedback, Kpi, Person, Poll, PollVote, Province
from tests.officer.helpers import make_person
from tests.support.chat import Chat

VIEWS = "ความเห็นประชาชน"
VOTES = "โหวตเลือกประเด็น"


async def sent(db: Database, user: str, text: str, *, on_kpi: bool = False, locale: str = "th") -> int:
    """A comment the citizen sent through "Share your views" (on Chiang Rai's agenda, or one of its KPIs)."""
    await make_person(db, user)
    async with db.write() as session:
        person = await session.scalar(select(Person).where(Person.platform_user_id == user))
        agenda = await session.scalar(
            select(Agenda).join(Province, Agenda.province_id == Province.id).where(Province.code == "CRI")
        )
        assert person is not None and agenda is not None
        person.locale = locale
        kpi = await session.scalar(select(Kpi).where(Kpi.agenda_id == agenda.id).order_by(Kpi.id)) if on_kpi else None
        item = await add_feedback(
            session,
            person,
            province_id=agenda.province_id,
            kind="comment",
            text=text,
            now=datetime.now(UTC),
            agenda_id=agenda.id,
            kpi_id=kpi.id if kpi else None,
        )
        return item.id


async def feedback(db: Database, feedback_id: int) -> Feedback:
    async with db.read() as session:
        found = await session.get(Feedback, feedback_id)
    assert found is not None
    return found


async def test_the_secretariat_answers_and_the_citizen_sees_it(services: Services) -> None:
    db = services.db
    first = await sent(db, "malee", "อยากให้มีจุดตรวจวัดฝุ่นในทุกอำเภอ และประกาศค่าทุกวัน")
    wipada, malee = Chat(services, user="secretariat-1"), Chat(services, user="malee")
    await wipada.say("เมนู")
    replies = await wipada.press(VIEWS)
    assert replies[0].text == "ความคิดเห็นและข้อเสนอของประชาชน: ต้องการดูรายการใด"
    replies = await wipada.say("ดูทั้งหมด")  # typed instead of a button
    assert replies[0].text == "กรุณากดปุ่มด้านล่างข้อใดข้อหนึ่ง หรือพิมพ์หมายเลขของปุ่ม (1 คือปุ่มแรก)"
    replies = await wipada.press("ทั้งหมด")
    lines = replies[0].text.split("\n")
    assert lines[0] == "ความคิดเห็นและข้อเสนอ (ล่าสุดก่อน):"
    assert lines[1].startswith(f"#{first} [รับเรื่อง] แสดงความคิดเห็น: อยากให้มีจุดตรวจวัดฝุ่น")

    replies = await wipada.press(f"#{first}")
    assert "สถานะ: รับเรื่อง" in replies[0].text
    replies = await wipada.press("อยู่ระหว่างพิจารณา")
    assert replies[0].text == f"บันทึกแล้ว: #{first} สถานะ อยู่ระหว่างพิจารณา แจ้งผู้เสนอแล้ว"
    [told] = malee.new_replies()
    assert told.text.startswith("ฝ่ายเลขานุการตอบเรื่องที่ท่านเสนอแล้ว: “อยากให้มีจุดตรวจวัดฝุ่น")
    assert told.text.endswith("สถานะ: อยู่ระหว่างพิจารณา")

    await wipada.press("กลับไปที่รายการ")
    await wipada.press("ทั้งหมด")
    await wipada.press(f"#{first}")
    await wipada.press("ตอบกลับประชาชน")
    replies = await wipada.say("ก" * 501)
    assert replies[0].text == "คำตอบยาวเกินไป กรุณาพิมพ์ไม่เกิน 500 ตัวอักษร"
    assert (await feedback(db, first)).reply is None
    await wipada.say("จังหวัดจะติดตั้งเครื่องวัดเพิ่ม 18 อำเภอภายในเดือนมีนาคม")
    await wipada.press("กลับไปที่รายการ")
    await wipada.press("ทั้งหมด")
    await wipada.press(f"#{first}")
    await wipada.press("นำไปใช้แล้ว")
    assert (await feedback(db, first)).status == "adopted"

    assert len(malee.new_replies()) == 2  # told of the reply, then of the new status
    [mine] = await malee.say("ข้อมูลของฉัน")
    assert "  – “อยากให้มีจุดตรวจวัดฝุ่นในทุกอำเภอ และประกาศค่าทุกวัน”: นำไปใช้แล้ว" in mine.text
    assert "    คำตอบ: จังหวัดจะติดตั้งเครื่องวัดเพิ่ม 18 อำเภอภายในเดือนมีนาคม" in mine.text


async def test_a_reply_reaches_an_english_speaking_citizen_in_english(services: Services) -> None:
    item = await sent(services.db, "john", "Please publish the PM2.5 readings every morning.", locale="en")
    wipada = Chat(services, user="secretariat-1")
    await wipada.say(VIEWS)
    await wipada.press("ทั้งหมด")
    await wipada.press(f"#{item}")
    await wipada.press("ไม่นำไปใช้")
    [told] = Chat(services, user="john").new_replies()
    assert told.text.startswith("The secretariat has answered what you sent: “Please publish")
    assert told.text.endswith("Status: Declined")


async def test_filters_by_status_agenda_and_kpi_and_other_provinces_stay_out(services: Services) -> None:
    db = services.db
    general = await sent(db, "c-general", "ความเห็นทั่วไปเรื่องประเด็นอากาศสะอาด")
    on_kpi = await sent(db, "c-kpi", "ค่าเป้าหมายจุดความร้อนควรต่ำกว่านี้", on_kpi=True)
    wipada = Chat(services, user="secretariat-1")
    await wipada.say(VIEWS)
    replies = await wipada.press("อยู่ระหว่างพิจารณา")
    assert replies[0].text == "ไม่มีรายการตามตัวกรองนี้"
    await wipada.press("เปลี่ยนตัวกรอง")
    agenda_button = next(
        c.label for c in wipada.recorder.replies_to("secretariat-1")[-1].choices if c.code.startswith("fv:a:")
    )
    replies = await wipada.press(agenda_button)
    assert f"#{general} " in replies[0].text and f"#{on_kpi} " in replies[0].text
    kpi_button = next(c.label for c in replies[0].choices if c.code.startswith("fv:k:"))
    replies = await wipada.press(kpi_button)
    assert f"#{on_kpi} " in replies[0].text and f"#{general} " not in replies[0].text

    # Another province's secretariat neither lists nor changes Chiang Rai's items.
    await make_person(db, "sec-khonkaen", role="secretariat", province="ขอนแก่น")
    other = Chat(services, user="sec-khonkaen")
    await other.say(VIEWS)
    replies = await other.press("ทั้งหมด")
    assert replies[0].text == "ไม่มีรายการตามตัวกรองนี้"
    await other.press_code(f"fv:o:{general}")
    await other.press_code("fv:set:adopted")
    assert (await feedback(db, general)).status == "received"


async def test_a_vote_on_candidate_agendas_one_vote_each(services: Services) -> None:
    db = services.db
    wipada = Chat(services, user="secretariat-1")
    await wipada.say("เมนู")
    replies = await wipada.press(VOTES)
    assert replies[0].text == "ยังไม่มีการโหวต เปิดโหวตเลือกประเด็นหรือปัญหาของพื้นที่ได้"
    await wipada.press("เปิดโหวตใหม่")
    await wipada.say("ปีหน้าจังหวัดควรแก้ปัญหาใดก่อน")
    replies = await wipada.say("หมอกควันไฟป่า")  # one choice only
    assert replies[0].text.startswith("รายการนี้ไม่ใช่ตัวเลือกที่ต่างกัน 2 ถึง 8 ข้อ")
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Poll)) == 0
    replies = await wipada.say("หมอกควันไฟป่า\nขยะตกค้าง\nหนี้นอกระบบ")
    assert replies[0].text.startswith("เปิดโหวตแล้ว")

    await make_person(db, "voter")
    voter = Chat(services, user="voter")
    replies = await voter.say("ร่วมเลือกประเด็น")
    replies = await voter.press("เชียงราย")
    assert replies[0].text == "เชียงรายขอความเห็น: ปีหน้าจังหวัดควรแก้ปัญหาใดก่อน\nเลือกหนึ่งข้อ โหวตได้ครั้งเดียว"
    ballot = replies[0]
    replies = await voter.say("ขยะ")  # typed, not a button
    assert replies[0].text == "กรุณากดปุ่มด้านล่างข้อใดข้อหนึ่ง หรือพิมพ์หมายเลขของปุ่ม (1 คือปุ่มแรก)"
    replies = await voter.press("ขยะตกค้าง")
    assert replies[0].text == "ขอบคุณ บันทึกการโหวต “ขยะตกค้าง” ของท่านแล้ว"
    replies = await voter.say("ร่วมเลือกประเด็น")
    await voter.press("เชียงราย")
    assert voter.recorder.replies_to("voter")[-1].text.startswith("ขณะนี้ไม่มีการโหวตที่เปิดอยู่ในเชียงราย")
    await voter.press("หนี้นอกระบบ", on=ballot)  # the old ballot, tapped again
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(PollVote)) == 1

    replies = await wipada.say(VOTES)
    assert "“ปีหน้าจังหวัดควรแก้ปัญหาใดก่อน” (เปิดอยู่, 1 เสียง):" in replies[0].text
    assert "• ขยะตกค้าง: 1" in replies[0].text and "• หนี้นอกระบบ: 0" in replies[0].text
    replies = await wipada.press(button_label("ปิดโหวต: ปีหน้าจังหวัดควรแก้ปัญหาใดก่อน"))
    assert "(ปิดแล้ว, 1 เสียง)" in replies[0].text
