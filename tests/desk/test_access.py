"""Who gets into the web desk and what they reach: a one-time link asked for in chat, an 8-hour session cookie,
404 outside a person's scope, and no change without the form's CSRF token."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.domain import signin
from storage.models import AuditEntry, DeskLink, DeskSession, OutboxMessage
from tests.desk.support import DeskClient, desk_client
from tests.support.cli import hpp_bot

LINK = r"/desk/signin/([A-Za-z0-9_\-]+)"


@pytest.fixture
async def desk(sqlite_url: str) -> AsyncIterator[DeskClient]:
    async for client in desk_client(sqlite_url):
        yield client


async def test_staff_ask_in_chat_and_the_link_signs_in_once(desk: DeskClient) -> None:
    simulator = desk.simulator
    await simulator.send("secretariat-1", text="แดชบอร์ด")
    replies = await simulator.replies_until("/desk/signin/", identity="secretariat-1")
    text = next(reply["text"] for reply in replies if "/desk/signin/" in reply["text"])
    assert "ใช้ได้ครั้งเดียวภายใน 10 นาที" in text
    path = "/desk/signin/" + text.split("/desk/signin/")[1].split()[0]
    preview = await desk.http.get(path)  # what a chat app's link preview fetches
    assert preview.status_code == 200 and "เข้าสู่ระบบ" in preview.text
    signed = await desk.http.post(path)
    assert signed.status_code == 303 and signed.headers["location"] == "/desk/"
    cookie = signed.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/desk" in cookie and "Max-Age=28800" in cookie
    assert "Secure" not in cookie  # plain http here; see the https test
    overview = await desk.http.get("/desk/")
    assert overview.status_code == 200 and "ภาพรวม: เชียงราย" in overview.text
    desk.http.cookies.clear()
    again = await desk.http.post(path)
    assert again.status_code == 400 and "ลิงก์นี้ใช้ไม่ได้แล้ว" in again.text
    assert "set-cookie" not in again.headers
    async with desk.services.db.read() as session:
        assert await session.scalar(select(func.count()).select_from(DeskSession)) == 1
        stored = (await session.scalars(select(DeskLink.token_hash))).one()
    assert stored == signin.token_hash(path.rsplit("/", 1)[1])  # only the hash is kept


async def test_an_expired_or_unknown_link_is_refused(desk: DeskClient) -> None:
    eleven_minutes_ago = datetime.now(UTC) - timedelta(minutes=11)
    token = await desk.link_for("officer-1", made=eleven_minutes_ago)
    expired = await desk.http.post(f"/desk/signin/{token}")
    unknown = await desk.http.post("/desk/signin/not-a-token")
    assert (expired.status_code, unknown.status_code) == (400, 400)
    assert "set-cookie" not in expired.headers
    assert (await desk.http.get("/desk/")).headers["location"] == "/desk/signed-out"


async def test_a_citizen_gets_a_polite_no_and_no_link(desk: DeskClient, sqlite_url: str) -> None:
    simulator = desk.simulator
    await simulator.send("citizen-1", text="dashboard")
    replies = await simulator.replies_until("ขออภัย", identity="citizen-1")
    assert not any("/desk/signin/" in reply["text"] for reply in replies)
    command = ("dashboard", "link", "--channel", "simulator", "--user", "citizen-1")
    assert await asyncio.to_thread(hpp_bot, sqlite_url, *command) == 2
    async with desk.services.db.read() as session:
        assert await session.scalar(select(func.count()).select_from(DeskLink)) == 0


def test_the_first_administrator_gets_a_link_from_the_command_line(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert hpp_bot(sqlite_url, "dashboard", "link", "--channel", "simulator", "--user", "secretariat-1") == 0
    printed = capsys.readouterr().out
    assert printed.startswith("http://127.0.0.1:8000/desk/signin/")
    assert hpp_bot(sqlite_url, "dashboard", "link", "--channel", "line", "--user", "Unobody") == 2
    assert "no one with user id Unobody" in capsys.readouterr().err


async def test_an_officer_of_chiang_rai_cannot_open_a_phetchaburi_complaint(desk: DeskClient) -> None:
    officer = await desk.person("officer-1")
    own = await desk.complaint(1, "เชียงราย", agency_id=officer.agency_id)
    other = await desk.complaint(2, "เพชรบุรี")
    await desk.sign_in("officer-1")
    csrf = await desk.csrf()
    assert (await desk.http.get(f"/desk/complaints/{own.id}")).status_code == 200
    refused = await desk.http.get(f"/desk/complaints/{other.id}")
    missing = await desk.http.get("/desk/complaints/999999")
    assert (refused.status_code, missing.status_code) == (404, 404)
    # The same answer (but for the page's own address): ids cannot be probed.
    assert refused.text.replace(f"/complaints/{other.id}", "") == missing.text.replace("/complaints/999999", "")
    acted = await desk.http.post(f"/desk/complaints/{other.id}/action", data={"csrf": csrf, "action": "accept"})
    assert acted.status_code == 404
    assert await desk.status_of(other.id) == "received"
    listed = await desk.http.get("/desk/complaints")
    assert own.ticket_no in listed.text and other.ticket_no not in listed.text
    exported = await desk.http.get("/desk/complaints.csv")
    assert own.ticket_no in exported.text and other.ticket_no not in exported.text


async def test_a_form_without_its_csrf_token_changes_nothing(desk: DeskClient) -> None:
    officer = await desk.person("officer-1")
    own = await desk.complaint(1, "เชียงราย", agency_id=officer.agency_id)
    await desk.sign_in("officer-1")
    before = await desk.counts()
    action = f"/desk/complaints/{own.id}/action"
    missing = await desk.http.post(action, data={"action": "accept"})
    wrong = await desk.http.post(action, data={"action": "accept", "csrf": "0" * 64})
    assert (missing.status_code, wrong.status_code) == (403, 403)
    assert "ไม่มีการเปลี่ยนแปลงใด" in missing.text
    assert await desk.status_of(own.id) == "received"
    assert await desk.counts() == before


async def test_an_accepted_ticket_is_told_in_chat_and_audited(desk: DeskClient) -> None:
    officer = await desk.person("officer-1")
    own = await desk.complaint(1, "เชียงราย", agency_id=officer.agency_id)
    await desk.sign_in("officer-1")
    page = f"/desk/complaints/{own.id}"
    csrf = await desk.csrf(page)
    done = await desk.http.post(f"{page}/action", data={"csrf": csrf, "action": "accept", "from": page})
    assert done.status_code == 303
    assert await desk.status_of(own.id) == "accepted"
    replies = await desk.simulator.replies_until(own.ticket_no, identity="citizen-1")
    notice = next(reply["text"] for reply in replies if own.ticket_no in reply["text"])
    assert "หน่วยงานรับเรื่องแล้ว" in notice
    async with desk.services.db.read() as session:
        entry = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "ticket_accept"))).one()
        told = await session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.recipient == "citizen-1")
        )
    assert (entry.person_id, entry.target, entry.page) == (officer.id, f"complaint:{own.id}", page)
    assert told == 1


async def test_a_note_is_required_to_change_a_status(desk: DeskClient) -> None:
    officer = await desk.person("officer-1")
    own = await desk.complaint(1, "เชียงราย", agency_id=officer.agency_id)
    await desk.sign_in("officer-1")
    csrf = await desk.csrf()
    answer = await desk.http.post(f"/desk/complaints/{own.id}/action", data={"csrf": csrf, "action": "in_progress"})
    assert answer.status_code == 400 and "กรุณาเขียนข้อความ" in answer.text
    assert await desk.status_of(own.id) == "received"


async def test_signing_out_ends_the_session(desk: DeskClient) -> None:
    await desk.sign_in("secretariat-1")
    cookie = desk.http.cookies.get("hpp_desk")
    csrf = await desk.csrf()
    out = await desk.http.post("/desk/signout", data={"csrf": csrf})
    assert out.status_code == 303 and out.headers["location"] == "/desk/signed-out"
    desk.http.cookies.set("hpp_desk", str(cookie), domain="desk.test", path="/desk")  # a copy kept of the cookie
    assert (await desk.http.get("/desk/")).headers["location"] == "/desk/signed-out"


async def test_the_cookie_is_secure_under_https(sqlite_url: str) -> None:
    async for client in desk_client(sqlite_url, public_base_url="https://desk.example.go.th"):
        signed = await client.sign_in("secretariat-1")
        assert "Secure" in signed.headers["set-cookie"]


async def test_the_filtered_list_exports_to_xlsx_and_the_export_is_audited(desk: DeskClient) -> None:
    from openpyxl import load_workbook

    officer = await desk.person("officer-1")
    own = await desk.complaint(1, "เชียงราย", agency_id=officer.agency_id)
    await desk.complaint(3, "เชียงราย")  # another agency's: not the officer's
    await desk.sign_in("secretariat-1")
    exported = await desk.http.get("/desk/complaints.xlsx", params={"agency": str(officer.agency_id)})
    assert exported.status_code == 200 and "attachment" in exported.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(exported.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("เลขที่เรื่อง", "รับเรื่อง", "สถานะ")
    assert [row[0] for row in rows[1:]] == [own.ticket_no]
    async with desk.services.db.read() as session:
        entry = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "export_xlsx"))).one()
    assert entry.detail["rows"] == 1
