"""Issue 12: KPI kinds in chat. A cumulative KPI adds its periods up, year to date, against the yearly target; a
yearly cap counts the year kept within it; a level KPI is its latest value; the card says which period, and
reports, "My KPIs" and the reminders agree on what is due."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.domain.progress import refresh_latest
from bot.domain.reminders import run_reminders
from bot.services import Services
from handlers import notices
from storage.models import Kpi, OutboxMessage, ProgressReport
from tests.officer.helpers import add_kpi, joined, kpi, kpi_named, labels_of, mark_notice_seen
from tests.support.chat import Chat, press_listed
from tests.support.clock import Clock, bangkok, fiscal_day

REPORT, MY_KPIS = "รายงานความก้าวหน้า", "ตัวชี้วัดของประเด็นฯ"
HOTSPOTS = "จำนวนจุดความร้อน (Hotspot) สะสม"  # seeded: at most 4,000 in the year, reported monthly by the 5th


@pytest.fixture
async def somsri(services: Services) -> Chat:
    await mark_notice_seen(services.db, "officer-1")
    return Chat(services, user="officer-1")


def be(month: int, day: int = 1) -> str:
    """The Buddhist-Era year of that day of the seeded fiscal year, as the bot writes it."""
    return str(fiscal_day(month, day).year + 543)


async def report(officer: Chat, name: str, value: str) -> list:
    """The report flow on one KPI, from the menu: returns the replies up to the value prompt, then sends."""
    await officer.say("เมนู")
    await officer.press(REPORT)
    opened = await press_listed(officer, name)
    await officer.say(value)
    await officer.press("ข้าม")
    await officer.press("ข้าม")
    saved = await officer.press("ยืนยันและส่งรายงาน")
    assert saved[0].text == "ขอบคุณ บันทึกรายงานแล้ว"
    return opened + saved


def card_fields(replies: list) -> dict[str, str]:
    card = [reply.card for reply in replies if reply.card is not None][-1]
    return {field.label: field.value for field in card.fields} | {"": card.subtitle or ""}


async def test_issue_12_one_november_report_of_1250_against_a_yearly_4000_is_31_percent(
    services: Services, somsri: Chat, clock: Clock
) -> None:
    await add_kpi(
        services.db,
        name="ผู้เข้าร่วมกิจกรรมลดการเผา",
        kind="cumulative",
        baseline=3000,
        target=4000,
        cycle="monthly",
        day=5,
    )
    clock.set(fiscal_day(11, 3))
    await report(somsri, "ผู้เข้าร่วมกิจกรรมลดการเผา", "0")  # October's: nobody yet
    clock.set(fiscal_day(12, 3))
    replies = await report(somsri, "ผู้เข้าร่วมกิจกรรมลดการเผา", "1,250")
    assert replies[1].text.startswith(f"รายงานนี้เป็นของงวด พ.ย. {be(11)} (กำหนดส่ง 5 ธ.ค. {be(12)})")
    fields = card_fields(replies)
    assert fields[""] == "ความก้าวหน้า 31 %"  # it read 100 % on the straight line from the baseline
    assert fields["ยอดสะสมตั้งแต่ต้นปีงบประมาณ"] == "1,250"
    assert fields["เป้าหมายทั้งปี"] == "4,000" and fields["ค่าฐาน"] == "3,000"
    assert fields["งวด"] == f"ต.ค. {be(10)} – พ.ย. {be(11)}"
    assert fields["ชนิดตัวชี้วัด"] == "ยอดสะสมรายปี (ยิ่งมากยิ่งดี)"


async def test_the_hotspot_cap_is_a_year_kept_within_it_and_a_late_amount_fills_its_month(
    services: Services, somsri: Chat, clock: Clock
) -> None:
    hotspots = await kpi_named(services.db, HOTSPOTS)
    clock.set(fiscal_day(11, 3))
    await report(somsri, HOTSPOTS, "250")
    clock.set(fiscal_day(12, 8))  # November's report was due on 5 Dec
    replies = await report(somsri, HOTSPOTS, "1000")
    assert replies[1].text.startswith(f"รายงานนี้เป็นของงวด พ.ย. {be(11)} ซึ่งเลยกำหนดส่งแล้วเมื่อ 5 ธ.ค. {be(12)}")
    fields = card_fields(replies)
    assert fields["ยอดสะสมตั้งแต่ต้นปีงบประมาณ"] == "1,250 จุด"
    assert fields["เพดานทั้งปี (ไม่เกิน)"] == "4,000 จุด" and fields["ใช้เพดานไปแล้ว"] == "31 %"
    first, last = fiscal_day(10, 1), fiscal_day(9, 30)
    year_kept = 61 / ((last - first).days + 1) * 100  # October and November within the cap
    assert fields[""] == f"ความก้าวหน้า {year_kept:.0f} %"
    assert [r.card.footer for r in replies if r.card is not None][-1] == "ตัวเลขตัวอย่าง"
    assert (await kpi(services.db, hotspots.id)).latest_percent == pytest.approx(year_kept)

    # December's amount, reported twice: the second replaces the first, it does not add to it.
    clock.set(fiscal_day(1, 3))
    await report(somsri, HOTSPOTS, "900")
    replies = await report(somsri, HOTSPOTS, "600")
    assert "งวดนี้มีรายงานแล้ว ยอดที่พิมพ์ใหม่จะใช้แทนยอดเดิม" in replies[1].text
    assert (await kpi(services.db, hotspots.id)).latest_value == 1850


async def test_a_lower_is_better_level_is_the_way_from_its_baseline_to_its_target(
    services: Services, somsri: Chat
) -> None:
    await add_kpi(services.db, name="ขยะตกค้างในเขตเทศบาล", baseline=20000, target=10000, higher_is_better=False)
    replies = await report(somsri, "ขยะตกค้างในเขตเทศบาล", "15000")
    fields = card_fields(replies)
    assert fields[""] == "ความก้าวหน้า 50 %"  # half of the way from 20,000 down to 10,000
    assert (fields["ผลล่าสุด"], fields["ค่าเป้าหมาย"]) == ("15,000", "10,000")
    assert fields["ชนิดตัวชี้วัด"] == "ค่าล่าสุด (ยิ่งน้อยยิ่งดี)"


async def test_issue_12_my_kpis_and_the_reminders_agree_on_what_is_due(
    services: Services, somsri: Chat, clock: Clock
) -> None:
    """A report made on 28 Nov is November's: on 2 Dec "My KPIs" (which counted calendar months) no longer says
    it is due by 5 Dec, and the reminders (which counted from the previous due date) remind no one."""
    kpi_id = await add_kpi(services.db, name="ร้อยละครัวเรือนที่คัดแยกขยะ", unit="percent", target=80, cycle="monthly", day=5)
    clock.set(fiscal_day(11, 28))
    await report(somsri, "ร้อยละครัวเรือนที่คัดแยกขยะ", "35")
    async with services.db.read() as session:
        [saved] = (await session.scalars(select(ProgressReport).where(ProgressReport.kpi_id == kpi_id))).all()
    assert saved.period_on == fiscal_day(11, 1)

    clock.set(fiscal_day(12, 2))
    await somsri.say("เมนู")
    due = (await somsri.press(MY_KPIS))[-1]
    assert "ร้อยละครัวเรือนที่คัดแยกขยะ" not in due.text and "ร้อยละครัวเรือนที่คัดแยกขยะ" not in labels_of([due])
    await run_reminders(services.db, fiscal_day(12, 2), notices.reminder)  # 3 days before 5 Dec
    async with services.db.read() as session:
        reminders = (
            await session.scalars(select(OutboxMessage).where(OutboxMessage.idempotency_key.like("reminder:%")))
        ).all()
    assert not [row for row in reminders if f"report:k{kpi_id}" in str(row.payload)]


async def test_issue_12_nothing_stays_due_after_the_fiscal_year(services: Services, somsri: Chat, clock: Clock) -> None:
    """With every month reported, a monthly KPI is not "overdue" month after month once the year is over."""
    kpi_id = await add_kpi(services.db, name="จำนวนหมู่บ้านที่มีอาสาสมัครดับไฟป่า", target=120, cycle="monthly", day=5)
    async with services.db.write() as session:
        for month in (10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9):
            made = fiscal_day(month, 20)
            session.add(
                ProgressReport(
                    kpi_id=kpi_id,
                    value=100,
                    channel="simulator",
                    period_on=made.replace(day=1),
                    created_at=bangkok(made),
                )
            )
        found = await session.get(Kpi, kpi_id)
        assert found is not None
        await refresh_latest(session, found)
    for day in (fiscal_day(9, 30) + timedelta(days=40), fiscal_day(9, 30) + timedelta(days=100)):
        clock.set(day)
        await somsri.say("เมนู")
        due = (await somsri.press(MY_KPIS))[-1]
        assert "จำนวนหมู่บ้านที่มีอาสาสมัครดับไฟป่า" not in due.text
    assert "ก.ย. " + be(9) in joined(await somsri.press(MY_KPIS))  # the card: September's figure
