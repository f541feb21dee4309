"""The secretariat in chat: compose a broadcast, read the province summary and export it, edit a KPI."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.core.i18n import use_locale
from bot.domain.broadcasts import broadcast_round
from bot.domain.progress import refresh_latest
from bot.services import Services
from handlers.menu import not_available
from storage.models import Broadcast, Complaint, Feedback, Kpi, Media, Person, ProgressReport
from tests.secretariat.support import add_person, province_id
from tests.support.chat import Chat, labels, pump, texts

BROADCAST, MANAGE = "ส่งประกาศ", "แก้ประเด็น/ตัวชี้วัด"  # the secretariat's main-menu buttons
GREEN_CHIANG_RAI = "เชียงรายเมืองสีเขียว อากาศสะอาด"
GREEN_SHORT = "อากาศสะอาด"  # its button: the short title
PM25_DAYS = "จำนวนวันที่ค่าฝุ่นละออง PM2.5 เกินค่ามาตรฐาน"
PM25_BUTTON = "วันฝุ่น PM2.5 เกิน"  # its designed short name on its button; the full name in the text (issue 15)


async def pm25_id(services: Services) -> int:
    async with services.db.read() as session:
        found = await session.scalar(select(Kpi.id).where(Kpi.name_th == PM25_DAYS))
    assert found is not None
    return found


async def secretariat_chat(services: Services) -> Chat:
    async with services.db.write() as session:
        person = await session.scalar(select(Person).where(Person.platform_user_id == "secretariat-1"))
        assert person is not None
        person.pdpa_notice_at = datetime.now(UTC)
    return Chat(services, user="secretariat-1")


async def test_a_broadcast_composed_in_chat_reaches_the_province_officers(services: Services) -> None:
    await add_person(services.db, "officer", "เชียงราย", user="officer-a")
    await add_person(services.db, "officer", "เชียงราย", user="officer-b", reachable=False)
    await add_person(services.db, "officer", "ลำปาง", user="officer-elsewhere")
    chat = await secretariat_chat(services)

    await chat.say("เมนู")
    assert "พิมพ์ข้อความ" in texts(await chat.press(BROADCAST))[0]
    photo = (await chat.say("ขอเชิญประชุมติดตามตัวชี้วัด 5 ม.ค."))[-1]
    assert photo.ask == "photo" and labels(photo) == ["ไม่แนบรูปภาพ"]
    assert "ส่งถึงใคร" in texts(await chat.press("ไม่แนบรูปภาพ"))[-1]
    await chat.press("เจ้าหน้าที่")
    preview = await chat.press("ทั้งจังหวัด")
    assert preview[0].text == "ขอเชิญประชุมติดตามตัวชี้วัด 5 ม.ค."
    assert "ผู้รับ 3 ราย" in preview[-1].text and "1 รายติดต่อไม่ได้" in preview[-1].text
    assert "เข้าคิวส่งให้ผู้รับ 3 ราย" in texts(await chat.press("ส่งทันที"))[0]

    await broadcast_round(services.db)
    await pump(services)
    await broadcast_round(services.db)
    await pump(services)
    recorder = chat.recorder
    assert texts(recorder.replies_to("officer-a")) == ["ขอเชิญประชุมติดตามตัวชี้วัด 5 ม.ค."]
    assert recorder.replies_to("officer-1")[-1].text == "ขอเชิญประชุมติดตามตัวชี้วัด 5 ม.ค."
    assert recorder.replies_to("officer-b") == [] and recorder.replies_to("officer-elsewhere") == []
    status = texts(chat.new_replies())
    assert status[0].startswith("กำลังส่งประกาศ") and "สำเร็จ 2 ราย ไม่สำเร็จ 0 ราย ข้าม 1 ราย" in status[1]


async def test_a_broadcast_can_be_scheduled_and_a_bad_time_is_refused(services: Services) -> None:
    chat = await secretariat_chat(services)
    await chat.say("เมนู")
    await chat.press(BROADCAST)
    await chat.say("แจ้งปิดระบบชั่วคราว")
    await chat.press("ไม่แนบรูปภาพ")
    await chat.press("ทุกคน")
    await chat.press("ทั้งจังหวัด")
    await chat.press("ตั้งเวลาส่ง")
    assert "ไม่เข้าใจเวลา" in texts(await chat.say("เร็ว ๆ นี้"))[0]
    assert "ผ่านไปแล้ว" in texts(await chat.say("1/1/2560 09:00"))[0]
    when = (datetime.now(UTC) + timedelta(days=3)).date()
    reply = texts(await chat.say(f"{when.day}/{when.month}/{when.year + 543} 09:00"))[0]
    assert "ตั้งเวลาส่งประกาศ" in reply
    async with services.db.read() as session:
        saved = (await session.scalars(select(Broadcast))).one()
    assert saved.status == "scheduled" and saved.scheduled_at is not None
    assert await broadcast_round(services.db) == 0  # not yet


async def test_citizens_and_officers_cannot_broadcast(services: Services) -> None:
    citizen = Chat(services, user="citizen-1")
    async with services.db.write() as session:
        for user in ("citizen-1", "officer-1"):
            person = await session.scalar(select(Person).where(Person.platform_user_id == user))
            assert person is not None
            person.pdpa_notice_at = datetime.now(UTC)
    with use_locale("th"):
        refusal = not_available(None).text
    for chat in (citizen, Chat(services, user="officer-1")):
        for flow in ("m:broadcast", "m:summary", "m:manage"):  # forged: only the secretariat's menu has them
            assert texts(await chat.press_code(flow))[0] == refusal
    async with services.db.read() as session:
        assert (await session.scalars(select(Broadcast))).all() == []


async def add_complaints(services: Services) -> None:
    pid = await province_id(services.db, "เชียงราย")
    today = datetime.now(UTC).date()
    rows = [
        ("received", today - timedelta(days=2), None),  # open and past its answer date
        ("in_progress", today + timedelta(days=5), None),  # open
        ("resolved", today - timedelta(days=1), 4),
        ("closed", today - timedelta(days=9), 2),
    ]
    async with services.db.write() as session:
        for number, (status, due_on, rating) in enumerate(rows, start=1):
            session.add(
                Complaint(
                    ticket_no=f"CRI-69-9{number:04d}",
                    province_id=pid,
                    description="ถนนชำรุด",
                    description_hash=f"h{number}",
                    channel="simulator",
                    status=status,
                    due_on=due_on,
                    rating=rating,
                )
            )
        session.add_all(Feedback(province_id=pid, kind="comment", text="ดีมาก") for _ in range(2))


async def test_the_province_summary_and_its_xlsx_export(services: Services) -> None:
    await add_complaints(services)
    chat = await secretariat_chat(services)
    await chat.say("เมนู")
    card_reply, agendas, kpis = await chat.press("สรุปผลจังหวัด")
    assert card_reply.card is not None
    assert agendas.text.splitlines() == [  # what each agenda is filed under, and who advises it
        "ประเด็นนโยบายสำคัญที่ดำเนินการอยู่:",
        f"1. {GREEN_CHIANG_RAI}",
        "   มิติ: การบริหารจัดการสิ่งแวดล้อม",
        "   รูปแบบ/กลไก: การนำระบบดิจิทัลมาใช้ (Digital Government), ราชการระบบเปิด (Open Government)",
        "   คณะทำงานที่ให้คำปรึกษา: คณะทำงานด้านทรัพยากรธรรมชาติและสิ่งแวดล้อม",
    ]
    fields = {field.label: field.value for field in card_reply.card.fields}
    assert fields["เรื่องร้องเรียนที่ยังดำเนินการอยู่"] == "2"
    assert fields["เรื่องร้องเรียนที่เกินกำหนดตอบ"] == "1"
    assert fields["คะแนนความพึงพอใจเฉลี่ย (1-5)"] == "3.0"
    assert fields["ความคิดเห็นจากประชาชน"] == "2"
    assert fields["ประเด็นนโยบายสำคัญที่ดำเนินการอยู่"] == "1"
    assert labels(kpis)[0] == "ส่งออกเป็น XLSX" and kpis.text.startswith("• ")

    export = (await chat.press("ส่งออกเป็น XLSX"))[0]
    assert export.document_media_id is not None
    link = re.search(r"http://127\.0\.0\.1:8000/media/(\d+)/(\d+)/(\w+)", export.text)
    assert link is not None and int(link[1]) == export.document_media_id
    seconds_left = services.links.seconds_left(int(link[1]), int(link[2]), link[3])
    assert timedelta(days=7) <= timedelta(seconds=seconds_left) <= timedelta(days=7, hours=1)  # then a new export
    async with services.db.read() as session:
        media = await session.get(Media, export.document_media_id)
    assert media is not None and media.filename and media.filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(media.data))
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True)}
    assert summary["จังหวัด"] == "เชียงราย" and summary["เรื่องร้องเรียนที่ยังดำเนินการอยู่"] == 2
    kpi_rows = list(book["KPIs"].iter_rows(values_only=True))
    assert kpi_rows[0][:2] == ("ประเด็นนโยบายสำคัญ", "ตัวชี้วัด")
    agenda_rows = list(book["Agendas"].iter_rows(values_only=True))
    assert agenda_rows[1][:2] == (GREEN_CHIANG_RAI, "การบริหารจัดการสิ่งแวดล้อม")
    assert agenda_rows[1][3] == "คณะทำงานด้านทรัพยากรธรรมชาติและสิ่งแวดล้อม"
    assert len(kpi_rows) - 1 == len(kpis.text.splitlines())  # Chiang Rai has fewer than 10 KPIs


async def test_a_kpi_target_and_due_date_edited_in_chat(services: Services) -> None:
    chat = await secretariat_chat(services)
    await chat.say("เมนู")
    agendas = (await chat.press(MANAGE))[-1]
    assert labels(agendas) == [GREEN_SHORT]  # a year's deadlines are entered under ขั้นตอนของโครงการ (national)
    kpi_choice = (await chat.press(GREEN_SHORT))[-1]
    assert labels(kpi_choice)[0] == PM25_BUTTON
    await chat.press(PM25_BUTTON)
    await chat.press("เปลี่ยนค่าเป้าหมาย")
    refused = texts(await chat.say("หนึ่งร้อย"))[0]
    assert "ไม่ใช่ค่าเป้าหมายที่ถูกต้อง" in refused
    assert "เป็น 750" in texts(await chat.say("750"))[0]
    kpi_id = await pm25_id(services)
    async with services.db.read() as session:
        kpi = await session.get(Kpi, kpi_id)
    assert kpi is not None and kpi.target == 750

    await chat.press(MANAGE)  # from the menu offered with the answer
    await chat.press(GREEN_SHORT)
    await chat.press(PM25_BUTTON)
    await chat.press("เปลี่ยนวันครบกำหนด")
    assert "ตั้งแต่วันนี้" in texts(await chat.say("1/1/2500"))[0]
    await chat.say("30/9/2570")
    async with services.db.read() as session:
        kpi = await session.get(Kpi, kpi_id)
    assert kpi is not None and kpi.due_on == date(2027, 9, 30)


async def test_a_new_target_recomputes_the_share_of_target_reached(services: Services) -> None:
    chat = await secretariat_chat(services)
    await chat.say("เมนู")
    await chat.press(MANAGE)
    await chat.press(GREEN_SHORT)
    kpi_id = await pm25_id(services)
    async with services.db.write() as session:
        kpi = await session.get(Kpi, kpi_id)
        assert kpi is not None
        kpi.unit, kpi.baseline, kpi.target, kpi.higher_is_better = "number", 0, 1000, True
        session.add(ProgressReport(kpi_id=kpi_id, value=300, channel="simulator"))
        await refresh_latest(session, kpi)
        assert kpi.latest_percent == 30
    await chat.press(PM25_BUTTON)
    await chat.press("เปลี่ยนค่าเป้าหมาย")
    await chat.say("750")
    async with services.db.read() as session:
        kpi = await session.get(Kpi, kpi_id)
    assert kpi is not None and kpi.latest_percent == 40  # 300 of 750, no longer 300 of 1000


async def test_issue_12_the_mean_progress_counts_a_kpi_with_no_report_as_zero_and_says_how_many(
    services: Services,
) -> None:
    """It read "ความก้าวหน้าเฉลี่ย 100.0" while 2 of the province's 3 KPIs had no report."""
    async with services.db.write() as session:
        kpi = await session.scalar(select(Kpi).where(Kpi.name_th == "พื้นที่เผาไหม้สะสม"))  # a cap of 400,000 rai
        assert kpi is not None
        kpi.kind, kpi.higher_is_better = "cumulative", True  # read as a yearly target, for round figures
        session.add(ProgressReport(kpi_id=kpi.id, value=400000, channel="simulator"))
        await refresh_latest(session, kpi)
        assert kpi.latest_percent == 100
    chat = await secretariat_chat(services)
    await chat.say("เมนู")
    card_reply, _agendas, _kpis = await chat.press("สรุปผลจังหวัด")
    assert card_reply.card is not None
    fields = {field.label: field.value for field in card_reply.card.fields}
    assert fields["ความก้าวหน้าเฉลี่ยของตัวชี้วัด (%)"] == "33.3"
    assert fields["ตัวชี้วัดที่ยังไม่รายงาน (นับเป็น 0 %)"] == "2"
    assert card_reply.card.progress_percent == pytest.approx(100 / 3)

    export = (await chat.press("ส่งออกเป็น XLSX"))[0]
    async with services.db.read() as session:
        media = await session.get(Media, export.document_media_id)
    assert media is not None
    book = load_workbook(io.BytesIO(media.data))
    header, *rows = list(book["KPIs"].iter_rows(values_only=True))
    by_name = {row[1]: dict(zip(header, row, strict=True)) for row in rows}
    burnt = by_name["พื้นที่เผาไหม้สะสม"]
    assert (burnt["ชนิดตัวชี้วัด"], burnt["ความก้าวหน้า (%)"], burnt["ตัวเลขตัวอย่าง"]) == (
        "ยอดสะสมรายปี (ยิ่งมากยิ่งดี)",
        100,
        "ใช่",
    )
    pm25 = by_name[PM25_DAYS]
    assert pm25["ความก้าวหน้า (%)"] is None and pm25["ชนิดตัวชี้วัด"] == "ยอดสะสมรายปี (ยิ่งน้อยยิ่งดี)"
