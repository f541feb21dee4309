"""บอกเราถึงรัฐ on the desk: the province's comments and proposals, most supported first; the secretariat's answer
sets the status and reaches the citizen in chat."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from storage.models import Feedback, Province
from tests.desk.support import DeskClient, desk_client


@pytest.fixture
async def desk(sqlite_url: str) -> AsyncIterator[DeskClient]:
    async for client in desk_client(sqlite_url):
        yield client


async def a_proposal(desk: DeskClient, province: str, text: str, supports: int) -> Feedback:
    citizen = await desk.person("citizen-1")
    async with desk.services.db.write() as session:
        province_id = await session.scalar(select(Province.id).where(Province.name_th == province))
        assert province_id is not None
        feedback = Feedback(
            person_id=citizen.id, province_id=province_id, kind="kpi_proposal", text=text, support_count=supports
        )
        session.add(feedback)
    return feedback


async def test_the_secretariat_adopts_a_proposal_and_the_citizen_is_told(desk: DeskClient) -> None:
    quiet = await a_proposal(desk, "เชียงราย", "เพิ่มจุดตรวจวัดฝุ่นในทุกอำเภอ", 1)
    popular = await a_proposal(desk, "เชียงราย", "ลดจุดความร้อนให้ต่ำกว่า 100 จุดต่อปี", 12)
    elsewhere = await a_proposal(desk, "เพชรบุรี", "ปรับปรุงชายหาดชะอำ", 50)
    await desk.sign_in("secretariat-1")
    listed = (await desk.http.get("/desk/feedback")).text
    assert listed.index(popular.text) < listed.index(quiet.text)
    assert elsewhere.text not in listed and "12 คนสนับสนุน" in listed
    csrf = await desk.csrf("/desk/feedback")
    answered = await desk.http.post(
        f"/desk/feedback/{popular.id}/answer", data={"csrf": csrf, "status": "adopted", "note": "บรรจุในแผนปีหน้า"}
    )
    assert answered.status_code == 303
    replies = await desk.simulator.replies_until("บรรจุในแผนปีหน้า", identity="citizen-1")
    told = next(reply["text"] for reply in replies if "บรรจุในแผนปีหน้า" in reply["text"])
    assert "นำไปใช้แล้ว" in told
    async with desk.services.db.read() as session:
        assert await session.scalar(select(Feedback.status).where(Feedback.id == popular.id)) == "adopted"
    refused = await desk.http.post(f"/desk/feedback/{elsewhere.id}/answer", data={"csrf": csrf, "status": "declined"})
    assert refused.status_code == 404


async def test_officers_do_not_answer_feedback(desk: DeskClient) -> None:
    await desk.sign_in("officer-1")
    assert (await desk.http.get("/desk/feedback")).status_code == 404
