"""Places, phone numbers and routing, one rule at a time (the transcripts show them in the flow)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.domain.complaints.answers import DescriptionProblem, description_hash, description_problem, normalise_phone
from bot.domain.complaints.routing import route_agency
from bot.domain.places import Located, LocationProblem, PlaceName, locate, search_places
from storage.db import Database
from storage.models import Agency, Agenda, ComplaintCategory, District, Province
from tests.complaints.support import CHIANG_RAI_CITY_HALL, TOKYO, VIENTIANE


@pytest.mark.parametrize(
    ("point", "expected"),
    [
        (CHIANG_RAI_CITY_HALL, ("เชียงราย", "เมืองเชียงราย")),
        ((13.7563, 100.5018), ("กรุงเทพมหานคร", None)),
        ((20.4335, 99.8762), ("เชียงราย", "แม่สาย")),  # Mae Sai, across the river from Myanmar
        ((17.8783, 102.7420), ("หนองคาย", "เมืองหนองคาย")),  # Nong Khai, across the Mekong from Laos
        ((12.93, 100.80), ("ชลบุรี", "บางละมุง")),  # just off the coast at Pattaya: still Thailand
    ],
)
def test_a_location_in_thailand_finds_its_subdistrict(point: tuple[float, float], expected: tuple[str, str]) -> None:
    located = locate(*point)
    assert isinstance(located, Located)
    assert located.centroid.province == expected[0]
    if expected[1] is not None:
        assert located.centroid.district == expected[1]
    assert located.distance_km < 10


@pytest.mark.parametrize(
    "point",
    [VIENTIANE, TOKYO, (20.4475, 99.8839), (13.6587, 102.5625), (6.0126, 101.9773), (0.0, 0.0)],
    ids=["vientiane", "tokyo", "tachileik", "poipet", "rantau-panjang", "null-island"],
)
def test_a_location_outside_thailand_is_refused(point: tuple[float, float]) -> None:
    assert locate(*point) is LocationProblem.OUTSIDE_THAILAND


@pytest.mark.parametrize("point", [(91.0, 100.0), (-90.5, 0.0), (13.0, 180.5), (float("nan"), 100.0)])
def test_impossible_coordinates_are_out_of_range(point: tuple[float, float]) -> None:
    assert locate(*point) is LocationProblem.OUT_OF_RANGE


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("เชียงราย", PlaceName("เชียงราย")),
        ("จ.เชียงราย", PlaceName("เชียงราย")),
        ("จังหวัด เชียงราย", PlaceName("เชียงราย")),
        ("Chiang Rai", PlaceName("เชียงราย")),
        ("chiang rai province", PlaceName("เชียงราย")),
        ("เมืองเชียงราย", PlaceName("เชียงราย", "เมืองเชียงราย")),
        ("อ.เมืองเชียงราย", PlaceName("เชียงราย", "เมืองเชียงราย")),
        ("อำเภอ แม่สาย", PlaceName("เชียงราย", "แม่สาย")),
        ("Mueang Ubon Ratchathani", PlaceName("อุบลราชธานี", "เมืองอุบลราชธานี")),
        ("เขตบางรัก", PlaceName("กรุงเทพมหานคร", "บางรัก")),
    ],
)
def test_typed_place_names(typed: str, expected: PlaceName) -> None:
    assert search_places(typed).matches == [expected]


def test_a_partial_name_lists_provinces_first() -> None:
    found = search_places("เชียง")
    assert found.matches[:2] == [PlaceName("เชียงใหม่"), PlaceName("เชียงราย")]
    assert PlaceName("เลย", "เชียงคาน") in found.matches


def test_a_misspelt_name_suggests_the_closest() -> None:
    assert search_places("เชียงรย").suggestions[0] == PlaceName("เชียงราย")
    assert search_places("Bankok").suggestions[0] == PlaceName("กรุงเทพมหานคร")
    assert search_places("qqqqqqqqqq") == search_places("   ") == type(search_places("x"))([], [])


def test_a_district_search_stays_in_its_province() -> None:
    assert search_places("เมือง", province="ขอนแก่น").matches == [PlaceName("ขอนแก่น", "เมืองขอนแก่น")]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("0812345678", "0812345678"),
        ("081-234-5678", "0812345678"),
        ("081 234 5678", "0812345678"),
        ("+66 81 234 5678", "0812345678"),
        ("+66812345678", "0812345678"),
        ("66812345678", "0812345678"),
        ("(02) 123-4567", "021234567"),
        ("053-711-234", "053711234"),
        ("๐๘๑๒๓๔๕๖๗๘", "0812345678"),
        ("12345", None),
        ("0712345678", None),  # 07 is a landline prefix: nine digits
        ("081234567", None),  # a mobile number one digit short
        ("08123456789", None),
        ("0123456789", None),
        ("call me", None),
        ("", None),
    ],
)
def test_thai_phone_numbers(typed: str, expected: str | None) -> None:
    assert normalise_phone(typed) == expected


def test_description_limits_and_hash() -> None:
    assert description_problem("   ") is DescriptionProblem.EMPTY
    assert description_problem("สั้นไป") is DescriptionProblem.TOO_SHORT
    assert description_problem("ก" * 801) is DescriptionProblem.TOO_LONG
    assert description_problem("ถนนเป็นหลุมลึกหน้าบ้าน") is None
    assert description_hash("Road  BROKEN\nhere") == description_hash("road broken here")
    assert description_hash("ถนนพัง") != description_hash("ถนนดี")


@pytest.fixture
async def database(sqlite_url: str) -> AsyncIterator[Database]:
    db = Database(sqlite_url)
    try:
        yield db
    finally:
        await db.close()


async def _route(database: Database, category: str | None, district: str | None, agenda: bool = False) -> Agency:
    async with database.read() as session:
        province = await session.scalar(select(Province).where(Province.code == "CRI"))
        assert province is not None
        district_id = await session.scalar(
            select(District.id).where(District.province_id == province.id, District.name_th == district)
        )
        category_id = await session.scalar(select(ComplaintCategory.id).where(ComplaintCategory.code == category))
        agenda_id = await session.scalar(select(Agenda.id).where(Agenda.province_id == province.id)) if agenda else None
        agency_id = await route_agency(
            session, province_id=province.id, district_id=district_id, category_id=category_id, agenda_id=agenda_id
        )
        agency = await session.get(Agency, agency_id)
    assert agency is not None
    return agency


async def test_routing_by_district_then_province_then_damrongdhama(database: Database) -> None:
    assert (await _route(database, "roads", "แม่สาย")).name_th == "ที่ว่าการอำเภอแม่สาย"
    assert (await _route(database, "roads", None)).code == "provincial_admin"  # no district: the province route (อบจ.)
    assert (await _route(database, "water", "แม่สาย")).code == "waterworks"  # no district route for water
    assert (await _route(database, "corruption", "แม่สาย")).code == "damrongdhama"
    assert (await _route(database, None, None)).code == "damrongdhama"  # no route at all


async def test_an_agenda_complaint_goes_to_the_agenda_owner(database: Database) -> None:
    async with database.read() as session:
        owner = await session.scalar(
            select(Agency.code)
            .join(Agenda, Agenda.owner_agency_id == Agency.id)
            .join(Province, Province.id == Agenda.province_id)
            .where(Province.code == "CRI")
        )
    assert owner == "natural_resources"  # Chiang Rai's clean-air agenda
    assert (await _route(database, "roads", "แม่สาย", agenda=True)).code == owner
