"""The simulator's JSON API, through the real app and its workers: what the page sends, what it reads back,
and what a bad request gets (the status, a Thai message, and nothing stored)."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import select

from storage.models import InboxEvent, Media, Person
from tests.web.conftest import MAX_IMAGE_BYTES, SimulatorClient, labels

# The foundation's entries, in order; feature issues add more between them.
MAIN_MENU = ["แจ้งเรื่องร้องเรียน", "ติดตามเรื่อง", "ประเด็นของจังหวัด", "บอกเราถึงรัฐ", "ภาษา/Language", "ช่วยเหลือ"]


def main_menu_entries(reply: dict[str, Any]) -> list[str]:
    return [label for label in labels(reply) if label in MAIN_MENU]


def png_bytes(size: tuple[int, int] = (8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (23, 63, 115)).save(buffer, format="PNG")
    return buffer.getvalue()


async def test_a_citizen_types_menu_and_reads_the_thai_main_menu(simulator: SimulatorClient) -> None:
    response = await simulator.send(text="เมนู")

    assert response.status_code == 202
    assert response.json()["event_id"]
    replies = await simulator.replies_until("แจ้งเรื่องร้องเรียน")
    assert main_menu_entries(replies[-1]) == MAIN_MENU


async def test_a_new_citizen_meets_the_privacy_notice_first_then_the_menu(simulator: SimulatorClient) -> None:
    await simulator.send(identity="citizen-5f3a9c", text="เมนู")

    notice = await simulator.replies_until("ยินยอม", identity="citizen-5f3a9c")
    assert "PDPA" in notice[0]["text"]
    for _question in range(2):
        await simulator.send(identity="citizen-5f3a9c", choice="pdpa:no")
    replies = await simulator.replies_until("แจ้งเรื่องร้องเรียน", identity="citizen-5f3a9c")
    assert main_menu_entries(replies[-1]) == MAIN_MENU


async def test_pressing_help_sends_the_choice_code_and_shows_the_help_text(simulator: SimulatorClient) -> None:
    await simulator.send(text="เมนู")
    await simulator.replies_until("ช่วยเหลือ")

    response = await simulator.send(choice="g:help")

    assert response.status_code == 202
    replies = await simulator.replies_until("1567")
    assert "ศูนย์ดำรงธรรม 1567" in replies[0]["text"]
    async with simulator.services.db.read() as session:
        kinds = [row.payload["kind"] for row in await session.scalars(select(InboxEvent).order_by(InboxEvent.id))]
    assert kinds == ["text", "choice"]


async def test_a_shared_location_reaches_the_flow(simulator: SimulatorClient) -> None:
    response = await simulator.send(location={"latitude": 19.9105, "longitude": 99.8406})

    assert response.status_code == 202
    await simulator.replies_until("แจ้งเรื่องร้องเรียน")
    async with simulator.services.db.read() as session:
        event = await session.scalar(select(InboxEvent))
    assert event is not None
    assert event.payload["location"]["latitude"] == pytest.approx(19.9105)


async def test_an_uploaded_photo_is_stored_and_sent_as_an_image(simulator: SimulatorClient) -> None:
    response = await simulator.upload(png_bytes(), "image/png")

    assert response.status_code == 202
    await simulator.replies_until("แจ้งเรื่องร้องเรียน")
    async with simulator.services.db.read() as session:
        media = (await session.scalars(select(Media))).one()
        event = (await session.scalars(select(InboxEvent))).one()
    assert media.content_type == "image/png"
    assert event.payload["kind"] == "image"
    assert event.payload["media_id"] == media.id
    assert media.owner_id == await person_id(simulator, "citizen-1")  # "delete my data" finds it
    links = simulator.services.links
    served = await simulator.http.get(links.path(media.id))
    assert served.headers["content-type"] == "image/png"
    assert served.headers["cache-control"] == "private, max-age=3600"


async def test_media_is_served_only_by_a_signed_link_that_has_not_expired(simulator: SimulatorClient) -> None:
    """Issue 16: a signed link used to work for ever; it now carries its expiry, signed with the id."""
    await simulator.upload(png_bytes(), "image/png")
    await simulator.replies_until("แจ้งเรื่องร้องเรียน")
    async with simulator.services.db.read() as session:
        media_id = (await session.scalars(select(Media.id))).one()
    links = simulator.services.links
    three_days_ago = replace(links, clock=lambda: datetime.now(UTC) - timedelta(days=3))
    expired = three_days_ago.path(media_id, timedelta(days=2))
    _media, _id, expires, signature = expired.split("/")[1:]
    later = int(expires) + 30 * 24 * 3600
    status = {
        "valid": (await simulator.http.get(links.path(media_id))).status_code,
        "expired": (await simulator.http.get(expired)).status_code,
        "expiry moved on": (await simulator.http.get(f"/media/{media_id}/{later}/{signature}")).status_code,
        "forged": (await simulator.http.get(f"/media/{media_id}/{later}/{'0' * 32}")).status_code,
        "unsigned": (await simulator.http.get(f"/media/{media_id}")).status_code,
        "without expiry": (await simulator.http.get(f"/media/{media_id}/{signature}")).status_code,
    }
    assert status == {
        "valid": 200,
        "expired": 404,
        "expiry moved on": 404,
        "forged": 404,
        "unsigned": 404,
        "without expiry": 404,
    }


async def person_id(simulator: SimulatorClient, identity: str) -> int | None:
    async with simulator.services.db.read() as session:
        return await session.scalar(
            select(Person.id).where(Person.channel == "simulator", Person.platform_user_id == identity)
        )


async def test_a_text_over_the_limit_is_sent_and_the_bot_states_the_limit(simulator: SimulatorClient) -> None:
    limit = simulator.services.settings.max_text_length

    response = await simulator.send(text="ก" * (limit + 1))

    assert response.status_code == 202
    replies = await simulator.replies_until("ยาวเกินไป")
    assert replies[0]["text"] == f"ข้อความยาวเกินไป กรุณาพิมพ์ไม่เกิน {limit} ตัวอักษร"


async def test_the_long_poll_only_returns_messages_of_its_own_chat(simulator: SimulatorClient) -> None:
    await simulator.send(identity="officer-1", text="เมนู")
    await simulator.replies_until("แจ้งเรื่องร้องเรียน", identity="officer-1")

    assert await simulator.replies(identity="citizen-1", wait=0.3) == []


async def test_the_long_poll_returns_nothing_new_after_the_last_id(simulator: SimulatorClient) -> None:
    await simulator.send(text="เมนู")
    await simulator.replies_until("แจ้งเรื่องร้องเรียน")
    last_id = simulator.last_id

    assert await simulator.replies(wait=0.2) == []
    assert simulator.last_id == last_id


@pytest.mark.parametrize("identity", ["Citizen-1", "citizen 1", "", "x" * 41, "ผู้ใช้", None, 7])
async def test_a_bad_identity_is_refused_and_nothing_is_stored(simulator: SimulatorClient, identity: object) -> None:
    response = await simulator.http.post("/simulator/api/send", json={"identity": identity, "text": "เมนู"})

    assert response.status_code == 400
    assert response.json() == {"error": "bad_identity", "message": "ไม่พบบทบาทนี้ กรุณาเลือกบทบาทใหม่"}
    assert await simulator.stored() == (0, 0)


@pytest.mark.parametrize(
    "fields",
    [
        {"text": ""},
        {"text": "   \n "},
        {},
        {"text": "เมนู", "choice": "g:menu"},
        {"text": 42},
    ],
)
async def test_an_empty_or_ambiguous_message_is_refused(simulator: SimulatorClient, fields: dict[str, Any]) -> None:
    response = await simulator.send(**fields)

    assert response.status_code == 400
    assert response.json()["message"] == "กรุณาพิมพ์ข้อความ กดปุ่ม หรือส่งรูปภาพหรือตำแหน่ง"
    assert await simulator.stored() == (0, 0)


@pytest.mark.parametrize(
    "location",
    [
        {"latitude": 91, "longitude": 99.8},
        {"latitude": 19.9, "longitude": -180.5},
        {"latitude": "abc", "longitude": 99.8},
        {"latitude": True, "longitude": 99.8},
        {"latitude": 19.9},
        [19.9, 99.8],
    ],
)
async def test_a_bad_location_is_refused(simulator: SimulatorClient, location: object) -> None:
    response = await simulator.send(location=location)

    assert response.status_code == 400
    assert response.json()["error"] == "bad_location"
    assert "ละติจูด" in response.json()["message"]
    assert await simulator.stored() == (0, 0)


@pytest.mark.parametrize("choice", ["", "ปุ่ม", "x" * 65, "g: menu"])
async def test_a_bad_choice_code_is_refused(simulator: SimulatorClient, choice: str) -> None:
    response = await simulator.send(choice=choice)

    assert response.status_code == 400
    assert response.json()["error"] == "bad_choice"
    assert await simulator.stored() == (0, 0)


async def test_a_body_that_is_not_json_is_refused(simulator: SimulatorClient) -> None:
    response = await simulator.http.post(
        "/simulator/api/send", content=b"{not json", headers={"content-type": "application/json"}
    )

    assert response.status_code == 400
    assert response.json()["message"] == "ไม่สามารถอ่านข้อความได้"
    assert await simulator.stored() == (0, 0)


async def test_an_oversize_photo_is_refused_with_the_limit(simulator: SimulatorClient) -> None:
    too_big = png_bytes() + b"\0" * MAX_IMAGE_BYTES

    response = await simulator.upload(too_big, "image/png")

    assert response.status_code == 413
    assert response.json() == {"error": "too_large", "message": "รูปภาพมีขนาดใหญ่เกินไป กรุณาส่งรูปที่มีขนาดไม่เกิน 64 KB"}
    assert await simulator.stored() == (0, 0)


@pytest.mark.parametrize(
    ("data", "content_type", "filename"),
    [
        (b"hello, this is a text file", "text/plain", "note.txt"),
        (b"%PDF-1.4 not a photo", "application/pdf", "report.pdf"),
        (b"not really a png", "image/png", "fake.png"),
    ],
)
async def test_a_file_that_is_not_a_picture_is_refused(
    simulator: SimulatorClient, data: bytes, content_type: str, filename: str
) -> None:
    response = await simulator.upload(data, content_type, filename=filename)

    assert response.status_code == 415
    assert response.json()["message"] == "ไฟล์นี้ไม่ใช่รูปภาพ กรุณาส่งรูปแบบ JPEG, PNG, GIF หรือ WebP"
    assert await simulator.stored() == (0, 0)


async def test_an_upload_without_a_photo_is_refused(simulator: SimulatorClient) -> None:
    response = await simulator.http.post("/simulator/api/send", files={"identity": (None, "citizen-1")})

    assert response.status_code == 400
    assert await simulator.stored() == (0, 0)


async def test_reading_messages_needs_a_valid_identity(simulator: SimulatorClient) -> None:
    response = await simulator.http.get("/simulator/api/messages", params={"identity": "../etc", "wait": 0})

    assert response.status_code == 400
    assert response.json()["error"] == "bad_identity"


async def test_the_identities_are_the_seeded_simulator_people(simulator: SimulatorClient) -> None:
    response = await simulator.http.get("/simulator/api/identities")

    people = response.json()["identities"]
    assert [(p["identity"], p["role"], p["role_label"]) for p in people] == [
        ("citizen-1", "citizen", "ประชาชน"),
        ("officer-1", "officer", "เจ้าหน้าที่"),
        ("secretariat-1", "secretariat", "ฝ่ายเลขานุการ"),
    ]
    assert [p["province"] for p in people[1:]] == ["เชียงราย", "เชียงราย"]


async def test_the_page_is_thai_with_the_admin_area_attribution(simulator: SimulatorClient) -> None:
    response = await simulator.http.get("/simulator")

    assert response.status_code == 200
    assert '<html lang="th">' in response.text
    assert "ต้องการทดลองแชตในฐานะใคร" in response.text
    assert "thaiaddress 0.2.1, (c) 2020 Titipat Achakulvisut" in response.text
    assert "ศาลากลางจังหวัดเชียงราย" in response.text


async def test_the_page_follows_the_browser_language(simulator: SimulatorClient) -> None:
    english = await simulator.http.get("/simulator", headers={"accept-language": "en-US,en;q=0.9"})
    asked = await simulator.http.get("/simulator?lang=th", headers={"accept-language": "en-US"})

    assert "Who would you like to chat as?" in english.text
    assert '<html lang="th">' in asked.text


async def test_the_page_assets_are_served(simulator: SimulatorClient) -> None:
    script = await simulator.http.get("/simulator/static/simulator.js")
    style = await simulator.http.get("/simulator/static/simulator.css")

    assert script.status_code == 200 and "long-poll" in script.text
    assert style.status_code == 200 and "Sarabun" in style.text
