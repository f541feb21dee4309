"""Editing KPIs and deadlines from the agendas page: the secretariat of the agenda's province changes a KPI's
name, target, baseline, kind, direction and reporting period; a wrong value is explained next to its field and
nothing changes; the change is audited; another province's KPI is not found and officers cannot edit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import pytest
from sqlalchemy import select

from storage.models import Agenda, Deadline, Kpi, Province
from tests.desk.support import DeskClient, desk_client
from tests.secretariat.support import proposal_deadline_entered


@pytest.fixture
async def desk(any_database_url: str) -> AsyncIterator[DeskClient]:
    async for client in desk_client(any_database_url):
        yield client


async def kpi_of(desk: DeskClient, province: str) -> Kpi:
    async with desk.services.db.read() as session:
        kpi = await session.scalar(
            select(Kpi)
            .join(Agenda, Agenda.id == Kpi.agenda_id)
            .join(Province, Province.id == Agenda.province_id)
            .where(Province.name_th == province, Kpi.kind != "milestone")
            .order_by(Kpi.id)
            .limit(1)
        )
    assert kpi is not None
    return kpi


async def reloaded(desk: DeskClient, kpi_id: int) -> Kpi:
    async with desk.services.db.read() as session:
        kpi = await session.get(Kpi, kpi_id)
    assert kpi is not None
    return kpi


def form_of(kpi: Kpi, **changes: str) -> dict[str, str]:
    values = {
        "name_th": kpi.name_th,
        "name_en": kpi.name_en,
        "kind": kpi.kind,
        "unit": kpi.unit,
        "stages": "",
        "target": f"{kpi.target:g}" if kpi.target is not None else "",
        "baseline": f"{kpi.baseline:g}" if kpi.baseline is not None else "",
        "direction": "higher" if kpi.higher_is_better else "lower",
        "cycle": kpi.reporting_cycle,
        "day": str(kpi.reporting_day or ""),
        "due_on": kpi.due_on.isoformat() if kpi.due_on else "",
    }
    return values | changes


async def test_a_kpi_is_edited_from_the_agendas_page_and_the_change_is_audited(desk: DeskClient) -> None:
    kpi = await kpi_of(desk, "เชียงราย")
    await desk.sign_in("secretariat-1")
    agendas = await desk.http.get("/desk/agendas")
    assert f'href="/desk/kpis/{kpi.id}/edit"' in agendas.text
    form = await desk.http.get(f"/desk/kpis/{kpi.id}/edit")
    assert form.status_code == 200 and "แก้ไขตัวชี้วัด" in form.text
    csrf = await desk.csrf(f"/desk/kpis/{kpi.id}/edit")
    saved = await desk.http.post(
        f"/desk/kpis/{kpi.id}/edit",
        data={"csrf": csrf, "from": f"/desk/kpis/{kpi.id}/edit"}
        | form_of(
            kpi,
            name_th="ลดจุดความร้อน",
            target="1,200",
            baseline="1500",
            direction="lower",
            cycle="monthly",
            day="5",
            due_on="2027-09-30",
        ),
    )
    assert saved.status_code == 303 and saved.headers["location"].startswith("/desk/agendas?edited=")
    after = await reloaded(desk, kpi.id)
    assert (after.name_th, after.target, after.baseline, after.higher_is_better) == ("ลดจุดความร้อน", 1200, 1500, False)
    assert (after.reporting_cycle, after.reporting_day, after.due_on) == ("monthly", 5, date(2027, 9, 30))
    [entry] = await desk.audited("kpi_edit")
    assert entry.target == f"kpi:{kpi.id}" and entry.detail["changed"]["target"][1] == "1200"
    assert "บันทึกตัวชี้วัดแล้ว" in (await desk.http.get(saved.headers["location"])).text


@pytest.mark.parametrize(
    ("changes", "shown"),
    [
        ({"name_th": ""}, "กรุณาพิมพ์ชื่อตัวชี้วัดภาษาไทย"),
        ({"target": "หนึ่งพัน"}, "กรุณาพิมพ์ตัวเลขตั้งแต่ 0 ขึ้นไป"),
        ({"baseline": "-5"}, "กรุณาพิมพ์ตัวเลขตั้งแต่ 0 ขึ้นไป"),
        ({"cycle": "monthly", "day": "31"}, "ตั้งแต่ 1 ถึง 28"),
        ({"cycle": "weekly"}, "กรุณาเลือกรอบการรายงานจากรายการ"),
        ({"kind": "guess"}, "กรุณาเลือกประเภทจากรายการ"),
        ({"due_on": "30/09/2570"}, "กรุณาเลือกวันที่"),
        ({"unit": "percent", "target": "150"}, "ค่าที่กรอกขัดแย้งกัน"),
        ({"target": ""}, "ค่าที่กรอกขัดแย้งกัน"),
    ],
)
async def test_a_wrong_value_is_explained_and_nothing_changes(
    desk: DeskClient, changes: dict[str, str], shown: str
) -> None:
    kpi = await kpi_of(desk, "เชียงราย")
    await desk.sign_in("secretariat-1")
    csrf = await desk.csrf(f"/desk/kpis/{kpi.id}/edit")
    refused = await desk.http.post(f"/desk/kpis/{kpi.id}/edit", data={"csrf": csrf} | form_of(kpi, **changes))
    assert refused.status_code == 400 and shown in refused.text
    after = await reloaded(desk, kpi.id)
    assert form_of(after) == form_of(kpi)
    assert await desk.audited("kpi_edit") == []


async def test_another_provinces_kpi_is_not_found_officers_cannot_edit_and_no_token_changes_nothing(
    desk: DeskClient,
) -> None:
    mine, theirs = await kpi_of(desk, "เชียงราย"), await kpi_of(desk, "เพชรบุรี")
    await desk.sign_in("secretariat-1")
    csrf = await desk.csrf("/desk/agendas")
    assert (await desk.http.get(f"/desk/kpis/{theirs.id}/edit")).status_code == 404
    posted = await desk.http.post(f"/desk/kpis/{theirs.id}/edit", data={"csrf": csrf} | form_of(theirs, target="9"))
    assert posted.status_code == 404
    no_token = await desk.http.post(f"/desk/kpis/{mine.id}/edit", data=form_of(mine, target="9"))
    assert no_token.status_code == 403
    assert (await reloaded(desk, mine.id)).target == mine.target
    assert (await reloaded(desk, theirs.id)).target == theirs.target
    desk.http.cookies.clear()
    await desk.sign_in("officer-1")
    assert (await desk.http.get(f"/desk/kpis/{mine.id}/edit")).status_code == 404
    assert 'class="edit-kpi"' not in (await desk.http.get("/desk/agendas")).text


async def test_a_programme_deadline_is_moved_within_its_fiscal_year(desk: DeskClient) -> None:
    await desk.sign_in("secretariat-1")
    async with desk.services.db.read() as session:
        province_id = await session.scalar(select(Province.id).where(Province.name_th == "เชียงราย"))
    entered = await proposal_deadline_entered(desk.services.db)  # a year's deadlines are entered, not seeded
    async with desk.services.db.write() as session:
        deadline = await session.get(Deadline, entered)
        assert deadline is not None
        deadline.province_id = province_id
    listed = await desk.http.get("/desk/agendas")
    assert f'id="deadline-{deadline.id}"' in listed.text
    csrf = await desk.csrf("/desk/agendas")
    wrong = await desk.http.post(f"/desk/deadlines/{deadline.id}", data={"csrf": csrf, "due_on": "2001-01-01"})
    assert "bad_date" in wrong.headers["location"]
    async with desk.services.db.read() as session:
        unmoved = await session.get(Deadline, deadline.id)
    assert unmoved is not None and unmoved.due_on == deadline.due_on  # the wrong day changed nothing
    moved = await desk.http.post(
        f"/desk/deadlines/{deadline.id}", data={"csrf": csrf, "due_on": deadline.due_on.replace(day=1).isoformat()}
    )
    assert "moved=" in moved.headers["location"]
    async with desk.services.db.read() as session:
        after = await session.get(Deadline, deadline.id)
    assert after is not None and after.due_on == deadline.due_on.replace(day=1)
    [entry] = await desk.audited("deadline_move")
    assert entry.detail == {"from": deadline.due_on.isoformat(), "to": after.due_on.isoformat()}
