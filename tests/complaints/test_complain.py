"""Filing a complaint, told as the citizen lives it: place, subject, description, photos, contact, sector,
summary, ticket. Each bad answer gets a Thai message, the question comes again, and nothing is stored."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.core.i18n import BANGKOK, format_date
from bot.core.media import store_media
from bot.core.types import Ask, InboundKind, Reply
from bot.services import Services
from storage.models import (
    Agency,
    Complaint,
    ComplaintEvent,
    ComplaintPhoto,
    Conversation,
    District,
    Media,
    PartnerSector,
    Province,
    Subdistrict,
)
from tests.complaints.support import (
    CHIANG_RAI_CITY_HALL,
    KHON_KAEN_CITY_HALL,
    TOKYO,
    UBON_CITY_HALL,
    VIENTIANE,
    accept_pdpa,
    all_text,
    complaint_count,
    file_by_location,
    last,
)
from tests.conftest import make_settings
from tests.support.chat import Chat, RecordingChannel, labels

TICKET = re.compile(r"\b([A-Z]{3})-(\d{2})-(\d{5})\b")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def _only_complaint(chat: Chat) -> Complaint:
    async with chat.services.db.read() as session:
        rows = (await session.scalars(select(Complaint))).all()
    assert len(rows) == 1
    return rows[0]


async def _names(chat: Chat, complaint: Complaint) -> tuple[str, str | None, str | None]:
    async with chat.services.db.read() as session:
        province = await session.get(Province, complaint.province_id)
        district = await session.get(District, complaint.district_id) if complaint.district_id else None
        sub = await session.get(Subdistrict, complaint.subdistrict_id) if complaint.subdistrict_id else None
    assert province is not None
    return province.name_th, district.name_th if district else None, sub.name_th if sub else None


async def _at_place_question(chat: Chat) -> None:
    await accept_pdpa(chat)
    replies = await chat.say("แจ้งเรื่อง")
    assert last(replies).ask is Ask.LOCATION


async def _flow_state(chat: Chat) -> tuple[str | None, str | None, dict[str, object]]:
    async with chat.services.db.read() as session:
        conv = await session.scalar(select(Conversation).where(Conversation.user_id == chat.user))
    assert conv is not None
    return conv.flow, conv.step, dict(conv.data.get("flow", {}).get("draft", {}))


@pytest.mark.parametrize(
    ("point", "province", "district", "code"),
    [
        (CHIANG_RAI_CITY_HALL, "เชียงราย", "เมืองเชียงราย", "CRI"),
        (KHON_KAEN_CITY_HALL, "ขอนแก่น", "เมืองขอนแก่น", "KKN"),
        (UBON_CITY_HALL, "อุบลราชธานี", "เมืองอุบลราชธานี", "UBN"),
    ],
)
async def test_a_shared_location_at_a_city_hall_finds_the_province_and_district(
    chat: Chat, point: tuple[float, float], province: str, district: str, code: str
) -> None:
    await accept_pdpa(chat)
    await chat.say("แจ้งเรื่อง")
    replies = await chat.share_location(*point)
    assert f"อ.{district} จ.{province}" in replies[0].text
    assert "ถนน/ทางเท้า" in labels(last(replies))  # the subject comes next

    await chat.press("ถนน/ทางเท้า")
    await chat.say("ถนนหน้าศาลากลางเป็นหลุมลึก รถจักรยานยนต์ล้มบ่อยมาก")
    await chat.press("ข้าม")  # no photos
    await chat.press("ทางแชตเท่านั้น")
    await chat.press("ข้าม")  # no sector
    await chat.press("ไม่แสดง")  # not on the public page
    replies = await chat.press("ยืนยันและส่งเรื่อง")

    complaint = await _only_complaint(chat)
    names = await _names(chat, complaint)
    assert names[:2] == (province, district) and names[2] is not None
    province_code = TICKET.search(replies[0].text)
    assert province_code is not None and province_code.group(1) == code
    today = datetime.now(UTC).astimezone(BANGKOK).date()
    assert complaint.ticket_no == f"{code}-{(today.year + 543) % 100:02d}-00001"
    assert complaint.due_on == today + timedelta(days=15)
    assert format_date(complaint.due_on, "long", "th") in replies[0].text  # Buddhist-Era date
    assert str(today.year + 543) in replies[0].text
    async with chat.services.db.read() as session:
        agency = await session.get(Agency, complaint.agency_id)
        query = select(ComplaintEvent).where(ComplaintEvent.complaint_id == complaint.id)
        events = (await session.scalars(query)).all()
    assert agency is not None and agency.name_th in replies[0].text
    assert agency.name_th == f"ที่ว่าการอำเภอ{district}"  # roads go to the district office in pilot provinces
    assert [e.status for e in events] == ["received"]
    assert replies[1].card is not None and complaint.ticket_no in replies[1].card.title
    assert complaint.latitude == point[0] and complaint.contact_mode == "chat"


async def test_typed_province_then_district_from_the_list(chat: Chat) -> None:
    await _at_place_question(chat)
    replies = await chat.press("เลือกจากรายการ")
    assert "เชียงราย" in labels(last(replies))  # the CEO-pilot provinces are offered; typing works too
    replies = await chat.say("จ.เชียงราย")
    assert "เชียงราย" in last(replies).text
    assert "แม่สาย" in labels(last(replies)) and "ข้าม (ไม่แน่ใจ)" in labels(last(replies))
    replies = await chat.say("แม่สาย")
    assert "อ.แม่สาย จ.เชียงราย" in replies[0].text
    await chat.press("น้ำประปา")
    await chat.say("น้ำประปาไม่ไหลมาสามวันแล้ว ทั้งหมู่บ้าน")
    await chat.press("ข้าม")  # no photos
    await chat.press("ไม่ประสงค์ออกนาม")
    await chat.press("ภาคประชาชน")
    await chat.press("ยืนยันและส่งเรื่อง")
    complaint = await _only_complaint(chat)
    assert (await _names(chat, complaint))[:2] == ("เชียงราย", "แม่สาย")
    assert complaint.latitude is None and complaint.contact_mode == "anonymous" and complaint.contact_phone is None
    assert complaint.person_id is not None  # kept, so the citizen can still follow it
    async with chat.services.db.read() as session:
        sector = await session.get(PartnerSector, complaint.sector_id)
        agency = await session.get(Agency, complaint.agency_id)
    assert sector is not None and sector.code == "public"
    assert agency is not None and agency.code == "waterworks"  # province-level route


async def test_a_typed_district_name_with_its_prefix_is_found_directly(chat: Chat) -> None:
    await _at_place_question(chat)
    replies = await chat.say("อ.เมืองเชียงราย")
    assert "อ.เมืองเชียงราย จ.เชียงราย" in replies[0].text
    assert "ถนน/ทางเท้า" in labels(last(replies))
    _flow, step, draft = await _flow_state(chat)
    assert step == "subject" and draft["district_id"] is not None


async def test_a_province_name_that_matches_nothing_gets_the_closest_names(chat: Chat) -> None:
    await _at_place_question(chat)
    replies = await chat.say("เชียงรย")
    assert "ไม่พบจังหวัด อำเภอ หรือเขตชื่อ" in replies[0].text
    assert "เชียงราย" in labels(last(replies))
    replies = await chat.press("เชียงราย")  # one of the suggestions
    assert "ข้าม (ไม่แน่ใจ)" in labels(last(replies))

    replies = await chat.say("ซซซซซซ")
    assert "ไม่พบ" in replies[0].text and "ข้าม (ไม่แน่ใจ)" in labels(last(replies))  # the district question again
    assert await complaint_count(chat) == 0


async def test_a_name_that_resembles_nothing_asks_to_check_the_spelling(chat: Chat) -> None:
    await _at_place_question(chat)
    replies = await chat.say("qqqqqqqqqq")
    assert "ตรวจสอบการสะกด" in replies[0].text
    assert last(replies).ask is Ask.LOCATION
    _flow, step, draft = await _flow_state(chat)
    assert step == "place" and draft["province_id"] is None


@pytest.mark.parametrize(("point", "message"), [((91.0, 100.0), "นอกช่วง"), ((13.7, 181.5), "นอกช่วง")])
async def test_coordinates_out_of_range_are_refused(chat: Chat, point: tuple[float, float], message: str) -> None:
    await _at_place_question(chat)
    replies = await chat.share_location(*point)
    assert message in replies[0].text
    assert last(replies).ask is Ask.LOCATION
    _flow, step, draft = await _flow_state(chat)
    assert step == "place" and draft["province_id"] is None


@pytest.mark.parametrize("point", [VIENTIANE, TOKYO])
async def test_a_location_outside_thailand_is_refused(chat: Chat, point: tuple[float, float]) -> None:
    await _at_place_question(chat)
    replies = await chat.share_location(*point)
    assert "นอกประเทศไทย" in replies[0].text
    assert last(replies).ask is Ask.LOCATION and "เลือกจากรายการ" in labels(last(replies))
    _flow, step, draft = await _flow_state(chat)
    assert step == "place" and draft["province_id"] is None


async def _at_description(chat: Chat) -> None:
    await _at_place_question(chat)
    await chat.share_location(*CHIANG_RAI_CITY_HALL)
    await chat.press("ขยะ")


async def test_an_empty_or_too_long_description_is_refused(chat: Chat) -> None:
    await _at_description(chat)
    replies = await chat.say("   ")
    assert "ยังไม่มีรายละเอียด" in replies[0].text
    assert "800" in last(replies).text  # the limit is stated with the question
    replies = await chat.say("ก" * 801)
    assert "ยาวเกินไป: 801 ตัวอักษร" in replies[0].text
    _flow, step, draft = await _flow_state(chat)
    assert step == "description" and draft["description"] is None
    replies = await chat.say("ขยะล้นถังหน้าตลาดมาหนึ่งสัปดาห์")
    assert last(replies).ask is Ask.PHOTO


async def test_photos_are_kept_and_bad_ones_refused(chat: Chat) -> None:
    await _at_description(chat)
    await chat.say("ขยะล้นถังหน้าตลาดมาหนึ่งสัปดาห์")
    replies = await chat.send(InboundKind.IMAGE, extra={"media_error": "too_large"})
    assert "ใหญ่เกินไป" in replies[0].text and last(replies).ask is Ask.PHOTO
    replies = await chat.send(InboundKind.IMAGE, extra={"media_error": "not_image"})
    assert "ไม่ใช่รูปภาพ" in replies[0].text
    replies = await chat.say("รูปอยู่ไหน")
    assert "กรุณาส่งรูปภาพ" in replies[0].text

    first = await store_media(chat.services.db, PNG, "image/png")
    replies = await chat.send_photo(first)
    assert "1 จาก 3" in last(replies).text and labels(last(replies)) == ["เสร็จแล้ว"]
    second = await store_media(chat.services.db, PNG + b"2", "image/png")
    await chat.send_photo(second)
    await chat.press("เสร็จแล้ว")
    await chat.press("ทางแชตเท่านั้น")
    await chat.press("ข้าม")  # no sector
    await chat.press("ไม่แสดง")  # not on the public page
    await chat.press("ยืนยันและส่งเรื่อง")
    complaint = await _only_complaint(chat)
    async with chat.services.db.read() as session:
        photos = (await session.scalars(select(ComplaintPhoto.media_id).order_by(ComplaintPhoto.id))).all()
        owners = set((await session.scalars(select(Media.owner_id).where(Media.id.in_(photos)))).all())
    assert list(photos) == [first, second]
    assert owners == {complaint.person_id}
    assert complaint.description == "ขยะล้นถังหน้าตลาดมาหนึ่งสัปดาห์"


async def test_a_third_photo_moves_on_by_itself(chat: Chat) -> None:
    await _at_description(chat)
    await chat.say("ขยะล้นถังหน้าตลาดมาหนึ่งสัปดาห์")
    for n in range(3):
        replies = await chat.send_photo(await store_media(chat.services.db, PNG + bytes([n]), "image/png"))
    assert "ครบ 3 รูป" in replies[0].text
    assert "โทรศัพท์" in labels(last(replies))


async def test_a_bad_phone_number_is_refused_and_a_good_one_normalised(chat: Chat) -> None:
    await _at_description(chat)
    await chat.say("ขยะล้นถังหน้าตลาดมาหนึ่งสัปดาห์")
    await chat.press("ข้าม")  # no photos
    await chat.press("โทรศัพท์")
    for bad in ("12345", "081-234-567", "0123456789", "โทรมาได้เลย"):
        replies = await chat.say(bad)
        assert "หมายเลขโทรศัพท์ไม่ถูกต้อง" in replies[0].text, bad
    _flow, step, draft = await _flow_state(chat)
    assert step == "phone" and draft["phone"] is None
    replies = await chat.say("+66 81 234 5678")
    assert {"ภาคประชาชน", "ข้าม"} <= set(labels(last(replies)))  # the sector question
    await chat.press("ข้าม")
    replies = await chat.press("ไม่แสดง")
    assert last(replies).choices and "0812345678" in all_text(replies) + str(replies[0].card)
    await chat.press("ยืนยันและส่งเรื่อง")
    complaint = await _only_complaint(chat)
    assert complaint.contact_mode == "phone" and complaint.contact_phone == "0812345678"


async def test_changing_the_description_from_the_summary(chat: Chat) -> None:
    await _at_description(chat)
    await chat.say("ขยะล้นถังหน้าตลาดมาหนึ่งสัปดาห์")
    await chat.press("ข้าม")  # no photos
    await chat.press("ทางแชตเท่านั้น")
    await chat.press("ข้าม")  # no sector
    replies = await chat.press("ไม่แสดง")  # not on the public page
    assert labels(last(replies)) == ["ยืนยันและส่งเรื่อง", "แก้ไขข้อมูล"]
    await chat.press("แก้ไขข้อมูล")
    await chat.press("รายละเอียด")
    replies = await chat.say("ขยะล้นถังหน้าตลาดสดเทศบาลมาสองสัปดาห์แล้ว")
    assert labels(last(replies)) == ["ยืนยันและส่งเรื่อง", "แก้ไขข้อมูล"]  # straight back to the summary
    card = next(r.card for r in replies if r.card is not None)
    assert any("สองสัปดาห์" in f.value for f in card.fields)
    await chat.press("ยืนยันและส่งเรื่อง")
    assert (await _only_complaint(chat)).description.endswith("สองสัปดาห์แล้ว")


@pytest.mark.parametrize(
    "step", ["place", "subject", "description", "photos", "contact", "sector", "publish", "confirm"]
)
async def test_cancel_at_any_step_leaves_no_complaint(chat: Chat, step: str) -> None:
    answers: list[tuple[str, Callable[[], Awaitable[list[Reply]]]]] = [
        ("place", lambda: chat.share_location(*CHIANG_RAI_CITY_HALL)),
        ("subject", lambda: chat.press("ถนน/ทางเท้า")),
        ("description", lambda: chat.say("ถนนหน้าศาลากลางเป็นหลุมลึก")),
        ("photos", lambda: chat.press("ข้าม")),
        ("contact", lambda: chat.press("ทางแชตเท่านั้น")),
        ("sector", lambda: chat.press("ข้าม")),
        ("publish", lambda: chat.press("ไม่แสดง")),
    ]
    await _at_place_question(chat)
    for name, answer in answers:
        if name == step:
            break
        await answer()
    replies = await chat.say("ยกเลิก")
    assert "แจ้งเรื่องร้องเรียน" in labels(last(replies))  # the main menu
    assert await complaint_count(chat) == 0
    flow, _step, _draft = await _flow_state(chat)
    assert flow is None


async def test_an_english_speaker_files_a_complaint(services: Services) -> None:
    chat = Chat(services, user="citizen-en", locale="en")
    replies = await chat.say("hello")
    assert "Before we start" in all_text(replies)
    await chat.press("No, thanks")
    await chat.press("No, thanks")
    replies = await chat.say("complain")
    assert "Where is the problem?" in last(replies).text
    replies = await chat.say("Khon Kaen")
    assert "Which district of Khon Kaen?" in last(replies).text
    replies = await chat.say("Mueang Khon Kaen")
    assert "อ.เมืองขอนแก่น จ.ขอนแก่น" in replies[0].text
    await chat.press("Smoke and dust")
    await chat.say("Heavy smoke from burning fields every evening near the school.")
    await chat.press("Skip")  # no photos
    await chat.press("Chat only")
    await chat.press("Academia")
    await chat.press("Do not show")
    replies = await chat.press("Confirm and send")
    assert replies[0].text.startswith("Your complaint has been received.")
    complaint = await _only_complaint(chat)
    assert complaint.ticket_no in replies[0].text
    assert str(complaint.due_on.year) in replies[0].text and str(complaint.due_on.year + 543) not in replies[0].text


async def test_the_whole_filing_on_sqlite_and_postgresql(any_database_url: str) -> None:
    """The same transcript against both databases: the filing transaction is portable."""
    built = Services.build(make_settings(any_database_url), channels={"simulator": RecordingChannel("simulator")})
    await built.open()
    try:
        chat = Chat(built, user="citizen-both")
        await accept_pdpa(chat)
        replies = await file_by_location(chat, UBON_CITY_HALL)
        complaint = await _only_complaint(chat)
        assert complaint.ticket_no.startswith("UBN-") and complaint.ticket_no in replies[0].text
        assert (await _names(chat, complaint))[:2] == ("อุบลราชธานี", "เมืองอุบลราชธานี")
    finally:
        await built.close()
