"""The desk in a real headless Chromium (Debian's chromium, as the simulator's browser test): a citizen files a
complaint in chat, a secretariat member signs in through the link the chat gives, finds the complaint, accepts it
and moves it on with a note, and the citizen's chat shows the notice. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.async_api import Page, async_playwright, expect

from tests.desk.browser import PHONE, Live, sign_in_link, signed_in_desk
from tests.web.conftest import SimulatorClient
from tests.web.test_simulator_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS

pytestmark = pytest.mark.browser

DESCRIPTION = "ไฟถนนดับทั้งซอยหน้าวัดร่องขุ่น มืดมากตอนกลางคืน"
NOTE = "ช่างไฟฟ้าจะเข้าซ่อมภายในวันพรุ่งนี้"
TICKET = re.compile(r"CRI-\d{2}-\d{5}")


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


async def test_a_complaint_filed_in_chat_is_handled_on_the_desk_and_the_citizen_is_told(live: Live) -> None:
    async with httpx.AsyncClient(base_url=live.url, timeout=30) as http:
        ticket = await file_in_chat(SimulatorClient(http, live.app))
    ARTIFACTS.mkdir(exist_ok=True)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = await browser.new_context(viewport=PHONE, locale="th-TH")
        desk, errors = await signed_in_desk(live, context)
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
