"""Issue 12: the national secretariat compares provinces (programme steps handed in, KPI progress, complaints
answered on time, satisfaction), by pilot group, dimension or mechanism, in chat and as XLSX."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.domain.comparison import ComparisonFilter, PilotGroup, compare_provinces
from bot.domain.periods import local_day
from bot.domain.progress import refresh_latest
from bot.domain.steps import enter_year_deadline
from bot.services import Services
from storage.db import Database
from storage.models import Complaint, Deadline, DeadlineSubmission, FiscalYear, Kpi, Media, Person, ProgressReport
from storage.seed import fiscal_year_bounds, fiscal_year_of
from tests.secretariat.support import add_person, province_id
from tests.support.chat import Chat, labels, press_listed, texts

COMPARE = "เปรียบเทียบจังหวัด"
CEO_PILOTS = "5 จังหวัดซีอีโอ"


async def national_chat(services: Services) -> Chat:
    person = await add_person(services.db, "secretariat", None, user="opdc-1")
    async with services.db.write() as session:
        found = await session.get(Person, person.id)
        assert found is not None
        found.pdpa_notice_at = datetime.now(UTC)
    return Chat(services, user="opdc-1")


async def this_years_deadlines_entered(db: Database) -> None:
    """The national secretariat has entered this fiscal year's proposal and report deadlines (nothing is copied
    from FY 2565 any more)."""
    today = datetime.now(UTC).date()
    year = fiscal_year_of(today)
    last_day = fiscal_year_bounds(year)[1]
    async with db.write() as session:
        for step, due_on in (("submit_proposal", last_day), ("report_results", last_day + timedelta(days=15))):
            await enter_year_deadline(session, step_code=step, year_be=year, due_on=due_on, today=today)


async def chiang_rai_has_figures(db: Database) -> None:
    """Chiang Rai: one KPI of three at 100 %, one step of the year handed in, two complaints answered (one on
    time, rated 4; one late, rated 2)."""
    await this_years_deadlines_entered(db)
    chiang_rai = await province_id(db, "เชียงราย")
    now = datetime.now(UTC)
    today = now.date()
    async with db.write() as session:
        kpi = await session.scalar(select(Kpi).where(Kpi.name_th == "พื้นที่เผาไหม้สะสม"))
        assert kpi is not None
        kpi.higher_is_better = True  # read as a yearly target, for round figures
        session.add(ProgressReport(kpi_id=kpi.id, value=400000, channel="simulator"))
        await refresh_latest(session, kpi)
        year = await session.scalar(select(FiscalYear.id).where(FiscalYear.year_be == fiscal_year_of(today)))
        first = await session.scalar(
            select(Deadline).where(Deadline.fiscal_year_id == year, Deadline.province_id.is_(None)).limit(1)
        )
        assert first is not None
        session.add(DeadlineSubmission(deadline_id=first.id, province_id=chiang_rai))
        for number, (resolved, rating) in enumerate(((now - timedelta(days=10), 4), (now, 2)), start=1):
            session.add(
                Complaint(
                    ticket_no=f"CRI-69-8{number:04d}",
                    province_id=chiang_rai,
                    description="ควันไฟ",
                    description_hash=f"c{number}",
                    channel="simulator",
                    status="resolved",
                    due_on=today - timedelta(days=5),
                    resolved_at=resolved,
                    rating=rating,
                )
            )


async def test_the_figures_of_the_ceo_pilots(any_database_url: str) -> None:
    db = Database(any_database_url)
    try:
        await chiang_rai_has_figures(db)
        async with db.read() as session:
            comparison = await compare_provinces(session, datetime.now(UTC), ComparisonFilter(PilotGroup.CEO_2024))
    finally:
        await db.close()
    assert comparison.provinces[0].province.name_th == "เชียงราย"  # the best KPI progress first
    assert len(comparison.provinces) == 5
    chiang_rai = comparison.provinces[0]
    assert (chiang_rai.progress.kpis, chiang_rai.progress.unreported) == (3, 2)
    assert chiang_rai.progress.mean == pytest.approx(100 / 3)
    assert (chiang_rai.steps, chiang_rai.steps_handed_in) == (2, 1)  # the year's proposal and results
    assert (chiang_rai.answered, chiang_rai.answered_on_time, chiang_rai.on_time_share) == (2, 1, 50.0)
    assert (chiang_rai.ratings, chiang_rai.mean_rating) == (2, 3.0)
    buriram = next(row for row in comparison.provinces if row.province.name_th == "บุรีรัมย์")
    assert (buriram.progress.mean, buriram.progress.unreported, buriram.answered, buriram.mean_rating) == (
        0.0,
        3,
        0,
        None,
    )


async def test_the_national_secretariat_compares_provinces_in_chat_and_as_xlsx(services: Services) -> None:
    await chiang_rai_has_figures(services.db)
    chat = await national_chat(services)
    assert COMPARE in labels((await chat.say("เมนู"))[-1])
    filters = (await chat.press(COMPARE))[-1]
    assert filters.text == "ต้องการเปรียบเทียบจังหวัดกลุ่มใด"
    assert labels(filters) == ["ทุกจังหวัด", "22 จังหวัดนำร่อง", CEO_PILOTS, "ตามมิติ", "ตามรูปแบบ/กลไก"]

    shown = (await chat.press(CEO_PILOTS))[-1]
    lines = shown.text.splitlines()
    assert lines[0] == f"เปรียบเทียบจังหวัด: {CEO_PILOTS}"
    assert lines[1].startswith(f"ปีงบประมาณ พ.ศ. {fiscal_year_of(date.today())} ข้อมูล ณ ")
    assert lines[2] == (
        "1. เชียงราย: ตัวชี้วัด 33 % (ยังไม่รายงาน 2 จาก 3) · ส่งขั้นตอนแล้ว 1/2"
        " · ตอบเรื่องร้องเรียนทันกำหนด 50 % (1/2) · ความพึงพอใจ 3.0 (2)"
    )
    assert len(lines) == 2 + 5 and "บุรีรัมย์: ตัวชี้วัด 0 % (ยังไม่รายงาน 3 จาก 3)" in shown.text
    assert labels(shown) == ["ส่งออกเป็น XLSX", "เปรียบเทียบแบบอื่น", "เมนูหลัก"]

    export = (await chat.press("ส่งออกเป็น XLSX"))[0]
    async with services.db.read() as session:
        media = await session.get(Media, export.document_media_id)
    assert (
        media is not None
        and media.filename is not None
        and media.filename == f"เปรียบเทียบจังหวัด-ceo2024-{file_day()}.xlsx"
    )
    book = load_workbook(io.BytesIO(media.data))
    header, *rows = list(book["Provinces"].iter_rows(values_only=True))
    first = dict(zip(header, rows[0], strict=True))
    assert first["จังหวัด"] == "เชียงราย" and first["ความก้าวหน้าเฉลี่ยของตัวชี้วัด (%)"] == 33.3
    assert first["ตัวชี้วัดที่ยังไม่รายงาน (นับเป็น 0 %)"] == 2 and first["ตอบทันกำหนด (%)"] == 50
    assert (first["ขั้นตอนที่ส่งแล้ว"], first["ขั้นตอนทั้งหมดของปี"]) == (1, 2)
    assert len(rows) == 5
    about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True)}
    assert about["สิ่งที่เปรียบเทียบ"] == CEO_PILOTS


async def test_issue_12_a_year_without_entered_step_deadlines_says_so(services: Services) -> None:
    """Later fiscal years used to carry FY 2565's dates as if official; now a year shows 0/0 and says why."""
    chat = await national_chat(services)
    await chat.say("เมนู")
    await chat.press(COMPARE)
    lines = (await chat.press(CEO_PILOTS))[-1].text.splitlines()
    year = fiscal_year_of(date.today())
    assert lines[2] == f"ยังไม่มีการกำหนดวันส่งงานตามขั้นตอนของปีงบประมาณ พ.ศ. {year} จึงยังไม่นับขั้นตอนใด"
    assert "ส่งขั้นตอนแล้ว 0/0" in lines[3]


