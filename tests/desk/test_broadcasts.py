"""Broadcasts on the desk: the secretariat composes with the audience filters, sees the live count and the
preview, sends now or schedules, and follows the progress to the final report; the message reaches the officers'
chat through the outbox. Every wrong input is answered on the page and stores nothing; out of scope is 404."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.core.i18n import BANGKOK
from storage.models import Agency, Broadcast, BroadcastRecipient, District, Province
from tests.desk.support import DeskClient, desk_client

MESSAGE = "ขอเชิญเจ้าหน้าที่ทุกท่านร่วมประชุมติดตามประเด็นนโยบายสำคัญ วันศุกร์นี้ 09:00 น."


@pytest.fixture
async def desk(any_database_url: str) -> AsyncIterator[DeskClient]:
    async for client in desk_client(any_database_url):
        yield client


async def broadcasts(desk: DeskClient) -> int:
    async with desk.services.db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(Broadcast)) or 0)


async def place_ids(desk: DeskClient, province: str) -> tuple[int, int, int]:
    async with desk.services.db.read() as session:
        province_id = await session.scalar(select(Province.id).where(Province.name_th == province))
        district = await session.scalar(select(District.id).where(District.province_id == province_id).limit(1))
        agency = await session.scalar(select(Agency.id).where(Agency.province_id == province_id).limit(1))
    assert province_id and district and agency
    return province_id, district, agency


async def final_report(desk: DeskClient, path: str) -> str:
    for _poll in range(200):
        progress = await desk.http.get(f"{path}/progress")
        if 'id="final-report"' in progress.text:
            return progress.text
        await asyncio.sleep(0.1)
    raise AssertionError(f"the broadcast never finished: {progress.text}")


async def test_a_broadcast_to_the_provinces_officers_is_counted_previewed_sent_and_reported(desk: DeskClient) -> None:
    await desk.sign_in("secretariat-1")
    page = await desk.http.get("/desk/broadcasts")
    assert page.status_code == 200 and "ประกาศข่าว" in page.text and 'name="district"' in page.text
    preview = await desk.http.get("/desk/broadcasts/preview", params={"role": "officer", "text": MESSAGE})
    assert preview.status_code == 200
    assert '<strong id="recipient-count">1</strong>' in preview.text  # officer-1 of เชียงราย
    assert preview.text.count(MESSAGE) == 2  # as LINE and as Telegram show it
    csrf = await desk.csrf("/desk/broadcasts")
    sent = await desk.http.post(
        "/desk/broadcasts",
        data={"csrf": csrf, "from": "/desk/broadcasts", "text": MESSAGE, "role": "officer", "when": "now"},
    )
    assert sent.status_code == 303
    path = sent.headers["location"]
    report = await final_report(desk, path)
    assert '<strong id="report-sent">1</strong>' in report and '<strong id="report-failed">0</strong>' in report
    assert "hx-trigger" not in report  # the page stops polling at the final report
    replies = await desk.simulator.replies_until(MESSAGE, identity="officer-1")
    assert any(reply["text"] == MESSAGE for reply in replies)
    [entry] = await desk.audited("broadcast_create")
    assert entry.detail["total"] == 1 and entry.page == "/desk/broadcasts"
    listed = await desk.http.get("/desk/broadcasts")
    assert f'href="{path}"' in listed.text


async def test_a_scheduled_broadcast_waits_for_its_time(desk: DeskClient) -> None:
    await desk.sign_in("secretariat-1")
    csrf = await desk.csrf("/desk/broadcasts")
    at = (datetime.now(BANGKOK) + timedelta(days=2)).replace(tzinfo=None, second=0, microsecond=0)
    sent = await desk.http.post(
        "/desk/broadcasts",
        data={
            "csrf": csrf,
            "text": MESSAGE,
            "role": "officer",
            "when": "later",
            "at": at.isoformat(timespec="minutes"),
        },
    )
    assert sent.status_code == 303
    shown = await desk.http.get(sent.headers["location"])
    assert "กำหนดส่ง" in shown.text and 'id="final-report"' not in shown.text
    assert 'hx-trigger="every 1s"' in shown.text  # it polls its progress until the final report
    async with desk.services.db.read() as session:
        broadcast = await session.scalar(select(Broadcast))
    assert broadcast is not None and broadcast.status == "scheduled"
    assert broadcast.scheduled_at is not None and broadcast.scheduled_at.astimezone(BANGKOK).replace(tzinfo=None) == at

    path = sent.headers["location"]
    assert (await desk.http.post(f"{path}/cancel", data={})).status_code == 403  # no token: still scheduled
    assert await broadcasts(desk) == 1
    cancelled = await desk.http.post(f"{path}/cancel", data={"csrf": csrf, "from": path})
    assert cancelled.headers["location"] == "/desk/broadcasts?cancelled=1"
    assert "ยกเลิกประกาศที่ตั้งเวลาไว้แล้ว" in (await desk.http.get(cancelled.headers["location"])).text
    assert await broadcasts(desk) == 0 and len(await desk.audited("broadcast_cancel")) == 1
    async with desk.services.db.read() as session:
        assert await session.scalar(select(func.count()).select_from(BroadcastRecipient)) == 0


async def test_a_broadcast_that_has_started_cannot_be_cancelled(desk: DeskClient) -> None:
    await desk.sign_in("secretariat-1")
    csrf = await desk.csrf("/desk/broadcasts")
    sent = await desk.http.post("/desk/broadcasts", data={"csrf": csrf, "text": MESSAGE, "role": "officer"})
    path = sent.headers["location"]
    await final_report(desk, path)
    refused = await desk.http.post(f"{path}/cancel", data={"csrf": csrf})
    assert refused.headers["location"] == path
    assert await broadcasts(desk) == 1 and await desk.audited("broadcast_cancel") == []


@pytest.mark.parametrize(
    ("fields", "shown"),
    [
        ({"text": "   "}, "กรุณาพิมพ์ข้อความ"),
        ({"text": "ก" * 4001}, "ข้อความยาวเกินไป"),
        ({"when": "later", "at": ""}, "กรุณาเลือกวันและเวลา"),
        ({"when": "later", "at": "2020-01-01T09:00"}, "กรุณาเลือกเวลาหลังจากนี้"),
        ({"role": "secretariat", "sector": ""}, None),  # secretariat-1 alone: reaches one, allowed
    ],
)
async def test_a_wrong_broadcast_is_explained_and_nothing_is_stored(
    desk: DeskClient, fields: dict[str, str], shown: str | None
) -> None:
    await desk.sign_in("secretariat-1")
    csrf = await desk.csrf("/desk/broadcasts")
    posted = await desk.http.post(
        "/desk/broadcasts", data={"csrf": csrf, "text": MESSAGE, "role": "officer", "when": "now"} | fields
    )
    if shown is None:
        assert posted.status_code == 303 and await broadcasts(desk) == 1
        return
    assert posted.status_code == 400 and shown in posted.text
    assert await broadcasts(desk) == 0


async def test_an_audience_of_no_one_is_refused(desk: DeskClient) -> None:
    await desk.sign_in("secretariat-1")
    _province, district, _agency = await place_ids(desk, "เชียงราย")
    csrf = await desk.csrf("/desk/broadcasts")
    posted = await desk.http.post(
        "/desk/broadcasts", data={"csrf": csrf, "text": MESSAGE, "role": "officer", "district": str(district)}
    )
    assert posted.status_code == 400 and "ไม่มีผู้รับตามที่เลือก" in posted.text
    assert await broadcasts(desk) == 0


async def test_another_provinces_audience_is_not_found_and_a_form_without_its_token_changes_nothing(
    desk: DeskClient,
) -> None:
    await desk.sign_in("secretariat-1")
    other, other_district, other_agency = await place_ids(desk, "เพชรบุรี")
    csrf = await desk.csrf("/desk/broadcasts")
    before = await desk.counts()
    for fields in ({"province": str(other)}, {"district": str(other_district)}, {"agency": str(other_agency)}):
        posted = await desk.http.post("/desk/broadcasts", data={"csrf": csrf, "text": MESSAGE} | fields)
        assert posted.status_code == 404
        assert (await desk.http.get("/desk/broadcasts/preview", params=fields)).status_code == 404
    assert (await desk.http.post("/desk/broadcasts", data={"text": MESSAGE})).status_code == 403
    assert await broadcasts(desk) == 0 and await desk.counts() == before


async def test_officers_have_no_broadcasts_page_and_a_province_sees_only_its_own(desk: DeskClient) -> None:
    await desk.staff("national-1")
    await desk.sign_in("national-1")
    other, _district, _agency = await place_ids(desk, "เพชรบุรี")
    picked = await desk.http.get("/desk/broadcasts", params={"province": other})
    assert picked.status_code == 200 and "ประกาศข่าว: เพชรบุรี" in picked.text
    csrf = await desk.csrf("/desk/broadcasts")
    sent = await desk.http.post(
        "/desk/broadcasts", data={"csrf": csrf, "text": MESSAGE, "province": str(other), "role": "citizen"}
    )
    assert sent.status_code == 400  # no citizen of เพชรบุรี has asked for its news
    everyone = await desk.http.post("/desk/broadcasts", data={"csrf": csrf, "text": MESSAGE, "role": "secretariat"})
    assert everyone.status_code == 303
    path = everyone.headers["location"]
    assert (await desk.http.get(path)).status_code == 200

    desk.http.cookies.clear()
    await desk.sign_in("secretariat-1")
    assert (await desk.http.get(path)).status_code == 404  # a national broadcast is the national team's
    assert (await desk.http.get(f"{path}/progress")).status_code == 404
    desk.http.cookies.clear()
    await desk.sign_in("officer-1")
    for url in ("/desk/broadcasts", "/desk/broadcasts/preview", "/desk/people"):
        assert (await desk.http.get(url)).status_code == 404
    assert "/desk/broadcasts" not in (await desk.http.get("/desk/")).text
