"""Issue 12 item 8: a working-group member joins by invite, sees the agendas and KPI progress of the provinces their
group advises (from the data: the agendas it follows), and leaves advice on a KPI; the province's secretariat is told
through the outbox and sees the advice on the KPI card."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.core.types import replies_from_json
from bot.domain.working_groups import AdviceProblem, AdviceRefused, advised_provinces, give_advice, group_named
from bot.services import Services
from storage.models import Agenda, Invite, Kpi, KpiAdvice, OutboxMessage, Person, Province
from tests.secretariat.test_steps import staff_chat
from tests.support.chat import Chat, labels, texts

INVITE, ADVISED, MY_KPIS = "เชิญเจ้าหน้าที่", "จังหวัดในความดูแล", "ตัวชี้วัดของประเด็นฯ"
MEMBER, ENVIRONMENT = "สมาชิกคณะทำงาน", "คณะทำงานด้านทรัพยาก…"
PM25 = "จำนวนวันที่ค่าฝุ่นละออง PM2.5 เกินค่ามาตรฐาน"
ADVICE = "ควรเทียบจำนวนวันกับปีก่อนในช่วงเดียวกัน และแยกรายอำเภอ"


async def advice_count(services: Services) -> int:
    async with services.db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(KpiAdvice)) or 0)


async def invited_member(services: Services, national: Chat, user: str) -> Chat:
    """The national secretariat invites a member of the environment working group in chat; they join."""
    await national.say("เมนู")
    roles = (await national.press(INVITE))[-1]
    assert labels(roles) == ["เจ้าหน้าที่", "ฝ่ายเลขานุการ", MEMBER]
    groups = (await national.press(MEMBER))[-1]
    assert labels(groups) == ["คณะทำงานด้านเศรษฐกิจ", "คณะทำงานด้านสังคม…", ENVIRONMENT]
    assert "คณะทำงานด้านทรัพยากรธรรมชาติและสิ่งแวดล้อม" in groups.text
    await national.press(ENVIRONMENT)
    code_text = texts(await national.press("7 วัน"))[0]
    assert "คณะทำงาน: คณะทำงานด้านทรัพยากรธรรมชาติและสิ่งแวดล้อม" in code_text
    code = re.search(r"รหัสเชิญ: (\w+)", code_text)
    assert code is not None
    member = Chat(services, user=user)
    async with services.db.write() as session:
        seen = datetime.now(UTC)  # has read the PDPA notice
        session.add(Person(channel="simulator", platform_user_id=user, chat_id=user, locale="th", pdpa_notice_at=seen))
    joined = await member.say(f"ลงทะเบียน {code.group(1)}")
    assert joined[0].text.startswith("ยินดีต้อนรับ ท่านลงทะเบียนเป็นสมาชิกคณะทำงานด้านทรัพยากรธรรมชาติและสิ่งแวดล้อมแล้ว")
    return member


async def test_a_working_group_member_advises_a_kpi_and_the_provinces_secretariat_is_told(services: Services) -> None:
    national = await staff_chat(services, "secretariat", None, "opdc-1")
    chiang_rai = await staff_chat(services, "secretariat", "เชียงราย", "sec-cri")
    phetchaburi = await staff_chat(services, "secretariat", "เพชรบุรี", "sec-pbi")
    member = await invited_member(services, national, "wg-env-1")

    menu = (await member.say("เมนู"))[-1]
    assert ADVISED in labels(menu) and "รายงานความก้าวหน้า" not in labels(menu)
    provinces = (await member.press(ADVISED))[-1]
    assert labels(provinces) == ["เชียงราย", "เพชรบุรี"]  # the provinces of the agendas the group follows
    shown = await member.press("เชียงราย")
    assert shown[0].text == "เชียงราย: เชียงรายเมืองสีเขียว อากาศสะอาด"
    cards = [reply.card for reply in shown if reply.card is not None]
    assert cards[0].title == PM25 and len(cards) == 3
    asked = await member.press("จำนวนวันที่ค่าฝุ่นล…")
    assert texts(asked)[0] == f"กรุณาพิมพ์คำแนะนำต่อ “{PM25}” ในข้อความเดียว"
    assert texts(await member.say("ก" * 801))[0] == "ข้อความยาวเกินไป กรุณาพิมพ์ไม่เกิน 800 ตัวอักษร"
    assert texts(await member.send_photo(0))[0] == "กรุณาพิมพ์คำแนะนำเป็นข้อความ"
    assert await advice_count(services) == 0
    done = texts(await member.say(ADVICE))[0]
    assert done == "ส่งคำแนะนำถึงฝ่ายเลขานุการจังหวัดเชียงรายแล้ว และแสดงบนบัตรตัวชี้วัดด้วย"
    assert await advice_count(services) == 1

    told = chiang_rai.new_replies()
    assert told[0].text == f"คำแนะนำจากคณะทำงานด้านทรัพยากรธรรมชาติและสิ่งแวดล้อม ต่อตัวชี้วัด “{PM25}”:\n{ADVICE}"
    assert labels(told[0]) == ["ดูตัวชี้วัด"]
    assert phetchaburi.new_replies() == []  # only the province of the KPI
    async with services.db.read() as session:
        rows = (
            await session.scalars(select(OutboxMessage).where(OutboxMessage.idempotency_key.like("n:advice:%")))
        ).all()
    assert len(rows) == 2  # the seeded demo secretariat of Chiang Rai is told too
    assert all(ADVICE in replies_from_json(row.payload)[0].text for row in rows)

    replies = await chiang_rai.press("ดูตัวชี้วัด")
    pm25 = next(reply.card for reply in replies if reply.card is not None and reply.card.title == PM25)
    advice = [field for field in pm25.fields if field.label.startswith("คำแนะนำ")]
    assert len(advice) == 1 and advice[0].value == f"คณะทำงานด้านทรัพยากรธรรมชาติและสิ่งแวดล้อม: {ADVICE}"


async def test_a_member_cannot_advise_a_kpi_their_group_does_not_follow(services: Services) -> None:
    national = await staff_chat(services, "secretariat", None, "opdc-1")
    member = await invited_member(services, national, "wg-env-2")
    async with services.db.read() as session:
        ubon = await session.scalar(
            select(Kpi.id)
            .join(Agenda, Agenda.id == Kpi.agenda_id)
            .join(Province, Province.id == Agenda.province_id)
            .where(Province.name_th == "อุบลราชธานี")
            .limit(1)
        )
    await member.say("เมนู")
    await member.press(ADVISED)
    assert (
        texts(await member.say("กรุงเทพมหานคร"))[0] == "กรุณากดปุ่มด้านล่างข้อใดข้อหนึ่ง หรือพิมพ์หมายเลขของปุ่ม (1 คือปุ่มแรก)"
    )  # not a province it advises
    assert texts(await member.press_code("wg:p:1"))[0] == "เมนูนี้หมดอายุแล้ว"  # a forged button
    await member.press("เชียงราย")
    assert texts(await member.say("ฝุ่น"))[0] == "กรุณาเลือกตัวชี้วัดจากปุ่ม"
    assert texts(await member.press_code(f"wg:k:{ubon}"))[0] == "เมนูนี้หมดอายุแล้ว"  # the economy group's KPI
    assert await advice_count(services) == 0


async def test_only_the_national_secretariat_invites_working_group_members(services: Services) -> None:
    provincial = await staff_chat(services, "secretariat", "เชียงราย", "sec-cri")
    await provincial.say("เมนู")
    roles = (await provincial.press(INVITE))[-1]
    assert MEMBER not in labels(roles)
    again = (await provincial.press_code("r:working_group"))[-1]
    assert labels(again) == ["เจ้าหน้าที่", "ฝ่ายเลขานุการ"]
    async with services.db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Invite)) == 0


async def test_a_citizen_is_refused_the_working_group_flow(services: Services) -> None:
    citizen = await staff_chat(services, "citizen", None, "citizen-x")
    assert texts(await citizen.press_code("m:advise"))[0] == "บริการนี้ยังไม่เปิดให้บัญชีของท่านใช้งาน"
    assert await advice_count(services) == 0


async def test_a_groups_provinces_come_from_the_agendas_it_follows(services: Services) -> None:
    """The rule the web desk reuses: the economy group advises the border-economy and informal-debt agendas, and
    a refusal stores nothing."""
    async with services.db.write() as session:
        economy = await group_named(session, "economy")
        assert economy is not None
        member = Person(channel="simulator", platform_user_id="wg-eco", chat_id="wg-eco", role="working_group")
        member.working_group_id = economy.id
        session.add(member)
        await session.flush()
        names = [province.name_th for province in await advised_provinces(session, member)]
        pm25 = await session.scalar(select(Kpi).where(Kpi.name_th == PM25))
        assert pm25 is not None
        with pytest.raises(AdviceRefused) as refused:
            await give_advice(session, member, pm25, ADVICE)
        assert refused.value.problem is AdviceProblem.NOT_ADVISED
    assert names == ["บุรีรัมย์", "อุบลราชธานี"]
    assert await advice_count(services) == 0
