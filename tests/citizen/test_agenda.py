"""The province's agenda: pick a province (one's own first, or typed), its agendas, then each KPI's latest
progress against its target with the date of the last report."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update

from bot.core.i18n import _, use_locale
from bot.services import Services
from storage.models import Agenda, Kpi, Person, Province
from tests.citizen.conftest import TicketMaker, known_person
from tests.support.chat import Chat, labels, texts

GREEN_CHIANG_RAI = "เชียงรายเมืองสีเขียว อากาศสะอาด"
GREEN_SHORT = "อากาศสะอาด"  # its button: the short title
PM25_DAYS = "จำนวนวันที่ค่าฝุ่นละออง PM2.5 เกินค่ามาตรฐาน"


async def report_pm25(services: Services, value: float, percent: float, when: datetime) -> None:
    async with services.db.write() as session:
        await session.execute(
            update(Kpi)
            .where(Kpi.name_th == PM25_DAYS)
            .values(latest_value=value, latest_percent=percent, latest_reported_at=when)
        )


async def test_a_provinces_agenda_and_its_kpis_with_the_latest_report(
    services: Services, somchai: Chat, somchai_person: Person, tickets: TicketMaker
) -> None:
    await tickets.make(somchai_person)  # a ticket in เชียงราย makes it the person's province
    await report_pm25(services, 35, 80, datetime(2025, 3, 5, 9, 0, tzinfo=UTC))

    ask = await somchai.say("ประเด็นของจังหวัด")
    assert ask[0].text == "จังหวัดใด กรุณาเลือก หรือพิมพ์ชื่อจังหวัด (เช่น เชียงราย)"
    assert labels(ask[0])[0] == "เชียงราย"  # the person's own province first
    assert {"ขอนแก่น", "อุบลราชธานี", "บุรีรัมย์", "เพชรบุรี"} <= set(labels(ask[0]))

    agendas = await somchai.say("จังหวัดเชียงราย")
    assert agendas[0].text.startswith(f"ประเด็นนโยบายสำคัญของจังหวัดเชียงราย:\n1. {GREEN_CHIANG_RAI}")
    shown = await somchai.press(GREEN_SHORT)
    assert shown[0].text.startswith(GREEN_CHIANG_RAI + "\nเป้าหมาย: ลดฝุ่นละออง PM2.5")
    assert shown[0].text.splitlines()[-3:] == [  # what the agenda is filed under, and who advises it
        "มิติ: การบริหารจัดการสิ่งแวดล้อม",
        "รูปแบบ/กลไก: การนำระบบดิจิทัลมาใช้ (Digital Government), ราชการระบบเปิด (Open Government)",
        "คณะทำงานที่ให้คำปรึกษา: คณะทำงานด้านทรัพยากรธรรมชาติและสิ่งแวดล้อม",
    ]
    cards = [reply.card for reply in shown if reply.card is not None]
    assert [card.title for card in cards] == [PM25_DAYS, "จำนวนจุดความร้อน (Hotspot) สะสม", "พื้นที่เผาไหม้สะสม"]
    with use_locale("th"):  # the card's labels are the shared ticket/KPI card's own
        so_far, cap, last_report = _("Year to date"), _("Cap for the year (at most)"), _("Last report")
    pm25 = {f.label: f.value for f in cards[0].fields}  # days over the standard in the year: at most 50
    assert (pm25[so_far], pm25[cap], pm25[last_report]) == ("35 วัน", "50 วัน", "5 มี.ค. 2568")
    assert cards[0].progress_percent == 80 and cards[0].subtitle == "ความก้าวหน้า 80 %"
    assert cards[0].footer == "ตัวเลขตัวอย่าง"  # the seeded figures are made up
    assert {f.label: f.value for f in cards[1].fields}[so_far] == "ยังไม่รายงาน"
    assert labels(shown[-1])[0] == "ความคิดเห็น/ข้อเสนอ"  # comment on this agenda from here


async def test_typed_province_names_that_match_nothing_or_several(somchai: Chat) -> None:
    await somchai.say("เมนู")
    await somchai.press("ประเด็นของจังหวัด")
    typo = await somchai.say("เชียงาย")
    assert typo[0].text == 'ไม่พบจังหวัดชื่อ "เชียงาย" ท่านหมายถึงจังหวัดเหล่านี้หรือไม่'
    assert "เชียงราย" in labels(typo[0])
    nothing = await somchai.say("xyz")
    assert nothing[0].text == 'ไม่พบจังหวัดที่ตรงกับ "xyz" กรุณาตรวจสอบชื่ออีกครั้ง'
    several = await somchai.say("นคร")
    assert several[0].text == 'มีหลายจังหวัดที่ตรงกับ "นคร" ท่านหมายถึงจังหวัดใด'
    assert "นครราชสีมา" in labels(several[0]) and "นครสวรรค์" in labels(several[0])


async def test_a_province_without_an_agenda_is_said_clearly_and_the_step_repeats(somchai: Chat) -> None:
    await somchai.say("เมนู")
    await somchai.press("ประเด็นของจังหวัด")
    replies = await somchai.say("น่าน")
    assert texts(replies) == ["จังหวัดน่านยังไม่มีประเด็นนโยบายสำคัญที่ดำเนินการอยู่ กรุณาเลือกจังหวัดอื่น หรือพิมพ์ชื่อจังหวัด"]
    again = await somchai.say("ขอนแก่น")  # still choosing a province
    assert again[0].text.startswith("ประเด็นนโยบายสำคัญของจังหวัดขอนแก่น:")


async def test_an_inactive_agenda_is_not_listed(services: Services, somchai: Chat) -> None:
    async with services.db.write() as session:
        province = await session.scalar(select(Province).where(Province.name_th == "เพชรบุรี"))
        assert province is not None
        await session.execute(update(Agenda).where(Agenda.province_id == province.id).values(is_active=False))
    await somchai.say("เมนู")
    await somchai.press("ประเด็นของจังหวัด")
    replies = await somchai.say("เพชรบุรี")
    assert replies[0].text.startswith("จังหวัดเพชรบุรียังไม่มีประเด็นนโยบายสำคัญที่ดำเนินการอยู่")


async def test_the_agenda_in_english(services: Services) -> None:
    await known_person(services, "john", locale="en")
    john = Chat(services, user="john", locale="en")
    await report_pm25(services, 35, 80, datetime(2025, 3, 5, 9, 0, tzinfo=UTC))
    await john.say("menu")
    ask = await john.say("Province agenda")  # typing a button's label works like pressing it
    assert ask[0].text == "Which province? Choose one, or type its name (for example เชียงราย)."
    agendas = await john.say("chiang rai")
    assert agendas[0].text.startswith("The agendas of Chiang Rai:\n1. Green Chiang Rai, clean air")
    shown = await john.say("1")
    cards = [reply.card for reply in shown if reply.card is not None]
    assert cards[0].title == "Days with PM2.5 above the standard"
    assert "Dimension: Environmental management" in shown[0].text
    assert "Advised by: Natural resources and environment working group" in shown[0].text
    fields = {f.label: f.value for f in cards[0].fields}
    assert (fields["Year to date"], fields["Cap for the year (at most)"]) == ("35 days", "50 days")
    assert fields["Last report"] == "Mar 5, 2025" and cards[0].footer == "Example figures"
    assert labels(shown[-1])[0] == "Comment or propose"
