"""Agendas and KPIs on the desk: a KPI whose monthly report is owed lists the officers who owe it, and the button
reminds exactly them in chat, once a day."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from storage.models import Agenda, Kpi, Province
from tests.desk.support import DeskClient, desk_client, owed_monthly_kpi


@pytest.fixture
async def desk(sqlite_url: str) -> AsyncIterator[DeskClient]:
    async for client in desk_client(sqlite_url):
        yield client


async def monthly_kpi(desk: DeskClient) -> Kpi:
    return await owed_monthly_kpi(desk.services)


async def test_the_officers_who_owe_a_report_are_listed_and_reminded_once_a_day(desk: DeskClient) -> None:
    kpi = await monthly_kpi(desk)
    await desk.sign_in("secretariat-1")
    listed = await desk.http.get("/desk/agendas")
    assert listed.status_code == 200
    row = listed.text.split(f'id="kpi-{kpi.id}"')[1].split("</tr>")[0]
    assert "สมศรี รักษ์ป่า" in row and "เตือน" in row
    csrf = await desk.csrf("/desk/agendas")
    reminded = await desk.http.post(f"/desk/kpis/{kpi.id}/remind", data={"csrf": csrf, "from": "/desk/agendas"})
    assert reminded.headers["location"] == "/desk/agendas?reminded=1"
    replies = await desk.simulator.replies_until("เริ่มรายงาน", identity="officer-1")
    assert any(kpi.name_th in reply["text"] or "เตือน" in reply["text"] for reply in replies)
    again = await desk.http.post(f"/desk/kpis/{kpi.id}/remind", data={"csrf": csrf})
    assert again.headers["location"] == "/desk/agendas?reminded=0"


async def test_a_reminder_needs_the_forms_token_and_the_kpis_province(desk: DeskClient) -> None:
    kpi = await monthly_kpi(desk)
    await desk.sign_in("secretariat-1")
    before = await desk.counts()
    assert (await desk.http.post(f"/desk/kpis/{kpi.id}/remind", data={})).status_code == 403
    assert await desk.counts() == before
    async with desk.services.db.write() as session:
        other = await session.scalar(
            select(Kpi.id)
            .join(Agenda, Agenda.id == Kpi.agenda_id)
            .join(Province)
            .where(Province.name_th != "เชียงราย")
            .limit(1)
        )
    csrf = await desk.csrf("/desk/agendas")
    assert (await desk.http.post(f"/desk/kpis/{other}/remind", data={"csrf": csrf})).status_code == 404
