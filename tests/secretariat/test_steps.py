"""Issue 12 item 7: the four steps as work. The national secretariat enters a fiscal year's step deadlines (nothing
is copied from FY 2565); the provincial secretariat hands in steps 2 and 4 in chat, a file or photo and a note kept
with who and when; both see what was handed in; a reminder's button opens the hand-in."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from bot.core.media import store_media
from bot.core.types import InboundKind
from bot.domain.reminders import run_reminders
from bot.domain.steps import enter_year_deadline
from bot.services import Services
from handlers import notices
from storage.db import Database
from storage.models import Deadline, DeadlineSubmission, FiscalYear, Person, StepHandIn
from storage.seed import fiscal_year_bounds, fiscal_year_of
from tests.secretariat.support import add_person, province_id
from tests.support.chat import Chat, labels, pump, texts

STEPS = "ขั้นตอนของโครงการ"
HAND_IN, HANDED_IN, YEAR_DEADLINES = "ส่งงานขั้นตอน 2/4", "งานที่ส่งแล้ว", "กำหนดส่งรายปี"
PNG = b"\x89PNG\r\n\x1a\n fake scan of the proposal"


def this_year() -> int:
    return fiscal_year_of(datetime.now(UTC).date())


async def staff_chat(services: Services, role: str, province: str | None, user: str, name: str = "") -> Chat:
    person = await add_person(services.db, role, province, user=user)
    async with services.db.write() as session:
        found = await session.get(Person, person.id)
        assert found is not None
        found.pdpa_notice_at, found.display_name = datetime.now(UTC), name or None
    return Chat(services, user=user)


async def count(db: Database, model: type[StepHandIn] | type[DeadlineSubmission] | type[Deadline]) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def year_step_deadlines(db: Database, year_be: int) -> list[Deadline]:
    async with db.read() as session:
        return list(
            (
                await session.scalars(
                    select(Deadline)
                    .join(FiscalYear, FiscalYear.id == Deadline.fiscal_year_id)
                    .where(FiscalYear.year_be == year_be, Deadline.step_id.is_not(None))
                    .order_by(Deadline.due_on)
                )
            ).all()
        )


async def test_a_year_without_entered_deadlines_says_so_and_offers_no_hand_in(services: Services) -> None:
    """Issue 12: later fiscal years copied FY 2565's dates as if they were official."""
    assert await year_step_deadlines(services.db, this_year()) == []  # the seed copies nothing
    chat = await staff_chat(services, "secretariat", "เชียงราย", "sec-cri")
    await chat.say("เมนู")
    menu = (await chat.press(STEPS))[-1]
    assert labels(menu) == [HAND_IN, "บันทึกการทบทวนร่วม", HANDED_IN, "การทบทวนร่วม", YEAR_DEADLINES]
    refused = texts(await chat.press(HAND_IN))[0]
    assert refused.startswith("ยังไม่มีการกำหนดวันส่งขั้นตอนที่ 2")
    await chat.press(STEPS)
    await chat.press(YEAR_DEADLINES)
    shown = texts(await chat.press(f"ปีงบ {this_year()}"))[0]
    assert shown == (
        f"ยังไม่มีการกำหนดวันส่งงานตามขั้นตอนของปีงบประมาณ พ.ศ. {this_year()} ฝ่ายเลขานุการส่วนกลางเป็นผู้กำหนด ระบบไม่คัดลอกจากปีอื่น"
    )
    assert await count(services.db, StepHandIn) == 0


async def national_enters_this_years_deadlines(services: Services) -> Chat:
    """The national secretariat enters the proposal deadline of this fiscal year in chat, after three refusals."""
    year = this_year()
    national = await staff_chat(services, "secretariat", None, "opdc-1")
    await national.say("เมนู")
    menu = (await national.press(STEPS))[-1]
    assert labels(menu) == [HANDED_IN, "การทบทวนร่วม", YEAR_DEADLINES]  # the national team hands nothing in
    await national.press(YEAR_DEADLINES)
    await national.press(f"ปีงบ {year}")
    steps = (await national.press("กำหนดวันส่งงาน"))[-1]
    assert labels(steps) == ["ขั้นตอนที่ 1", "ขั้นตอนที่ 2", "ขั้นตอนที่ 3", "ขั้นตอนที่ 4"]
    assert "2. จัดส่งข้อเสนอประเด็นนโยบายสำคัญ" in steps.text
    prompt = texts(await national.press("ขั้นตอนที่ 2"))[0]
    assert prompt.startswith("กรุณาพิมพ์วันครบกำหนด ระหว่าง 1 ต.ค.")
    assert "ไม่ใช่วันที่ที่ระบบอ่านได้" in texts(await national.say("ธันวาคม"))[0]
    assert "ผ่านไปแล้ว" in texts(await national.say(f"1/10/{year - 1}"))[0]  # the first day of the year: past
    assert "ไม่อยู่ในปีงบประมาณ" in texts(await national.say(f"1/1/{year + 5}"))[0]
    assert await year_step_deadlines(services.db, year) == []  # nothing stored by the refusals
    last_day = fiscal_year_bounds(year)[1]
    done = texts(await national.say(f"{last_day.day}/{last_day.month}/{last_day.year + 543}"))[0]
    assert done.startswith(f"กำหนดส่งสำหรับทุกจังหวัดแล้ว: “จัดส่งข้อเสนอประเด็นนโยบายสำคัญ ปีงบประมาณ พ.ศ. {year}”")
    return national


