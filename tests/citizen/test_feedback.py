"""Tell the state: comments, proposals of new KPIs and targets, and supports (one per person, counted
atomically), and the counts the secretariat sees."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from bot.core.types import Reply
from bot.domain.feedback import add_support, feedback_counts
from bot.services import Services
from storage.db import Database
from storage.models import Agenda, Feedback, FeedbackSupport, Kpi, Person, Province
from tests.citizen.conftest import known_person
from tests.support.chat import Chat, labels, press_listed, texts

GREEN_CHIANG_RAI = "เชียงรายเมืองสีเขียว อากาศสะอาด"
GREEN_SHORT = "อากาศสะอาด"  # its button: the short title


async def all_feedback(services: Services) -> list[Feedback]:
    async with services.db.read() as session:
        return list((await session.scalars(select(Feedback).order_by(Feedback.id))).all())


async def chiang_rai_agenda(services: Services) -> Agenda:
    async with services.db.read() as session:
        agenda = await session.scalar(select(Agenda).where(Agenda.title_th == GREEN_CHIANG_RAI))
        assert agenda is not None
        return agenda


async def comment_from_the_agenda_page(chat: Chat) -> list[Reply]:
    """Open เชียงราย's agenda page and press its "comment or propose" button."""
    await chat.say("ประเด็นของจังหวัด")
    await chat.say("เชียงราย")
    await chat.press(GREEN_SHORT)
    return await chat.press("ความคิดเห็น/ข้อเสนอ")


async def test_a_comment_on_an_agenda(services: Services, somchai: Chat, somchai_person: Person) -> None:
    ask = await somchai.say("บอกเราถึงรัฐ")
    assert ask[0].text.startswith("บอกเราถึงรัฐ: ความคิดเห็นของท่านเกี่ยวกับจังหวัดใด")
    agendas = await somchai.say("เชียงราย")
    assert agendas[0].text == (  # the short title on the button, the full title above it
        "เกี่ยวกับประเด็นนโยบายสำคัญใดของจังหวัดเชียงราย\n• อากาศสะอาด: เชียงรายเมืองสีเขียว อากาศสะอาด"
    )
    assert labels(agendas[0]) == ["อากาศสะอาด", "เรื่องทั่วไป"]
    actions = await somchai.say("1")
    assert actions[0].text == "เรื่อง: เชียงรายเมืองสีเขียว อากาศสะอาด\nท่านต้องการทำอะไร"
    assert labels(actions[0]) == ["แสดงความคิดเห็น", "เสนอตัวชี้วัด", "เสนอค่าเป้าหมาย"]
    prompt = await somchai.press("แสดงความคิดเห็น")
    assert texts(prompt) == ["กรุณาพิมพ์ความคิดเห็นของท่าน (10 ถึง 500 ตัวอักษร)"]
    done = await somchai.say("อยากให้มีจุดแจ้งเตือนค่าฝุ่นที่โรงเรียนทุกแห่ง")
    assert done[0].text == "ขอบคุณ ฝ่ายเลขานุการของจังหวัดได้รับความคิดเห็นของท่านแล้ว"
    [stored] = await all_feedback(services)
    agenda = await chiang_rai_agenda(services)
    assert (stored.kind, stored.agenda_id, stored.kpi_id, stored.person_id) == (
        "comment",
        agenda.id,
        None,
        somchai_person.id,
    )
    assert stored.text == "อยากให้มีจุดแจ้งเตือนค่าฝุ่นที่โรงเรียนทุกแห่ง"


async def test_proposing_a_target_for_an_existing_kpi_from_the_agenda_page(services: Services, somchai: Chat) -> None:
    actions = await comment_from_the_agenda_page(somchai)
    assert actions[0].text.startswith("เรื่อง: เชียงรายเมืองสีเขียว อากาศสะอาด")
    kpis = await somchai.press("เสนอค่าเป้าหมาย")
    expected = "ท่านต้องการเสนอค่าเป้าหมายใหม่ของตัวชี้วัดใด\n• วันฝุ่น PM2.5 เกิน: จำนวนวันที่ค่าฝุ่นละออง PM2.5 เกินค่ามาตรฐาน\n• "
    assert kpis[0].text.startswith(expected)
    assert labels(kpis[0])[0] == "วันฝุ่น PM2.5 เกิน"  # its designed short name; the text has the name whole
    wrong = await somchai.say("ค่าฝุ่น")
    assert wrong[0].text.startswith("กรุณากดปุ่มตัวชี้วัดด้านล่าง หรือพิมพ์หมายเลขของปุ่ม (1 คือปุ่มแรก)\n• ")
    ask = await press_listed(somchai, "จำนวนวันที่ค่าฝุ่นละออง PM2.5 เกินค่ามาตรฐาน")
    assert ask[0].text.startswith('ค่าเป้าหมายของ "จำนวนวันที่ค่าฝุ่นละออง PM2.5 เกินค่ามาตรฐาน" ขณะนี้คือ 50 วัน')
    await somchai.say("ควรลดเหลือ 30 วัน เพราะปีที่แล้วทำได้ 45 วันแล้ว")
    [stored] = await all_feedback(services)
    async with services.db.read() as session:
        kpi = await session.get(Kpi, stored.kpi_id)
    assert stored.kind == "target_proposal" and kpi is not None and kpi.name_th.startswith("จำนวนวันที่ค่าฝุ่น")


