"""A citizen's province (the one they last filed in, or chose), their partner sector (declared once) and the
separate "province news" consent, under "My data"; and who a broadcast by sector or to a province reaches."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.domain.broadcasts import Target, count_audience, create_broadcast
from bot.domain.consents import PROVINCE_NEWS, record_consent
from bot.services import Services
from storage.db import Database
from storage.models import BroadcastRecipient, Consent, PartnerSector, Person, Province
from tests.complaints.support import accept_pdpa, file_by_location
from tests.officer.helpers import make_person
from tests.support.chat import Chat

MY_DATA = "ข้อมูลของฉัน"


async def person(db: Database, user: str) -> Person:
    async with db.read() as session:
        found = await session.scalar(select(Person).where(Person.platform_user_id == user))
    assert found is not None
    return found


async def province(db: Database, code: str) -> int:
    async with db.read() as session:
        found = await session.scalar(select(Province.id).where(Province.code == code))
    assert found is not None
    return found


async def sector(db: Database, code: str) -> int:
    async with db.read() as session:
        found = await session.scalar(select(PartnerSector.id).where(PartnerSector.code == code))
    assert found is not None
    return found


async def recipients(db: Database, broadcast_id: int) -> set[str]:
    """Who a broadcast was made for."""
    async with db.read() as session:
        query = (
            select(Person.platform_user_id)
            .join(BroadcastRecipient, BroadcastRecipient.person_id == Person.id)
            .where(BroadcastRecipient.broadcast_id == broadcast_id)
        )
        return set((await session.scalars(query)).all())


async def news_consents(db: Database, user: str) -> list[bool]:
    who = await person(db, user)
    async with db.read() as session:
        rows = await session.scalars(
            select(Consent.granted).where(Consent.person_id == who.id, Consent.purpose == PROVINCE_NEWS)
        )
        return list(rows)


async def test_province_sector_and_news_under_my_data(services: Services) -> None:
    db = services.db
    nok = Chat(services, user="nok")
    await accept_pdpa(nok)
    await file_by_location(nok)
    assert (await person(db, "nok")).province_id == await province(db, "CRI")  # where they last filed

    replies = await nok.say(MY_DATA)
    assert "• จังหวัด: เชียงราย" in replies[0].text
    await nok.press("เปลี่ยนจังหวัดของฉัน")
    replies = await nok.say("แอตแลนติส")
    assert replies[0].text == 'ไม่พบจังหวัดที่ตรงกับ "แอตแลนติส" กรุณาตรวจสอบชื่ออีกครั้ง'
    assert (await person(db, "nok")).province_id == await province(db, "CRI")
    replies = await nok.say("ขอนแก่น")
    assert replies[0].text == "จังหวัดของท่านคือขอนแก่นแล้ว"
    assert (await person(db, "nok")).province_id == await province(db, "KKN")

    await nok.say(MY_DATA)
    await nok.press("ระบุภาคีเครือข่าย")
    replies = await nok.say("เอกชน")
    assert (
        replies[0].text == "กรุณากดปุ่มด้านล่างข้อใดข้อหนึ่ง หรือพิมพ์หมายเลขของปุ่ม (1 คือปุ่มแรก)"
        and (await person(db, "nok")).sector_id is None
    )
    replies = await nok.press("ภาคเอกชน")
    assert replies[0].text == "บันทึกแล้ว: ภาคเอกชน"
    replies = await nok.say(MY_DATA)
    assert "• ภาคีเครือข่าย: ภาคเอกชน" in replies[0].text
    assert "ระบุภาคีเครือข่าย" not in [c.label for c in replies[0].choices]  # once only

    await nok.press("รับข่าวสารของจังหวัด")
    replies = await nok.say("ได้")
    assert (
        replies[0].text == "กรุณากดปุ่มด้านล่างข้อใดข้อหนึ่ง หรือพิมพ์หมายเลขของปุ่ม (1 คือปุ่มแรก)"
        and await news_consents(db, "nok") == []
    )
    replies = await nok.press("ยินยอม")
    assert replies[0].text == "ขอบคุณ ท่านจะได้รับข่าวสารของจังหวัดทางแชตนี้"
    assert await news_consents(db, "nok") == [True]
    await nok.say(MY_DATA)
    await nok.press("ถอนความยินยอม")
    replies = await nok.press("รับข่าวสารของจังหวัด")
    assert replies[0].text.startswith('ถอนความยินยอม "รับข่าวสารของจังหวัด" แล้ว เมื่อ ')
    assert await news_consents(db, "nok") == [True, False]


async def test_a_province_broadcast_reaches_its_consenting_citizens_and_staff(services: Services) -> None:
    db = services.db
    now = datetime.now(UTC)
    for user, code, consents in (("cr-yes", "CRI", True), ("cr-no", "CRI", False), ("kk-yes", "KKN", True)):
        await make_person(db, user)
        async with db.write() as session:
            found = await session.scalar(select(Person).where(Person.platform_user_id == user))
            assert found is not None
            found.province_id = await province(db, code)
            if consents:
                await record_consent(session, found, PROVINCE_NEWS, True, now)
    async with db.write() as session:  # a withdrawal counts: the latest answer decides
        withdrawn = await session.scalar(select(Person).where(Person.platform_user_id == "cr-no"))
        assert withdrawn is not None
        await record_consent(session, withdrawn, PROVINCE_NEWS, True, now)
        await record_consent(session, withdrawn, PROVINCE_NEWS, False, now)

    target = Target(province_id=await province(db, "CRI"))
    async with db.write() as session:
        broadcast = await create_broadcast(session, text="ประกาศจังหวัดเชียงราย", target=target)
        audience = await count_audience(session, target)
    reached = await recipients(db, broadcast.id)
    assert {"cr-yes", "officer-1", "secretariat-1"} <= reached
    assert not {"cr-no", "kk-yes", "citizen-1"} & reached
    assert audience.total == broadcast.total == len(reached)


async def test_a_broadcast_by_sector_reaches_that_sector_only(services: Services) -> None:
    db = services.db
    private, media = await sector(db, "private"), await sector(db, "media")
    for user, sector_id in (("biz-1", private), ("biz-2", private), ("press-1", media), ("nobody", None)):
        await make_person(db, user)
        async with db.write() as session:
            found = await session.scalar(select(Person).where(Person.platform_user_id == user))
            assert found is not None
            found.sector_id = sector_id
    async with db.write() as session:
        broadcast = await create_broadcast(session, text="เชิญภาคเอกชนร่วมประชุม", target=Target(sector_id=private))
    reached = await recipients(db, broadcast.id)
    assert reached == {"biz-1", "biz-2"}