async def test_the_national_secretariat_enters_a_year_deadline_and_a_second_entry_moves_it(services: Services) -> None:
    national = await national_enters_this_years_deadlines(services)
    year = this_year()
    [deadline] = await year_step_deadlines(services.db, year)
    assert deadline.province_id is None and deadline.due_on == fiscal_year_bounds(year)[1]

    await national.press(STEPS)
    await national.press(YEAR_DEADLINES)
    listed = (await national.press(f"ปีงบ {year}"))[-1]
    assert listed.text.splitlines()[0] == f"กำหนดส่งงานตามขั้นตอน ปีงบประมาณ พ.ศ. {year}:"
    await national.press("กำหนดวันส่งงาน")
    await national.press("ขั้นตอนที่ 2")
    earlier = fiscal_year_bounds(year)[1] - timedelta(days=30)
    moved = texts(await national.say(f"{earlier.day}/{earlier.month}/{earlier.year + 543}"))[0]
    assert moved.startswith("เลื่อนกำหนดส่งแล้ว")
    [again] = await year_step_deadlines(services.db, year)
    assert again.id == deadline.id and again.due_on == earlier


async def test_a_provincial_secretariat_may_read_the_year_deadlines_but_not_enter_them(services: Services) -> None:
    chat = await staff_chat(services, "secretariat", "ลำปาง", "sec-lpg")
    await chat.say("เมนู")
    await chat.press(STEPS)
    await chat.press(YEAR_DEADLINES)
    shown = (await chat.press(f"ปีงบ {this_year()}"))[-1]
    assert "กำหนดวันส่งงาน" not in labels(shown)
    assert "ไม่ใช่ปีงบประมาณ" not in shown.text
    await chat.press(STEPS)
    await chat.press(YEAR_DEADLINES)
    assert "กรุณาพิมพ์ปีงบประมาณเป็นปีพุทธศักราช" in texts(await chat.say("ปีหน้า"))[0]
    await chat.press_code("fy:enter")  # a forged button: the step shows the year prompt again, nothing entered
    assert await year_step_deadlines(services.db, this_year()) == []


async def test_step_2_is_handed_in_from_the_reminder_with_a_photo_and_a_note(services: Services) -> None:
    national = await national_enters_this_years_deadlines(services)
    [deadline] = await year_step_deadlines(services.db, this_year())
    chat = await staff_chat(services, "secretariat", "เชียงราย", "sec-cri", name="สมศรี ใจดี")
    other = await staff_chat(services, "secretariat", "ลำปาง", "sec-lpg")
    await run_reminders(services.db, deadline.due_on - timedelta(days=7), notices.reminder)
    await pump(services)
    reminder = chat.new_replies()[-1]
    assert "7 วัน" in reminder.text and labels(reminder) == ["ส่งงาน"]
    assert other.new_replies()  # Lampang owes it too

    asked = await chat.press("ส่งงาน")
    assert asked[0].text.startswith("ส่งงาน “จัดส่งข้อเสนอประเด็นนโยบายสำคัญ")
    assert asked[-1].ask == "photo"
    assert texts(await chat.say("ส่งแล้วทางอีเมล"))[0] == "ยังไม่มีงานที่ส่ง"  # text is not the document
    refused = await chat.send(InboundKind.IMAGE, extra={"media_error": "too_large"})
    assert texts(refused)[0] == "ขออภัย ไม่สามารถใช้ไฟล์นี้ได้"
    photo = await store_media(services.db, PNG, "image/png", owner_id=None)
    noted = (await chat.send_photo(photo))[-1]
    assert labels(noted) == ["ไม่มีหมายเหตุ"]
    assert texts(await chat.say("ก" * 501))[0] == "ข้อความยาวเกินไป กรุณาพิมพ์ไม่เกิน 500 ตัวอักษร"
    assert await count(services.db, StepHandIn) == 0  # nothing kept until the hand-in is complete
    done = texts(await chat.say("ข้อเสนอฉบับที่ผ่านคณะกรรมการจังหวัด"))[0]
    assert done.startswith("ส่งงานแล้ว: “จัดส่งข้อเสนอประเด็นนโยบายสำคัญ")

    async with services.db.read() as session:
        handin = await session.scalar(select(StepHandIn))
        submission = await session.scalar(select(DeadlineSubmission))
    assert handin is not None and submission is not None
    assert handin.media_id == photo and handin.note == "ข้อเสนอฉบับที่ผ่านคณะกรรมการจังหวัด"
    assert handin.province_id == await province_id(services.db, "เชียงราย") and handin.deadline_id == deadline.id
    assert handin.handed_in_by_id is not None and submission.submitted_by_id == handin.handed_in_by_id

    # the reminders stop for Chiang Rai only
    await run_reminders(services.db, deadline.due_on - timedelta(days=3), notices.reminder)
    await pump(services)
    assert chat.new_replies() == [] and other.new_replies()

    # what was handed in: the province's own list, and every province's for the national secretariat
    await chat.press(STEPS)
    own = texts(await chat.press(HANDED_IN))[0].splitlines()
    assert own[0] == "งานที่ส่งแล้ว (ล่าสุดก่อน):"
    assert own[1].startswith("• จัดส่งข้อเสนอประเด็นนโยบายสำคัญ") and own[1].endswith("โดย สมศรี ใจดี")
    assert own[2] == "  หมายเหตุ: ข้อเสนอฉบับที่ผ่านคณะกรรมการจังหวัด"
    assert own[3].startswith(f"  ไฟล์: http://127.0.0.1:8000/media/{photo}/")
    await national.say("เมนู")
    await national.press(STEPS)
    assert "— เชียงราย:" in texts(await national.press(HANDED_IN))[0]


