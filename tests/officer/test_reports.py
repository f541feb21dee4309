"""Officers report KPI progress: one story per kind and unit, bad values refused, corrections within a day."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from bot.core.media import store_media
from bot.services import Services
from storage.models import ProgressReport, ProgressReportPhoto
from tests.officer.helpers import (
    add_kpi,
    codes_of,
    joined,
    kpi,
    kpi_named,
    labels_of,
    make_person,
    mark_notice_seen,
    now,
)
from tests.support.chat import Chat, press_listed
from tests.support.clock import Clock, fiscal_day

# Chiang Rai: days in the fiscal year with PM2.5 above the standard, reported monthly by the 5th: at most 50 days
# (a cumulative KPI with a yearly cap; last year's 75 is its baseline).
PM25_DAYS = "จำนวนวันที่ค่าฝุ่นละออง PM2.5 เกินค่ามาตรฐาน"
PM25_SHORT = "วันฝุ่น PM2.5 เกิน"  # its buttons' designed short name (issue 15)
SAVED = "ขอบคุณ บันทึกรายงานแล้ว"
FORBIDDEN = "ขออภัย รายการนี้อยู่นอกบทบาทหรือพื้นที่ความรับผิดชอบของท่าน จึงไม่มีการเปลี่ยนแปลงใด ๆ"
NUMBER_ONLY = "กรุณาพิมพ์เป็นตัวเลขเท่านั้น เช่น 1,250 หรือ 37.5"
NOT_NEGATIVE = "ค่าต้องไม่ติดลบ กรุณาพิมพ์ตัวเลขตั้งแต่ 0 ขึ้นไป"
PERCENT_RANGE = "กรุณาพิมพ์ร้อยละตั้งแต่ 0 ถึง 100 เช่น 45 หรือ 72.5"
REPORT, MY_KPIS = "รายงานความก้าวหน้า", "ตัวชี้วัดของประเด็นฯ"  # the staff's main-menu buttons
TOO_LATE = "แก้ไขรายงานได้เฉพาะผู้รายงานเอง ภายใน 1 วันหลังรายงาน กรุณาส่งรายงานฉบับใหม่แทน"


@pytest.fixture
async def somsri(services: Services) -> Chat:
    """The seeded officer of Chiang Rai's natural resources office."""
    await mark_notice_seen(services.db, "officer-1")
    return Chat(services, user="officer-1")


async def reports(services: Services) -> list[ProgressReport]:
    async with services.db.read() as session:
        return list(await session.scalars(select(ProgressReport).order_by(ProgressReport.id)))


async def open_kpi(officer: Chat, name: str) -> list:
    """From the menu to the KPI's value prompt; returns the card, the period and the prompt."""
    await officer.say("เมนู")
    replies = await officer.press(REPORT)
    assert replies[-1].text.startswith(("รายงานตัวชี้วัดใด\n• ", "รายงานตัวชี้วัดใด\n1. "))  # full names, above
    assert name in replies[-1].text
    replies = await press_listed(officer, name)
    assert replies[0].card is not None
    return replies


async def finish_report(officer: Chat, *, note: str | None = None) -> list:
    replies = await officer.say(note) if note else await officer.press("ข้าม")
    assert "ส่งรูปการดำเนินงาน" in replies[-1].text
    replies = await officer.press("ข้าม")
    assert replies[-1].text.startswith("กรุณาตรวจสอบรายงานของท่าน:")
    return await officer.press("ยืนยันและส่งรายงาน")


def year_share(days: int) -> float:
    """The share of the seeded fiscal year, in %, that `days` from its first day make."""
    first, last = fiscal_day(10, 1), fiscal_day(9, 30)
    return days / ((last - first).days + 1) * 100


