"""People on the desk: the province's officers and secretariat with their scopes; an invite made on the page
with a QR code of its Telegram and LINE links, which works in chat until it is revoked; role changes in the audit
log. Officers have no such page; another province's people and invites are not found; no token, no change."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from storage.models import Agency, Invite, Person, Province
from tests.desk.support import DeskClient, desk_client

INVITE_PAGE = re.compile(r"/desk/invites/(\d+)$")


@pytest.fixture
async def desk(any_database_url: str) -> AsyncIterator[DeskClient]:
    async for client in desk_client(
        any_database_url, telegram_bot_username="hpp_test_bot", line_bot_basic_id="@123abcde"
    ):
        yield client


async def invites(desk: DeskClient) -> int:
    async with desk.services.db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(Invite)) or 0)


async def make_invite(desk: DeskClient, **fields: str) -> Invite:
    csrf = await desk.csrf("/desk/people")
    made = await desk.http.post(
        "/desk/invites", data={"csrf": csrf, "from": "/desk/people", "role": "officer", "days": "7"} | fields
    )
    assert made.status_code == 303
    found = INVITE_PAGE.search(made.headers["location"])
    assert found is not None
    async with desk.services.db.read() as session:
        invite = await session.get(Invite, int(found.group(1)))
    assert invite is not None
    return invite


async def test_the_province_staff_are_listed_with_their_scopes(desk: DeskClient) -> None:
    await desk.sign_in("secretariat-1")
    listed = await desk.http.get("/desk/people")
    assert listed.status_code == 200
    officer = await desk.person("officer-1")
    row = listed.text.split(f'id="person-{officer.id}"')[1].split("</tr>")[0]
    assert "สมศรี รักษ์ป่า" in row and "เชียงราย" in row and "เจ้าหน้าที่" in row
    me = await desk.person("secretariat-1")
    mine = listed.text.split(f'id="person-{me.id}"')[1].split("</tr>")[0]
    assert "/role" not in mine  # nobody changes their own role


async def test_an_invite_made_on_the_desk_has_qr_codes_and_works_in_chat_until_revoked(desk: DeskClient) -> None:
    await desk.sign_in("secretariat-1")
    async with desk.services.db.read() as session:
        agency = await session.scalar(
            select(Agency).join(Province).where(Province.name_th == "เชียงราย", Agency.district_id.is_(None)).limit(1)
        )
    assert agency is not None
    invite = await make_invite(desk, agency=str(agency.id))
    assert (invite.role, invite.agency_id) == ("officer", agency.id)
    shown = await desk.http.get(f"/desk/invites/{invite.id}")
    assert shown.status_code == 200 and invite.code in shown.text
    assert f"https://t.me/hpp_test_bot?start=register-{invite.code}" in shown.text
    assert "https://line.me/R/oaMessage/" in shown.text
    assert shown.text.count('src="data:image/svg+xml') == 2  # one QR code per link, drawn by the app
    [entry] = await desk.audited("invite_create")
    assert entry.target == f"invite:{invite.id}"

    csrf = await desk.csrf(f"/desk/invites/{invite.id}")
    revoked = await desk.http.post(f"/desk/invites/{invite.id}/revoke", data={"csrf": csrf})
    assert revoked.status_code == 303
    assert "หมดอายุหรือถูกยกเลิก" in (await desk.http.get(f"/desk/invites/{invite.id}")).text
    assert len(await desk.audited("invite_revoke")) == 1
    await desk.simulator.send("citizen-1", text=f"register {invite.code}")
    await desk.simulator.replies_until("รหัสเชิญนี้หมดอายุแล้ว")
    assert (await desk.person("citizen-1")).role == "citizen"


async def test_an_open_invite_lets_the_person_join(desk: DeskClient) -> None:
    await desk.sign_in("secretariat-1")
    invite = await make_invite(desk)
    await desk.simulator.send("citizen-1", text=f"register {invite.code}")
    for _poll in range(20):
        if (await desk.person("citizen-1")).role == "officer":
            break
        await desk.simulator.replies("citizen-1")
    joined = await desk.person("citizen-1")
    assert joined.role == "officer" and joined.province_id == (await desk.person("secretariat-1")).province_id


async def test_a_role_change_is_saved_and_audited(desk: DeskClient) -> None:
    await desk.sign_in("secretariat-1")
    officer = await desk.person("officer-1")
    csrf = await desk.csrf("/desk/people")
    changed = await desk.http.post(
        f"/desk/people/{officer.id}/role", data={"csrf": csrf, "from": "/desk/people", "role": "secretariat"}
    )
    assert changed.status_code == 303
    promoted = await desk.person("officer-1")
    assert (promoted.role, promoted.agency_id) == ("secretariat", None)
    [entry] = await desk.audited("role_change")
    assert entry.detail["from"] == "officer" and entry.detail["to"] == "secretariat" and entry.page == "/desk/people"
    wrong = await desk.http.post(f"/desk/people/{officer.id}/role", data={"csrf": csrf, "role": "admin"})
    assert wrong.status_code == 400 and "กรุณาเลือกบทบาทจากรายการ" in wrong.text
    assert (await desk.person("officer-1")).role == "secretariat" and len(await desk.audited("role_change")) == 1


async def test_other_provinces_people_and_invites_are_not_found_and_no_token_changes_nothing(
    desk: DeskClient,
) -> None:
    other = await desk.staff("officer-pkn", role="officer", province="เพชรบุรี")
    await desk.staff("national-1")
    await desk.sign_in("national-1")
    async with desk.services.db.read() as session:
        pkn = await session.scalar(select(Province.id).where(Province.name_th == "เพชรบุรี"))
    national_invite = await make_invite(desk, province=str(pkn))
    desk.http.cookies.clear()

    await desk.sign_in("secretariat-1")
    csrf = await desk.csrf("/desk/people")
    before = (await desk.counts(), await invites(desk))
    assert (
        await desk.http.post(f"/desk/people/{other.id}/role", data={"csrf": csrf, "role": "citizen"})
    ).status_code == 404
    assert (await desk.http.get(f"/desk/invites/{national_invite.id}")).status_code == 404
    assert (await desk.http.post(f"/desk/invites/{national_invite.id}/revoke", data={"csrf": csrf})).status_code == 404
    assert (
        await desk.http.post("/desk/invites", data={"csrf": csrf, "role": "officer", "province": str(pkn)})
    ).status_code == 404
    officer = await desk.person("officer-1")
    assert (await desk.http.post(f"/desk/people/{officer.id}/role", data={"role": "citizen"})).status_code == 403
    assert (await desk.http.post("/desk/invites", data={"role": "officer", "days": "7"})).status_code == 403
    assert (await desk.counts(), await invites(desk)) == before
    async with desk.services.db.read() as session:
        assert (await session.get(Person, other.id)).role == "officer"  # type: ignore[union-attr]
    assert (await desk.person("officer-1")).role == "officer"
    desk.http.cookies.clear()
    await desk.sign_in("officer-1")
    assert (await desk.http.get("/desk/people")).status_code == 404
    assert (await desk.http.get(f"/desk/invites/{national_invite.id}")).status_code == 404


async def test_the_national_team_picks_the_province_before_inviting_an_officer(desk: DeskClient) -> None:
    await desk.staff("national-1")
    await desk.sign_in("national-1")
    csrf = await desk.csrf("/desk/people")
    refused = await desk.http.post("/desk/invites", data={"csrf": csrf, "role": "officer", "days": "7"})
    assert refused.status_code == 400 and "กรุณาเลือกจังหวัดก่อน" in refused.text
    assert await invites(desk) == 0
    national = await make_invite(desk, role="secretariat")
    assert national.province_id is None