async def test_a_hand_in_for_another_provinces_deadline_is_refused(services: Services) -> None:
    chat = await staff_chat(services, "secretariat", "เชียงราย", "sec-cri")
    async with services.db.write() as session:
        year = await session.scalar(select(FiscalYear.id).where(FiscalYear.year_be == this_year()))
        lampang_only = Deadline(
            fiscal_year_id=year,
            step_id=2,
            province_id=await province_id(services.db, "ลำปาง"),
            title_th="ส่งข้อเสนอของลำปาง",
            due_on=date.today() + timedelta(days=10),
        )
        session.add(lampang_only)
    replies = await chat.press_code(f"hi:{lampang_only.id}")
    assert texts(replies)[0] == "กำหนดส่งนี้ปิดรับแล้ว"
    assert texts(await chat.press_code("hi:999999"))[0] == "กำหนดส่งนี้ปิดรับแล้ว"
    async with services.db.write() as session:
        kpi_deadline = Deadline(kpi_id=1, title_th="รายงานตัวชี้วัด", due_on=date.today() + timedelta(days=5))
        session.add(kpi_deadline)
    assert texts(await chat.press_code(f"hi:{kpi_deadline.id}"))[0] == "กำหนดส่งนี้ปิดรับแล้ว"  # not a step
    assert await count(services.db, StepHandIn) == 0


async def test_an_officer_cannot_hand_in_a_step(services: Services) -> None:
    officer = await staff_chat(services, "officer", "เชียงราย", "off-cri")
    await officer.say("เมนู")
    assert STEPS not in labels(officer.recorder.replies_to("off-cri")[-1])
    replies = await officer.press_code("hi:1")
    assert texts(replies)[0] == "บริการนี้ยังไม่เปิดให้บัญชีของท่านใช้งาน"
    assert await count(services.db, StepHandIn) == 0


async def test_with_two_open_deadlines_the_secretariat_chooses_which_it_hands_in_for(services: Services) -> None:
    year = this_year()
    last_day = fiscal_year_bounds(year)[1]
    async with services.db.write() as session:
        for step, due_on in (("submit_proposal", last_day - timedelta(days=30)), ("report_results", last_day)):
            await enter_year_deadline(session, step_code=step, year_be=year, due_on=due_on, today=date.today())
    chat = await staff_chat(services, "secretariat", "เชียงราย", "sec-cri")
    await chat.say("เมนู")
    await chat.press(STEPS)
    choose = (await chat.press(HAND_IN))[-1]
    assert choose.text.splitlines()[0] == "ท่านส่งงานสำหรับกำหนดส่งใด"
    assert "• รายงานผลการดำเนินงาน ปีงบประมาณ พ.ศ." in choose.text and len(choose.choices) == 2
    assert texts(await chat.say("อันที่สอง"))[0] == "กรุณากดปุ่มด้านล่างข้อใดข้อหนึ่ง หรือพิมพ์หมายเลขของปุ่ม (1 คือปุ่มแรก)"
    asked = await chat.press(labels(choose)[1])
    assert asked[0].text.startswith(f"ส่งงาน “รายงานผลการดำเนินงาน ปีงบประมาณ พ.ศ. {year}”")
    assert await count(services.db, StepHandIn) == 0
