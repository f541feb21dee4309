"""The desk in a real headless Chromium (Debian's chromium, as the simulator's browser test): a citizen files a
complaint in chat, a secretariat member signs in through the link the chat gives, finds the complaint, accepts it
and moves it on with a note, and the citizen's chat shows the notice. Screenshots go to test-artifacts/."""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
import uvicorn
from playwright.async_api import Page, async_playwright, expect
from starlette.applications import Starlette

from bot.app import create_app
from tests.conftest import make_settings
from tests.web.conftest import SimulatorClient, have_read_the_privacy_notice
from tests.web.test_simulator_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS

pytestmark = pytest.mark.browser

DESCRIPTION = "ไฟถนนดับทั้งซอยหน้าวัดร่องขุ่น มืดมากตอนกลางคืน"
NOTE = "ช่างไฟฟ้าจะเข้าซ่อมภายในวันพรุ่งนี้"
TICKET = re.compile(r"CRI-\d{2}-\d{5}")


@dataclass
class Live:
    url: str
    app: Starlette


@pytest.fixture
async def live(sqlite_url: str) -> AsyncIterator[Live]:
    """The real app on a loopback port, workers on; map tiles from the app itself (no network here)."""
    settings = make_settings(sqlite_url, desk_tile_url="/desk/static/desk.css?{z}/{x}/{y}")
    app = create_app(settings, run_workers=True)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=2))
    task = asyncio.create_task(server.serve(sockets=[listener]))
    while not server.started:
        assert not task.done(), "the server stopped while starting"
        await asyncio.sleep(0.05)
    await have_read_the_privacy_notice(app.state.services, "citizen-1")
    yield Live(f"http://127.0.0.1:{listener.getsockname()[1]}", app)
    server.should_exit = True
    await task
    listener.close()


async def file_in_chat(chat: SimulatorClient) -> str:
    """citizen-1 files a complaint, typing the labels of the buttons; returns its ticket number."""
    await chat.send(text="แจ้งเรื่อง")
    await chat.replies_until("ตำแหน่ง")
    await chat.send(location={"latitude": 19.9105, "longitude": 99.8406})
    await chat.replies_until("ถนน/ทางเท้า")
    for text, expected in (
        ("ถนน/ทางเท้า", "รายละเอียด"),
        (DESCRIPTION, "ข้าม"),
        ("ข้าม", "ทางแชตเท่านั้น"),
        ("ทางแชตเท่านั้น", "ข้าม"),
        ("ข้าม", "ไม่แสดง"),
        ("ไม่แสดง", "ยืนยันและส่งเรื่อง"),
    ):
        await chat.send(text=text)
        await chat.replies_until(expected)
    await chat.send(text="ยืนยันและส่งเรื่อง")
    replies = await chat.replies_until("CRI-")
    found = next(TICKET.search(reply["text"]) for reply in replies if TICKET.search(reply["text"]))
    assert found is not None
    return found.group(0)


async def sign_in_link(chat: SimulatorClient) -> str:
    await chat.send("secretariat-1", text="แดชบอร์ด")
    replies = await chat.replies_until("/desk/signin/", identity="secretariat-1")
    text = next(reply["text"] for reply in replies if "/desk/signin/" in reply["text"])
    return "/desk/signin/" + text.split("/desk/signin/")[1].split()[0]


async def test_a_complaint_filed_in_chat_is_handled_on_the_desk_and_the_citizen_is_told(live: Live) -> None:
    async with httpx.AsyncClient(base_url=live.url, timeout=30) as http:
        chat = SimulatorClient(http, live.app)
        ticket = await file_in_chat(chat)
        link = await sign_in_link(SimulatorClient(http, live.app))
    ARTIFACTS.mkdir(exist_ok=True)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = await browser.new_context(viewport={"width": 412, "height": 900}, locale="th-TH")
        desk = await context.new_page()
        desk.set_default_timeout(TIMEOUT_MS)
        errors: list[str] = []
        desk.on("pageerror", lambda error: errors.append(str(error)))
        desk.on("console", lambda message: errors.append(message.text) if "Content Security" in message.text else None)

        await desk.goto(live.url + link)
        await desk.locator("#sign-in").click()
        await expect(desk.locator("h1")).to_contain_text("ภาพรวม: เชียงราย")
        await expect(desk.locator("#open-count")).to_have_text("1")
        await expect(desk.locator("#trend-chart")).to_be_visible()
        await expect(desk.locator("#map .leaflet-interactive")).to_have_count(1)  # the complaint's marker
        await desk.screenshot(path=str(ARTIFACTS / "desk-overview.png"), full_page=True)

        await desk.locator("header nav a", has_text="เรื่องร้องเรียน").click()
        await desk.locator("input[name=q]").fill("วัดร่องขุ่น")
        await desk.locator("#filters button[type=submit]").click()
        await expect(desk.locator("table.list tbody tr")).to_have_count(1)
        await desk.screenshot(path=str(ARTIFACTS / "desk-complaints.png"), full_page=True)
        await desk.locator("table.list a", has_text=ticket).click()

        await expect(desk.locator("h1")).to_contain_text(ticket)
        await desk.locator("#accept").click()
        await expect(desk.locator(".notice")).to_contain_text("แจ้งผู้ร้องทางแชตแล้ว")
        await desk.locator("#new-status").select_option("in_progress")
        await desk.locator("#status-note").fill(NOTE)
        await desk.locator("#save-status").click()
        await expect(desk.locator("#ticket-status")).to_have_text("กำลังดำเนินการ")
        await expect(desk.locator("#timeline")).to_contain_text(NOTE)
        await desk.screenshot(path=str(ARTIFACTS / "desk-ticket.png"), full_page=True)
        assert errors == [], "\n".join(errors)

        citizen = await context.new_page()
        citizen.set_default_timeout(TIMEOUT_MS)
        await citizen.goto(f"{live.url}/simulator")
        await citizen.locator('.identity[data-identity="citizen-1"]').click()
        await expect(citizen.locator(".bubble.bot", has_text=NOTE)).to_contain_text(ticket)
        await citizen.screenshot(path=str(ARTIFACTS / "desk-citizen-chat.png"))
        await browser.close()


async def test_the_desk_reads_in_english_after_the_switch(live: Live) -> None:
    async with httpx.AsyncClient(base_url=live.url, timeout=30) as http:
        link = await sign_in_link(SimulatorClient(http, live.app))
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page: Page = await browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(TIMEOUT_MS)
        await page.goto(live.url + link)
        await page.locator("#sign-in").click()
        await page.locator("a[lang=en]").click()
        await expect(page.locator("h1")).to_contain_text("Overview: Chiang Rai")
        await page.screenshot(path=str(ARTIFACTS / "desk-overview-en.png"), full_page=True)
        await browser.close()
