"""The simulator in a real headless Chromium: the real app served by uvicorn on loopback, workers on, a seeded
SQLite copy. A citizen picks an identity and clicks through the main menu in Thai; a screenshot is kept."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PIL import Image
from playwright.async_api import FilePayload, Page, expect

from tests.conftest import make_settings
from tests.web.browser import ARTIFACTS, CHROMIUM, PHONE, TIMEOUT_MS, chromium, served
from tests.web.browser import CHROMIUM_ARGS as CHROMIUM_ARGS  # the desk's and public pages' tests import it here

pytestmark = pytest.mark.browser

if not Path(CHROMIUM).exists():
    pytest.skip(f"no chromium binary at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)


@pytest.fixture
async def page(sqlite_url: str) -> AsyncIterator[Page]:
    """The real app, as `hpp-bot serve` runs it, in a phone-sized Chromium."""
    async with served(make_settings(sqlite_url)) as base_url, chromium() as browser:
        context = await browser.new_context(viewport=PHONE, locale="th-TH")
        page = await context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        await page.goto(f"{base_url}/simulator")
        yield page


def photo_file() -> FilePayload:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (46, 125, 91)).save(buffer, format="PNG")
    return {"name": "road.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


MAIN_MENU = ["แจ้งเรื่องร้องเรียน", "ติดตามเรื่อง", "ประเด็นของจังหวัด", "บอกเราถึงรัฐ", "ภาษา/Language", "ช่วยเหลือ"]


async def test_a_new_citizen_clicks_through_the_main_menu_in_thai(page: Page) -> None:
    await expect(page.locator("h2")).to_have_text("ต้องการทดลองแชตในฐานะใคร")
    await page.locator(".identity.role-new").click()
    await expect(page.locator("#who")).to_contain_text("ประชาชน (ผู้ใช้ใหม่)")

    await page.locator("#text").fill("สวัสดี")
    await page.locator("#text").press("Enter")
    await expect(page.locator(".bubble.user").last).to_have_text("สวัสดี")
    await expect(page.locator(".bubble.bot").first).to_contain_text("PDPA")
    for question in ("ความยินยอมข้อ 1 จาก 2", "ความยินยอมข้อ 2 จาก 2"):
        await expect(page.locator(".bubble.bot").last).to_contain_text(question)
        await page.locator(".choices.current .choice", has_text="ไม่ยินยอม").click()
    await expect(page.locator(".bubble.bot").last).to_contain_text("ยินดีต้อนรับสู่บริการจังหวัดที่มีผลสัมฤทธิ์สูง")
    menu = page.locator(".choices.current .choice")
    await expect(menu).to_contain_text(MAIN_MENU)

    await menu.filter(has_text="ช่วยเหลือ").click()
    await expect(page.locator(".bubble.bot", has_text="วิธีใช้บริการ")).to_contain_text("ศูนย์ดำรงธรรม 1567")

    await page.locator(".choices.current .choice", has_text="ภาษา/Language").click()
    await expect(page.locator(".bubble.bot").last).to_have_text("กรุณาเลือกภาษา")
    await page.locator(".choices.current .choice", has_text="ภาษาไทย").click()
    await expect(page.locator(".bubble.bot", has_text="เปลี่ยนเป็นภาษาไทยแล้ว")).to_have_count(1)

    await page.locator("#location-button").click()
    await page.locator(".preset", has_text="ศาลากลางจังหวัดเชียงราย").click()
    await expect(page.locator("#lat")).to_have_value("19.9105")
    await page.locator("#send-location").click()
    await expect(page.locator(".bubble.user").last).to_contain_text("19.9105, 99.8406")
    await expect(page.locator(".bubble.bot", has_text="หากต้องการแจ้งปัญหา")).to_have_count(1)

    await page.locator("#photo-input").set_input_files(photo_file())
    await expect(page.locator(".bubble.user img.picture")).to_have_count(1)
    await expect(page.locator(".bubble.bot", has_text="หากต้องการแจ้งปัญหา")).to_have_count(2)

    await page.locator("#text").fill("เมนู")
    await page.locator("#send").click()
    await expect(page.locator(".bubble.bot").last).to_have_text("เมนูหลัก")
    await expect(page.locator(".choices.current .choice")).to_contain_text(MAIN_MENU)
    await expect(page.locator("#error")).to_be_hidden()

    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "simulator.png"))


async def test_an_officer_sees_the_province_and_can_switch_identity(page: Page) -> None:

    await expect(page.locator(".identity")).to_have_count(4)
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "simulator-identities.png"))

    await page.locator('.identity[data-identity="officer-1"]').click()
    await expect(page.locator("#who")).to_contain_text("เชียงราย")
    await page.locator("#text").fill("เมนู")
    await page.locator("#text").press("Enter")
    await expect(page.locator(".bubble.bot").first).to_be_visible()

    await page.locator("#switch").click()
    await expect(page.locator(".identity")).to_have_count(4)
    await page.locator(".identity.role-new").click()
    await expect(page.locator("#log li")).to_have_count(0)
    await page.locator("#text").fill("ช่วยเหลือ")
    await page.locator("#text").press("Enter")
    await expect(page.locator(".bubble.bot").first).to_contain_text("PDPA")