async def test_number_report_with_bad_values_then_thai_digits_and_a_photo(
    services: Services, somsri: Chat, clock: Clock
) -> None:
    clock.set(fiscal_day(11, 3))  # October's report is due on 5 Nov
    pm = await kpi_named(services.db, PM25_DAYS)
    await open_kpi(somsri, PM25_DAYS)
    assert (await somsri.say("-3"))[0].text == NOT_NEGATIVE
    assert (await somsri.say("ห้าสิบวัน"))[0].text == NUMBER_ONLY
    assert await reports(services) == []
    replies = await somsri.say("๑๒")  # twelve, in Thai digits
    assert "ไม่เกิน 500 ตัวอักษร" in replies[-1].text
    assert (await somsri.say("ก" * 501))[0].text == "ข้อความยาวเกินไป กรุณาพิมพ์ไม่เกิน 500 ตัวอักษร"
    replies = await somsri.say("ลาดตระเวนป้องกันไฟป่าครบทุกอำเภอ")
    photo = await store_media(services.db, b"\x89PNG fake", "image/png")
    replies = await somsri.send_photo(photo)
    assert replies[-1].text.startswith("ได้รับรูปที่ 1 แล้ว")
    replies = await somsri.press("เสร็จแล้ว")
    summary = replies[-1].text
    assert "ค่าที่รายงาน: 12 วัน" in summary and "รูปภาพ: 1 รูป" in summary
    replies = await somsri.press("ยืนยันและส่งรายงาน")
    assert replies[0].text == SAVED
    assert replies[1].card is not None and replies[1].card.progress_percent == pytest.approx(year_share(31))

    [report] = await reports(services)
    assert (report.value, report.value_text, report.channel) == (12.0, "๑๒", "simulator")
    assert report.period_on == fiscal_day(10, 1)
    assert report.narrative == "ลาดตระเวนป้องกันไฟป่าครบทุกอำเภอ"
    assert report.author_id is not None and report.corrects_id is None and not report.superseded
    async with services.db.read() as session:
        photos = (await session.scalars(select(ProgressReportPhoto.media_id))).all()
    assert photos == [photo]
    updated = await kpi(services.db, pm.id)
    # October's 12 days are within the yearly cap of 50: October, 31 days of the year, is a year within the cap
    # so far (the old straight line from 75 to 50 read 100 % and over).
    assert (updated.latest_value, updated.latest_percent) == (12.0, pytest.approx(year_share(31)))
    assert updated.latest_reported_at is not None


async def test_number_with_thousands_separators(services: Services, somsri: Chat) -> None:
    area = await kpi_named(services.db, "พื้นที่เผาไหม้สะสม")  # at most 400,000 rai burnt in the year
    await open_kpi(somsri, "พื้นที่เผาไหม้สะสม")
    await somsri.say("450,000")
    replies = await finish_report(somsri)
    assert replies[0].text == SAVED
    updated = await kpi(services.db, area.id)
    # Over the yearly cap: the year's goal is lost, 0 % (the old straight line from 600,000 read 75 %).
    assert (updated.latest_value, updated.latest_percent) == (450000.0, 0.0)
    assert "ใช้เพดานไปแล้ว: 112 % (เกินเพดานแล้ว)" in joined(replies)


async def test_percent_report_refuses_over_100_and_words(services: Services, somsri: Chat) -> None:
    kpi_id = await add_kpi(services.db, unit="percent", name="ร้อยละหมู่บ้านปลอดการเผา", baseline=20, target=80)
    await open_kpi(somsri, "ร้อยละหมู่บ้านปลอดการเผา")
    assert (await somsri.say("101"))[0].text == PERCENT_RANGE
    assert (await somsri.say("ครึ่งหนึ่ง"))[0].text == PERCENT_RANGE
    await somsri.say("50%")
    assert (await finish_report(somsri, note="อบรมผู้นำชุมชนแล้ว"))[0].text == SAVED
    updated = await kpi(services.db, kpi_id)
    assert (updated.latest_value, updated.latest_percent) == (50.0, pytest.approx(50.0))


async def test_yes_no_report_takes_the_buttons_or_their_words(services: Services, somsri: Chat) -> None:
    kpi_id = await add_kpi(services.db, kind="milestone", stages=1, name="ประกาศเขตควบคุมการเผาแล้ว")
    await open_kpi(somsri, "ประกาศเขตควบคุมการเผาแล้ว")
    replies = await somsri.say("55")
    assert replies[0].text == "กรุณาตอบด้วยปุ่ม ใช่ หรือ ไม่ใช่"
    assert labels_of(replies) == ["ใช่", "ไม่ใช่"]
    await somsri.say("ใช่")
    assert (await finish_report(somsri))[0].text == SAVED
    updated = await kpi(services.db, kpi_id)
    assert (updated.latest_value, updated.latest_percent) == (1.0, 100.0)
    await open_kpi(somsri, "ประกาศเขตควบคุมการเผาแล้ว")
    await somsri.press("ไม่ใช่")
    await finish_report(somsri)
    updated = await kpi(services.db, kpi_id)
    assert (updated.latest_value, updated.latest_percent) == (0.0, 0.0)