async def test_empty_too_short_and_too_long_texts_are_refused_and_nothing_is_stored(
    services: Services, somchai: Chat
) -> None:
    await comment_from_the_agenda_page(somchai)
    await somchai.press("เสนอตัวชี้วัด")
    for bad, message in (
        ("   ", "กรุณาพิมพ์เพิ่มอีกเล็กน้อย อย่างน้อย 10 ตัวอักษร"),
        ("ฝุ่น", "กรุณาพิมพ์เพิ่มอีกเล็กน้อย อย่างน้อย 10 ตัวอักษร"),
        ("ฝ" * 501, "ข้อความยาว 501 ตัวอักษร กรุณาพิมพ์ไม่เกิน 500 ตัวอักษร"),
    ):
        assert texts(await somchai.say(bad)) == [message]
    assert await all_feedback(services) == []
    done = await somchai.say("จำนวนโรงเรียนที่มีห้องปลอดฝุ่น")  # the step repeated: a good text is taken
    assert done[0].text.startswith("ขอบคุณ ฝ่ายเลขานุการของจังหวัดได้รับข้อเสนอของท่านแล้ว")
    assert [f.kind for f in await all_feedback(services)] == ["kpi_proposal"]


async def test_supporting_a_proposal_once_per_person(services: Services, somchai: Chat) -> None:
    agenda = await chiang_rai_agenda(services)
    malee = Chat(services, user="malee")
    await known_person(services, "malee")
    await comment_from_the_agenda_page(malee)
    await malee.press("เสนอตัวชี้วัด")
    await malee.say("จำนวนโรงเรียนที่มีห้องปลอดฝุ่น")

    actions = await comment_from_the_agenda_page(somchai)
    assert "สนับสนุนข้อเสนอ (1)" in labels(actions[0])
    listed = await somchai.press("สนับสนุนข้อเสนอ (1)")
    assert listed[0].text.endswith("1. [ตัวชี้วัดใหม่] จำนวนโรงเรียนที่มีห้องปลอดฝุ่น (0)")
    thanks = await somchai.press("สนับสนุนข้อ 1")
    assert thanks[0].text == "ขอบคุณที่ร่วมสนับสนุน ขณะนี้มีผู้สนับสนุนข้อเสนอนี้ 1 คน"

    await comment_from_the_agenda_page(somchai)
    again = await somchai.press("สนับสนุนข้อเสนอ (1)")
    assert again[0].text.endswith("(1)")
    twice = await somchai.press("สนับสนุนข้อ 1")
    assert twice[0].text.startswith("ท่านสนับสนุนข้อเสนอนี้แล้ว")
    [proposal] = await all_feedback(services)
    assert proposal.support_count == 1
    async with services.db.read() as session:
        assert await session.scalar(select(func.count()).select_from(FeedbackSupport)) == 1
        counts = await feedback_counts(session, proposal.province_id)
    assert counts[agenda.id].proposals == 1 and counts[agenda.id].supports == 1 and counts[agenda.id].comments == 0


async def test_general_feedback_for_a_province_without_an_agenda(services: Services, somchai: Chat) -> None:
    await somchai.say("เมนู")
    await somchai.press("บอกเราถึงรัฐ")
    replies = await somchai.say("น่าน")
    assert replies[0].text == "จังหวัดน่านยังไม่มีประเด็นนโยบายสำคัญที่ดำเนินการอยู่ ท่านยังเสนอความคิดเห็นเรื่องทั่วไปของจังหวัดได้"
    assert labels(replies[0]) == ["เรื่องทั่วไป"]
    actions = await somchai.say("เรื่องทั่วไป")
    assert labels(actions[0]) == ["แสดงความคิดเห็น", "เสนอตัวชี้วัด"]  # no KPI to set a target for
    await somchai.press("แสดงความคิดเห็น")
    await somchai.say("อยากให้มีรถโดยสารประจำทางไปอำเภอปัว")
    [stored] = await all_feedback(services)
    async with services.db.read() as session:
        nan = await session.scalar(select(Province).where(Province.name_th == "น่าน"))
        assert nan is not None
        counts = await feedback_counts(session, nan.id)
    assert stored.agenda_id is None and counts[None].comments == 1


async def test_simultaneous_supports_are_all_counted_once(any_database_url: str) -> None:
    db = Database(any_database_url)
    try:
        async with db.write() as session:
            people = [Person(channel="simulator", platform_user_id=f"p{n}", chat_id=f"p{n}") for n in range(4)]
            session.add_all(people)
            province_id = await session.scalar(select(Province.id).where(Province.code == "CRI"))
            assert province_id is not None
            proposal = Feedback(province_id=province_id, kind="kpi_proposal", text="ห้องปลอดฝุ่น", support_count=0)
            session.add(proposal)

        async def support(person: Person) -> bool:
            async with db.write() as session:
                return await add_support(session, proposal.id, person)

        results = await asyncio.gather(*(support(p) for p in [*people, people[0], people[0]]))
        assert sorted(results) == [False, False, True, True, True, True]
        async with db.read() as session:
            count = await session.scalar(select(Feedback.support_count).where(Feedback.id == proposal.id))
        assert count == 4
    finally:
        await db.close()