async def test_by_dimension_and_by_mechanism_only_provinces_with_such_an_agenda(services: Services) -> None:
    await this_years_deadlines_entered(services.db)
    chat = await national_chat(services)
    await chat.say("เมนู")
    await chat.press(COMPARE)
    dimensions = (await chat.press("ตามมิติ"))[-1]
    assert "3. การบริหารจัดการสิ่งแวดล้อม" in dimensions.text and "3. การบริหารจัดการส…" in labels(dimensions)
    shown = texts(await press_listed(chat, "การบริหารจัดการสิ่งแวดล้อม"))[-1]
    assert shown.splitlines()[0] == "เปรียบเทียบจังหวัด: ทุกจังหวัด, มิติ: การบริหารจัดการสิ่งแวดล้อม"
    assert {line.split(":")[0][3:] for line in shown.splitlines()[2:]} == {"เชียงราย", "เพชรบุรี"}

    await chat.press("เปรียบเทียบแบบอื่น")
    await chat.press("ตามรูปแบบ/กลไก")
    shown = texts(await press_listed(chat, "นวัตกรรมภาครัฐ (Public Innovation)"))[-1]
    assert {line.split(":")[0][3:] for line in shown.splitlines()[2:]} == {"ขอนแก่น", "เพชรบุรี"}

    await chat.press("เปรียบเทียบแบบอื่น")
    shown = texts(await chat.press("22 จังหวัดนำร่อง"))[-1]
    assert len(shown.splitlines()) == 2 + 15 + 1 and shown.endswith("… และอีก 7 รายการในไฟล์ XLSX")
    assert "ชลบุรี: ตัวชี้วัด ไม่มี · ส่งขั้นตอนแล้ว 0/2" in shown  # a pilot without an active agenda


async def test_a_provincial_secretariat_is_offered_no_comparison_and_is_refused_one(services: Services) -> None:
    async with services.db.write() as session:
        person = await session.scalar(select(Person).where(Person.platform_user_id == "secretariat-1"))
        assert person is not None and person.province_id is not None  # Chiang Rai's
        person.pdpa_notice_at = datetime.now(UTC)
    chat = Chat(services, user="secretariat-1")
    assert COMPARE not in labels((await chat.say("เมนู"))[-1])
    refused = await chat.press_code("m:compare")  # forged: the button is not theirs
    assert refused[0].text == "การเปรียบเทียบจังหวัดใช้ได้เฉพาะฝ่ายเลขานุการส่วนกลาง"


def file_day() -> str:
    """Today in Bangkok as an export's name says it: 2569-11-29."""
    today = local_day(datetime.now(UTC))
    return f"{today.year + 543}-{today:%m-%d}"