async def test_milestone_report_takes_a_stage_of_its_own(services: Services, somsri: Chat) -> None:
    kpi_id = await add_kpi(services.db, kind="milestone", stages=4, name="ศูนย์บัญชาการไฟป่าเปิดทำการ")
    prompt = (await open_kpi(somsri, "ศูนย์บัญชาการไฟป่าเปิดทำการ"))[-1]
    assert labels_of([prompt]) == ["ขั้นที่ 1", "ขั้นที่ 2", "ขั้นที่ 3", "ขั้นที่ 4"]
    assert (await somsri.say("   "))[0].text == 'กรุณาระบุขั้นที่ดำเนินการถึงแล้ว ตั้งแต่ 0 ถึง 4 เช่น "ขั้นที่ 2 จาก 4"'
    for wrong in ("ขั้นที่ 5", "2 จาก 3 ติดตั้งแล้ว", "ติดตั้งอุปกรณ์แล้ว"):  # not a stage of this KPI's four
        assert (await somsri.say(wrong))[0].text == "ตัวชี้วัดนี้มี 4 ขั้น กรุณาระบุขั้นตั้งแต่ 0 ถึง 4"
    assert await reports(services) == []
    await somsri.say("ขั้นที่ 2 จาก 4 ติดตั้งอุปกรณ์แล้ว")
    replies = await somsri.press("ข้าม")
    replies = await somsri.press("ข้าม")
    assert "ค่าที่รายงาน: ขั้นที่ 2 จาก 4: ขั้นที่ 2 จาก 4 ติดตั้งอุปกรณ์แล้ว" in replies[-1].text
    assert (await somsri.press("ยืนยันและส่งรายงาน"))[0].text == SAVED
    [report] = await reports(services)
    assert report.value_text == "ขั้นที่ 2 จาก 4 ติดตั้งอุปกรณ์แล้ว" and report.value == 2.0
    assert (await kpi(services.db, kpi_id)).latest_percent == pytest.approx(50.0)

    await open_kpi(somsri, "ศูนย์บัญชาการไฟป่าเปิดทำการ")
    await somsri.press("ขั้นที่ 4")
    replies = await finish_report(somsri)
    assert replies[1].card is not None and replies[1].card.subtitle == "ความก้าวหน้า 100 %"
    assert "ขั้นที่ดำเนินการถึง: ขั้นที่ 4 จาก 4" in joined(replies)


async def test_author_corrects_a_report_within_a_day(services: Services, somsri: Chat) -> None:
    pm = await kpi_named(services.db, PM25_DAYS)
    await open_kpi(somsri, PM25_DAYS)
    await somsri.say("70")
    replies = await finish_report(somsri)
    [first] = await reports(services)
    assert f"report:c{first.id}" in codes_of(replies)  # this very report
    assert (await kpi(services.db, pm.id)).latest_percent == 0.0  # 70 days: over the yearly cap of 50

    replies = await somsri.press("แก้ไขรายงานนี้")
    assert replies[0].text.startswith("แก้ไขรายงานของท่านเมื่อ ") and "70 วัน" in replies[0].text
    await somsri.say("7")
    replies = await finish_report(somsri)
    assert replies[0].text == "ขอบคุณ บันทึกการแก้ไขรายงานแล้ว"

    old, new = await reports(services)
    assert old.superseded and old.value == 70.0  # the history is kept
    assert new.corrects_id == old.id and new.value == 7.0 and not new.superseded
    assert new.period_on == old.period_on  # a correction is for the period of the report it corrects
    updated = await kpi(services.db, pm.id)
    assert updated.latest_value == 7.0 and updated.latest_percent is not None and updated.latest_percent > 0


