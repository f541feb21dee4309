"""The national secretariat's province picker on the overview and the complaints list: every province at first,
one province when picked, and the complaints and their export of that province only. A provincial person's
pages stay on their own province whatever the address says."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from storage.models import Province
from tests.desk.support import DeskClient, desk_client


@pytest.fixture
async def desk(any_database_url: str) -> AsyncIterator[DeskClient]:
    async for client in desk_client(any_database_url):
        yield client


async def province_id(desk: DeskClient, name: str) -> int:
    async with desk.services.db.read() as session:
        found = await session.scalar(select(Province.id).where(Province.name_th == name))
    assert found is not None
    return found


async def test_the_national_team_picks_a_province_on_the_overview_and_the_list(desk: DeskClient) -> None:
    cri = await desk.complaint(1, "เชียงราย")
    pkn = await desk.complaint(2, "เพชรบุรี")
    await desk.staff("national-1")
    await desk.sign_in("national-1")
    everywhere = await desk.http.get("/desk/")
    assert "ภาพรวม: ทุกจังหวัด" in everywhere.text and 'id="province-picker"' in everywhere.text
    assert '<strong id="open-count">2</strong>' in everywhere.text.replace("\n", "")
    picked = await desk.http.get("/desk/", params={"province": await province_id(desk, "เพชรบุรี")})
    assert "ภาพรวม: เพชรบุรี" in picked.text
    assert '<strong id="open-count">1</strong>' in picked.text.replace("\n", "")

    listed = await desk.http.get("/desk/complaints", params={"province": await province_id(desk, "เชียงราย")})
    assert cri.ticket_no in listed.text and pkn.ticket_no not in listed.text
    assert 'name="agency"' in listed.text  # the province's agencies are offered once it is picked
    exported = await desk.http.get("/desk/complaints.csv", params={"province": await province_id(desk, "เชียงราย")})
    assert cri.ticket_no in exported.text and pkn.ticket_no not in exported.text


async def test_a_provincial_person_has_no_picker_and_stays_in_their_province(desk: DeskClient) -> None:
    cri = await desk.complaint(1, "เชียงราย")
    pkn = await desk.complaint(2, "เพชรบุรี")
    await desk.sign_in("secretariat-1")
    other = await province_id(desk, "เพชรบุรี")
    overview = await desk.http.get("/desk/", params={"province": other})
    assert "ภาพรวม: เชียงราย" in overview.text and 'id="province-picker"' not in overview.text
    listed = await desk.http.get("/desk/complaints", params={"province": other})
    assert cri.ticket_no in listed.text and pkn.ticket_no not in listed.text
