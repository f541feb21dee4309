"""Issue 15: local roads and waste are the local government's work. Where the secretariat has recorded which
เทศบาล or อบต. serves a subdistrict (`hpp-bot agency add-local`), a road or waste complaint there goes to it; other
subjects do not; re-routing a complaint offers it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.domain.local_government import add_local_government
from bot.services import Services
from storage.db import Database
from storage.models import Agency, Complaint, District, Subdistrict
from tests.complaints.support import CHIANG_RAI_CITY_HALL, accept_pdpa, all_text, file_by_location
from tests.officer.helpers import labels_of, make_person
from tests.officer.test_cases import open_case
from tests.support.chat import Chat
from tests.support.cli import hpp_bot

MUNICIPALITY = "เทศบาลนครเชียงราย"
SHORT = "ทน.เชียงราย"


async def record_city_municipality(db: Database) -> int:
    """Chiang Rai's city municipality serves ต.เวียง, where the city hall is."""
    async with db.write() as session:
        wiang = await session.scalar(
            select(Subdistrict)
            .join(District, District.id == Subdistrict.district_id)
            .where(District.name_th == "เมืองเชียงราย", Subdistrict.name_th == "เวียง")
        )
        assert wiang is not None
        district = await session.get(District, wiang.district_id)
        assert district is not None
        agency = await add_local_government(
            session,
            province_id=district.province_id,
            name_th=MUNICIPALITY,
            name_en="Chiang Rai City Municipality",
            short_th=SHORT,
            subdistricts=[wiang],
        )
        return agency.id


async def agency_of_only(services: Services, ticket_no: str) -> Agency:
    async with services.db.read() as session:
        complaint = await session.scalar(select(Complaint).where(Complaint.ticket_no == ticket_no))
        assert complaint is not None and complaint.agency_id is not None
        agency = await session.get(Agency, complaint.agency_id)
    assert agency is not None
    return agency


async def test_a_road_complaint_goes_to_the_subdistricts_municipality_and_a_flood_does_not(
    services: Services, chat: Chat
) -> None:
    await record_city_municipality(services.db)
    await accept_pdpa(chat)
    road = await file_by_location(chat, CHIANG_RAI_CITY_HALL)
    assert f"หน่วยงานที่รับผิดชอบ: {MUNICIPALITY}" in all_text(road)
    flood = await file_by_location(
        chat, CHIANG_RAI_CITY_HALL, subject="น้ำท่วม/ระบายน้ำ", description="น้ำท่วมขังหน้าศาลากลางสูงครึ่งเมตร"
    )
    assert MUNICIPALITY not in all_text(flood)  # flooding is disaster prevention's work


async def test_re_routing_offers_the_local_government(services: Services, chat: Chat) -> None:
    await accept_pdpa(chat)
    filed = await file_by_location(chat, CHIANG_RAI_CITY_HALL)  # before the municipality is recorded
    ticket = next(word for word in all_text(filed).split() if word.startswith("CRI-"))
    routed = await agency_of_only(services, ticket)
    assert routed.name_th != MUNICIPALITY
    await make_person(services.db, "roads-officer", role="officer", province="เชียงราย", agency=routed.id)
    await record_city_municipality(services.db)
    officer = Chat(services, user="roads-officer")
    await open_case(officer, ticket)
    offered = await officer.press("ส่งต่อหน่วยงานอื่น")
    assert labels_of(offered)[0] == SHORT and f"• {SHORT}: {MUNICIPALITY}" in offered[-1].text
    await officer.press(SHORT)
    assert (await agency_of_only(services, ticket)).name_th == MUNICIPALITY


def test_the_secretariat_records_a_local_government_and_a_subdistrict_served_twice_is_refused(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ("agency", "add-local", "--province", "เชียงราย", "--district", "เมืองเชียงราย")
    assert hpp_bot(sqlite_url, *argv, "--subdistrict", "บ้านดู่", "--name-th", "เทศบาลตำบลบ้านดู่") == 0
    assert "เทศบาลตำบลบ้านดู่ serves ต.บ้านดู่" in capsys.readouterr().out
    assert hpp_bot(sqlite_url, *argv, "--subdistrict", "บ้านดู่", "--name-th", "อบต.บ้านดู่") == 2
    assert "ต.บ้านดู่ is served by เทศบาลตำบลบ้านดู่ already" in capsys.readouterr().err
    assert hpp_bot(sqlite_url, *argv, "--subdistrict", "ไม่มีตำบลนี้", "--name-th", "อบต.ทดสอบ") == 2
    assert "no subdistrict 'ไม่มีตำบลนี้'" in capsys.readouterr().err