async def test_correction_refused_after_a_day_and_by_someone_else(services: Services, somsri: Chat) -> None:
    pm = await kpi_named(services.db, PM25_DAYS)
    await open_kpi(somsri, PM25_DAYS)
    await somsri.say("70")
    await finish_report(somsri)
    [report] = await reports(services)

    colleague_id = await make_person(services.db, "colleague", role="officer", province="เชียงราย")
    colleague = Chat(services, user="colleague")
    forged = await colleague.press_code(f"report:c{report.id}")  # only the author is offered this button
    assert colleague_id and forged[0].text == FORBIDDEN

    async with services.db.write() as session:
        await session.execute(update(ProgressReport).values(created_at=now() - timedelta(hours=25)))
    assert (await somsri.press("แก้ไขรายงานนี้"))[0].text == TOO_LATE  # the saved report's button, a day later
    [unchanged] = await reports(services)
    assert not unchanged.superseded and (await kpi(services.db, pm.id)).latest_value == 70.0


async def test_a_citizen_cannot_post_progress(services: Services) -> None:
    pm = await kpi_named(services.db, PM25_DAYS)
    await make_person(services.db, "citizen-a")
    citizen = Chat(services, user="citizen-a")
    assert REPORT not in labels_of(await citizen.say("เมนู"))
    for code in ("m:report", f"report:k{pm.id}", "m:mykpis"):  # forged: a citizen is offered none of these
        assert (await citizen.press_code(code))[0].text == FORBIDDEN
    assert await reports(services) == []


async def test_an_officer_of_another_province_cannot_report_or_see_the_kpi(services: Services) -> None:
    pm = await kpi_named(services.db, PM25_DAYS)
    await make_person(services.db, "buriram-officer", role="officer", province="บุรีรัมย์")
    other = Chat(services, user="buriram-officer")
    assert (await other.press_code(f"report:k{pm.id}"))[0].text == FORBIDDEN  # forged: another province's KPI
    await other.say("เมนู")
    replies = await other.press(REPORT)
    # only Buriram's KPIs
    assert f"k:{pm.id}" not in codes_of(replies) and PM25_SHORT not in labels_of(replies)
    await other.say("เมนู")
    cards = [r.card.title for r in await other.press(MY_KPIS) if r.card is not None]
    assert cards and PM25_DAYS not in cards
    async with services.db.read() as session:
        assert await session.scalar(select(func.count()).select_from(ProgressReport)) == 0
    assert (await kpi(services.db, pm.id)).latest_value is None


async def test_my_kpis_shows_cards_and_what_is_due_period_by_period(
    services: Services, somsri: Chat, clock: Clock
) -> None:
    await kpi_named(services.db, PM25_DAYS)  # monthly, by the 5th
    clock.set(fiscal_day(12, 3))  # November's report is due on 5 Dec; October's was due on 5 Nov
    await somsri.say("เมนู")
    replies = await somsri.press(MY_KPIS)
    titles = [r.card.title for r in replies if r.card is not None]
    assert PM25_DAYS in titles and len(titles) == 3
    due = replies[-1].text
    assert due.startswith("รายงานที่ครบกำหนดส่ง:")
    october, november = fiscal_day(10, 1), fiscal_day(11, 5)
    assert f"• {PM25_DAYS} งวด ต.ค. {october.year + 543}: เลยกำหนดตั้งแต่ 5 พ.ย. {november.year + 543}" in due
    assert PM25_SHORT in labels_of(replies)  # due: a button, with the KPI's short name, reports on it

    # A cumulative KPI's amounts add up month by month: the missing October comes first, then November.
    replies = await somsri.press(PM25_SHORT)
    assert replies[1].text.startswith(f"รายงานนี้เป็นของงวด ต.ค. {october.year + 543} ซึ่งเลยกำหนดส่งแล้ว")
    assert "พิมพ์เฉพาะยอดของงวดนี้ ไม่ใช่ยอดสะสม" in replies[1].text
    await somsri.say("12")
    await finish_report(somsri)
    replies = await somsri.press(MY_KPIS)  # from the menu offered with the saved report
    assert f"• {PM25_DAYS} งวด พ.ย. {october.year + 543}: ภายใน 5 ธ.ค. {november.year + 543}" in replies[-1].text
    await somsri.press(PM25_SHORT)
    await somsri.say("7")
    await finish_report(somsri)
    replies = await somsri.press(MY_KPIS)
    assert PM25_DAYS not in replies[-1].text  # nothing owed until December's report
    assert "แก้ไขรายงานล่าสุด" in labels_of(replies)
    assert "ยอดสะสมตั้งแต่ต้นปีงบประมาณ: 19 วัน" in joined(replies)
    assert f"งวด: ต.ค. {october.year + 543} – พ.ย. {october.year + 543}" in joined(replies)
