"""The simulator's header and rich menu come from `GET /simulator/api/person`: the role as stored, the role's
menu as LINE shows it; a bad identity is refused in the page's language and nothing is stored."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.models import Person
from tests.web.conftest import SimulatorClient

OFFICERS_MENU = ["รายงานตัวชี้วัด", "เรื่องที่รับผิดชอบ", "บริการทั้งหมด"]


async def test_an_officer_is_shown_with_the_officers_menu(simulator: SimulatorClient) -> None:
    response = await simulator.http.get("/simulator/api/person", params={"identity": "officer-1", "lang": "th"})
    assert response.status_code == 200
    body = response.json()
    assert (body["role"], body["role_label"], body["province"]) == ("officer", "เจ้าหน้าที่", "เชียงราย")
    assert [button["label"] for button in body["menu"]] == OFFICERS_MENU


async def test_a_new_citizen_who_has_not_written_is_a_citizen_and_is_not_stored(simulator: SimulatorClient) -> None:
    before = await people(simulator)
    response = await simulator.http.get("/simulator/api/person", params={"identity": "citizen-0a1b2c3d"})
    body = response.json()
    assert (body["role"], body["locale"], body["display_name"]) == ("citizen", None, None)
    assert [button["code"] for button in body["menu"]][:2] == ["m:complain", "m:follow"]
    assert await people(simulator) == before


async def people(simulator: SimulatorClient) -> int:
    async with simulator.services.db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(Person)) or 0)


async def test_a_bad_identity_is_refused_in_the_pages_language(simulator: SimulatorClient) -> None:
    for identity in ("", "Officer-1", "x" * 41, "../secretariat"):
        response = await simulator.http.get("/simulator/api/person", params={"identity": identity, "lang": "en"})
        assert response.status_code == 400
        assert response.json() == {"error": "bad_identity", "message": "Unknown identity. Pick an identity again."}
