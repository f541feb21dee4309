"""Officers join with invite codes: good, used, expired and wrong codes, the slow-down, and who may invite."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select, update

from bot.domain.invites import ALPHABET, CODE_LENGTH, RedeemStatus, create_invite, redeem
from bot.services import Services
from storage.models import FailedAttempt, Invite, PartnerSector, Person
from tests.officer.helpers import (
    agency_id,
    invite_row,
    joined,
    labels_of,
    make_person,
    mark_notice_seen,
    now,
    person,
    province_id,
)
from tests.support.chat import Chat

WELCOME = "ยินดีต้อนรับ ท่านลงทะเบียนเป็นเจ้าหน้าที่ของ เชียงราย"
NOT_VALID = "รหัสเชิญไม่ถูกต้อง กรุณาตรวจสอบแล้วลองอีกครั้ง"
USED = "รหัสเชิญนี้ถูกใช้ไปแล้ว กรุณาขอรหัสใหม่จากฝ่ายเลขานุการ"
EXPIRED = "รหัสเชิญนี้หมดอายุแล้ว กรุณาขอรหัสใหม่จากฝ่ายเลขานุการ"
REPORT, CASES, MY_KPIS = "รายงานความก้าวหน้า", "เรื่องที่ต้องจัดการ", "ตัวชี้วัดของประเด็นฯ"
INVITE = "เชิญเจ้าหน้าที่"  # the staff's main-menu buttons; inviting is the secretariat's
FORBIDDEN = "ขออภัย รายการนี้อยู่นอกบทบาทหรือพื้นที่ความรับผิดชอบของท่าน จึงไม่มีการเปลี่ยนแปลงใด ๆ"


async def new_invite(
    services: Services,
    *,
    role: str = "officer",
    expires_in: timedelta = timedelta(days=7),
    agency: str | None = "natural_resources",
) -> str:
    pid = await province_id(services.db)
    aid = await agency_id(services.db, agency) if agency else None
    async with services.db.write() as session:
        invite = await create_invite(session, role=role, province_id=pid, agency_id=aid, expires_at=now() + expires_in)
        return invite.code


async def newcomer(services: Services, user: str) -> Chat:
    await make_person(services.db, user)
    return Chat(services, user=user)


async def test_officer_joins_with_a_good_code_typed_in_lower_case(services: Services) -> None:
    code = await new_invite(services)
    somsak = await newcomer(services, "somsak")
    replies = await somsak.say(f"ลงทะเบียน {code.lower()}")
    assert replies[0].text.startswith(WELCOME)
    assert "สำนักงานทรัพยากรธรรมชาติและสิ่งแวดล้อมจังหวัดเชียงราย" in replies[0].text
    assert replies[1].text.startswith("ท่านอยู่ในภาคีเครือข่ายใด")  # declared once, here or under "My data"
    replies = await somsak.press("ข้าม")
    assert replies[0].text == "ท่านระบุภาคีเครือข่ายภายหลังได้ที่เมนู “ข้อมูลของฉัน”"
    menu = labels_of(replies)
    assert {REPORT, CASES, MY_KPIS} <= set(menu) and INVITE not in menu
    officer = await person(services.db, "somsak")
    assert officer.role == "officer"
    assert officer.province_id == await province_id(services.db)
    assert officer.agency_id == await agency_id(services.db, "natural_resources")
    invite = await invite_row(services.db, code)
    assert invite.used_by_id == officer.id and invite.used_at is not None


async def test_register_command_then_code_and_telegram_start_link(services: Services) -> None:
    first, second = await new_invite(services), await new_invite(services)
    malee = await newcomer(services, "malee")
    assert (await malee.say("/register"))[0].text == "กรุณาพิมพ์รหัสเชิญที่ได้รับจากฝ่ายเลขานุการ"
    assert (await malee.say(first))[0].text.startswith(WELCOME)
    # A Telegram deep link t.me/<bot>?start=register-CODE arrives as this text.
    udom = await newcomer(services, "udom")
    assert (await udom.say(f"/start register-{second}"))[0].text.startswith(WELCOME)
    assert (await person(services.db, "udom")).role == "officer"


async def test_a_used_code_is_refused_and_changes_nothing(services: Services) -> None:
    code = await new_invite(services)
    await (await newcomer(services, "first")).say(f"ลงทะเบียน {code}")
    late = await newcomer(services, "late")
    replies = await late.say(f"ลงทะเบียน {code}")
    assert replies[0].text == USED
    assert (await person(services.db, "late")).role == "citizen"
    assert (await invite_row(services.db, code)).used_by_id == (await person(services.db, "first")).id


async def test_an_expired_code_is_refused(services: Services) -> None:
    code = await new_invite(services, expires_in=timedelta(seconds=-1))
    replies = await (await newcomer(services, "slow")).say(f"ลงทะเบียน {code}")
    assert replies[0].text == EXPIRED
    assert (await person(services.db, "slow")).role == "citizen"
    assert (await invite_row(services.db, code)).used_at is None


async def test_a_wrong_code_is_refused_and_counted(services: Services) -> None:
    guesser = await newcomer(services, "guesser")
    for typed in ("ABCD2345", "not a code at all"):
        assert (await guesser.say(f"ลงทะเบียน {typed}"))[0].text == NOT_VALID
    assert (await person(services.db, "guesser")).role == "citizen"
    async with services.db.read() as session:
        assert await session.scalar(select(func.count()).select_from(FailedAttempt)) == 2


async def test_repeated_wrong_codes_are_slowed_down(services: Services) -> None:
    code = await new_invite(services)
    guesser = await newcomer(services, "guesser")
    for attempt in range(5):
        assert (await guesser.say(f"ลงทะเบียน WRNG{attempt}ABC"))[0].text == NOT_VALID
    # Even the right code is refused for now, with the time to try again.
    replies = await guesser.say(f"ลงทะเบียน {code}")
    assert replies[0].text.startswith("กรอกรหัสผิดหลายครั้งเกินไป เพื่อความปลอดภัย กรุณาลองใหม่หลังเวลา ")
    assert replies[0].text.endswith(" น.")
    assert (await invite_row(services.db, code)).used_at is None
    assert (await person(services.db, "guesser")).role == "citizen"
    # Fifteen minutes later the attempts have aged out of the window and the code works.
    async with services.db.write() as session:
        await session.execute(update(FailedAttempt).values(created_at=now() - timedelta(minutes=16)))
    assert (await guesser.say(f"ลงทะเบียน {code}"))[0].text.startswith(WELCOME)


async def test_codes_are_long_and_unambiguous(services: Services) -> None:
    codes = {await new_invite(services) for _ in range(20)}
    assert len(codes) == 20
    assert all(len(c) == CODE_LENGTH and set(c) <= set(ALPHABET) for c in codes)
    assert not set("01OIL") & set(ALPHABET)


async def test_two_people_racing_for_one_code_only_one_joins(services_any: Services) -> None:
    """On SQLite and PostgreSQL: the code is claimed by one conditional update, so it is used once."""
    db = services_any.db
    code = await new_invite(services_any)
    ids = [await make_person(db, f"racer-{n}") for n in range(4)]

    async def attempt(person_id: int) -> RedeemStatus:
        async with db.write() as session:
            racer = await session.get(Person, person_id)
            assert racer is not None
            return (await redeem(session, racer, code, now())).status

    results = await asyncio.gather(*(attempt(i) for i in ids))
    assert sorted(results) == sorted([RedeemStatus.JOINED] + [RedeemStatus.USED] * 3)
    async with db.read() as session:
        officers = await session.scalar(
            select(func.count()).select_from(Person).where(Person.role == "officer", Person.id.in_(ids))
        )
        assert officers == 1
        assert (await session.scalar(select(Invite.used_by_id).where(Invite.code == code))) in ids


async def test_secretariat_invites_an_officer_from_chat(services: Services) -> None:
    await mark_notice_seen(services.db, "secretariat-1")
    wipa = Chat(services, user="secretariat-1")
    menu = labels_of(await wipa.say("เมนู"))
    assert INVITE in menu
    assert (await wipa.press(INVITE))[-1].text == "ต้องการเชิญใคร"
    assert "พิมพ์ชื่ออำเภอ" in (await wipa.press("เจ้าหน้าที่"))[-1].text
    replies = await wipa.say("อำเภอเมืองเชียงราย")
    health = await agency_id(services.db, "public_health")
    assert "สสจ.เชียงราย" in labels_of(replies)  # the abbreviation; the full name is in the text
    assert "• สสจ.เชียงราย: สำนักงานสาธารณสุขจังหวัดเชียงราย" in replies[-1].text
    assert (await wipa.press("สสจ.เชียงราย"))[-1].text == "ต้องการให้รหัสนี้ใช้ได้นานเท่าใด"
    replies = await wipa.press("7 วัน")
    text = replies[0].text
    assert text.startswith("รหัสเชิญ: ")
    code = text.split("\n")[0].removeprefix("รหัสเชิญ: ")
    invite = await invite_row(services.db, code)
    assert invite.role == "officer" and invite.agency_id == health and invite.district_id is not None
    assert invite.created_by_id == (await person(services.db, "secretariat-1")).id
    assert (await (await newcomer(services, "nurse")).say(f"ลงทะเบียน {code}"))[0].text.startswith(WELCOME)
    nurse = await person(services.db, "nurse")
    assert (nurse.agency_id, nurse.district_id) == (health, invite.district_id)


async def test_an_officer_cannot_use_the_invite_flow(services: Services) -> None:
    await mark_notice_seen(services.db, "officer-1")
    somsri = Chat(services, user="officer-1")
    assert INVITE not in labels_of(await somsri.say("เมนู"))
    assert (await somsri.press_code("m:invite"))[0].text == FORBIDDEN  # forged: not in an officer's menu
    citizen = await newcomer(services, "citizen-x")
    assert (await citizen.press_code("m:invite"))[0].text == FORBIDDEN
    async with services.db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Invite)) == 0
    assert "รหัสเชิญ" not in joined(somsri.new_replies())


async def test_national_secretariat_invites_a_provincial_secretariat(services: Services) -> None:
    await make_person(services.db, "opdc", role="secretariat")  # national: no province
    opdc = Chat(services, user="opdc")
    await opdc.say("เมนู")
    await opdc.press(INVITE)
    assert (await opdc.press("ฝ่ายเลขานุการ"))[-1].text == "จังหวัดใด พิมพ์ชื่อจังหวัด เช่น เชียงราย"
    assert (await opdc.say("แอตแลนติส"))[0].text.startswith("ไม่พบจังหวัดนี้")
    assert (await opdc.say("จังหวัดบุรีรัมย์"))[-1].text == "ต้องการให้รหัสนี้ใช้ได้นานเท่าใด"
    text = (await opdc.press("1 วัน"))[0].text
    code = text.split("\n")[0].removeprefix("รหัสเชิญ: ")
    assert "จังหวัด: บุรีรัมย์" in text
    replies = await (await newcomer(services, "buriram-staff")).say(f"ลงทะเบียน {code}")
    assert replies[0].text.startswith("ยินดีต้อนรับ ท่านลงทะเบียนเป็นฝ่ายเลขานุการของ บุรีรัมย์")
    assert INVITE in labels_of(replies)
    staff = await person(services.db, "buriram-staff")
    assert staff.role == "secretariat" and staff.province_id == await province_id(services.db, "บุรีรัมย์")


async def test_an_officer_declares_their_sector_at_registration_once(services: Services) -> None:
    code = await new_invite(services)
    nid = await newcomer(services, "nid")
    await nid.say(f"ลงทะเบียน {code}")
    replies = await nid.say("ราชการ")  # typed, not a button
    assert replies[0].text == "กรุณากดปุ่มด้านล่างข้อใดข้อหนึ่ง หรือพิมพ์หมายเลขของปุ่ม (1 คือปุ่มแรก)"
    assert (await person(services.db, "nid")).sector_id is None
    question = replies[-1]
    replies = await nid.press("ภาคราชการ")
    assert replies[0].text == "บันทึกแล้ว: ภาคราชการ"
    sector = (await person(services.db, "nid")).sector_id
    assert sector is not None
    await nid.press("ภาคเอกชน", on=question)  # the old question again: the sector is declared once
    assert (await person(services.db, "nid")).sector_id == sector


async def test_an_invite_can_set_the_sector(services: Services) -> None:
    pid = await province_id(services.db)
    async with services.db.write() as session:
        media = await session.scalar(select(PartnerSector.id).where(PartnerSector.code == "media"))
        invite = await create_invite(
            session, role="officer", province_id=pid, expires_at=now() + timedelta(days=1), sector_id=media
        )
        code = invite.code
    replies = await (await newcomer(services, "reporter")).say(f"ลงทะเบียน {code}")
    assert replies[0].text.startswith(WELCOME) and "ภาคีเครือข่ายใด" not in "".join(r.text for r in replies)
    assert (await person(services.db, "reporter")).sector_id == media
