"""Issue 15, the simulator: the language switch keeps the person and the chat; an officer who registers sees
their role and their menu, welcomed once; a broadcast's progress leaves the buttons alone; labels are cut as
LINE cuts them. Each in a real headless Chromium, with a screenshot in test-artifacts/."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.async_api import Page, expect
from sqlalchemy import select

from bot.core.text import as_line_shows
from bot.core.types import Choice, Reply
from bot.domain.invites import create_invite
from bot.settings import Settings
from storage.db import Database
from storage.models import Province
from tests.conftest import make_settings
from tests.web.browser import ARTIFACTS, CHROMIUM, PHONE, TIMEOUT_MS, chromium, served

pytestmark = pytest.mark.browser

if not Path(CHROMIUM).exists():
    pytest.skip(f"no chromium binary at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)

CITIZEN_MENU = ["แจ้งเรื่อง", "ติดตามเรื่อง"]


@pytest.fixture
def settings(sqlite_url: str) -> Settings:
    return make_settings(sqlite_url)


@pytest.fixture
async def page(settings: Settings) -> AsyncIterator[Page]:
    async with served(settings) as base_url, chromium() as browser:
        context = await browser.new_context(viewport=PHONE, locale="th-TH", base_url=base_url)
        page = await context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        await page.goto("/simulator")
        yield page


async def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


async def new_citizen_through_the_notice(page: Page) -> str:
    await page.locator(".identity.role-new").click()
    await page.locator("#text").fill("สวัสดี")
    await page.locator("#text").press("Enter")
    for _question in range(2):
        await page.locator(".choices.current .choice", has_text="ไม่ยินยอม").click()
    await expect(page.locator(".bubble.bot").last).to_contain_text("ยินดีต้อนรับสู่บริการ")
    identity = await page.evaluate("new URL(location.href).searchParams.get('as')")
    assert identity and identity.startswith("citizen-")
    return str(identity)


async def test_the_language_switch_keeps_a_new_citizen_and_the_conversation(page: Page) -> None:
    identity = await new_citizen_through_the_notice(page)
    await page.locator(".choices.current .choice", has_text="ช่วยเหลือ").click()
    await expect(page.locator(".bubble.bot", has_text="วิธีใช้บริการ")).to_have_count(1)

    await page.locator("#lang").click()
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await expect(page.locator("#picker")).to_be_hidden()
    await expect(page.locator("#who")).to_contain_text(identity)
    await expect(page.locator("#who")).to_contain_text("Citizen")
    await expect(page.locator(".divider", has_text="Earlier messages")).to_have_count(1)
    await expect(page.locator(".bubble.bot", has_text="วิธีใช้บริการ")).to_have_count(1)  # the same chat
    await expect(page.locator("#richmenu .rich").first).to_have_text("Complaint")  # the page's language

    await expect(page.locator(".choices.current")).to_have_count(1)  # the history's buttons are not all live
    await page.locator("#text").fill("เมนู")
    await page.locator("#text").press("Enter")
    await expect(page.locator(".bubble.bot").last).to_have_text("เมนูหลัก")  # the same person: no new notice
    await expect(page.locator(".choices.current")).to_have_count(1)
    await screenshot(page, "simulator-language-kept")

    await page.locator("#lang").click()
    await expect(page.locator("html")).to_have_attribute("lang", "th")
    await expect(page.locator("#who")).to_contain_text("ประชาชน")
    await page.locator("#switch").click()  # choosing someone else forgets the chat in the address
    assert await page.evaluate("new URL(location.href).searchParams.get('as')") is None


async def officer_invite(db_url: str) -> str:
    db = Database(db_url)
    try:
        async with db.write() as session:
            province = await session.scalar(select(Province.id).where(Province.name_th == "เชียงราย"))
            expires = datetime.now(UTC) + timedelta(days=3)
            invite = await create_invite(
                session, role="officer", province_id=province, agency_id=None, expires_at=expires
            )
            return invite.code
    finally:
        await db.close()


async def test_a_newcomer_registering_as_an_officer_sees_the_role_and_the_officers_menu(
    page: Page, settings: Settings
) -> None:
    code = await officer_invite(settings.database_url)
    await page.locator(".identity.role-new").click()
    await expect(page.locator("#richmenu .rich")).to_contain_text(CITIZEN_MENU)
    await page.locator("#text").fill(f"ลงทะเบียน {code}")
    await page.locator("#text").press("Enter")
    await expect(page.locator(".bubble.bot").first).to_contain_text("PDPA")
    for _question in range(2):
        await page.locator(".choices.current .choice", has_text="ไม่ยินยอม").click()

    await expect(page.locator(".bubble.bot", has_text="ลงทะเบียนเป็นเจ้าหน้าที่")).to_have_count(1)
    await expect(page.locator("li.menu-changed")).to_have_text("เมนูด้านล่างแชตเปลี่ยนเป็นเมนูของเจ้าหน้าที่แล้ว")
    await expect(page.locator("#who")).to_contain_text("เจ้าหน้าที่")
    await expect(page.locator("#richmenu .rich")).to_have_text(["รายงานตัวชี้วัด", "เรื่องที่รับผิดชอบ", "บริการทั้งหมด"])
    assert await page.locator(".bubble.bot", has_text="ยินดีต้อนรับ").count() == 1  # welcomed once
    assert await page.locator(".bubble.bot:empty, .bubble.bot:has(.text:empty)").count() == 0  # no blank bubble
    sectors = page.locator(".choices.current .choice")  # the sector question stays answerable
    await expect(sectors.last).to_have_text("ข้าม")
    await screenshot(page, "simulator-officer-registered")

    await page.locator("#richmenu .rich", has_text="บริการทั้งหมด").click()  # the rich menu works
    await expect(page.locator(".bubble.user").last).to_have_text("บริการทั้งหมด")
    await expect(page.locator(".choices.current .choice", has_text="รายงานความก้าวหน้า")).to_have_count(1)


async def test_a_broadcasts_progress_leaves_the_menu_usable(page: Page) -> None:
    await page.locator('.identity[data-identity="secretariat-1"]').click()
    await page.locator("#text").fill("เมนู")
    await page.locator("#text").press("Enter")
    await page.locator(".choices.current .choice", has_text="ส่งประกาศ").click()
    await page.locator("#text").fill("ประกาศทดสอบการปิดถนน")
    await page.locator("#text").press("Enter")
    await page.locator(".choices.current .choice", has_text="ไม่แนบรูปภาพ").click()
    await page.locator(".choices.current .choice", has_text="ทุกคน").click()
    await page.locator(".choices.current .choice", has_text="ทั้งจังหวัด").click()
    await page.locator(".choices.current .choice", has_text="ส่งทันที").click()

    await expect(page.locator(".bubble.bot", has_text="กำลังส่งประกาศ")).to_have_count(1, timeout=30_000)
    await expect(page.locator(".bubble.bot", has_text="ส่งเสร็จแล้ว: สำเร็จ")).to_have_count(1, timeout=30_000)
    await expect(page.locator("#log > li").last).to_contain_text("ส่งเสร็จแล้ว")  # the notices came after the menu
    menu = page.locator(".choices.current .choice")
    await expect(menu.first).to_be_visible()
    assert await menu.count() >= 3
    await screenshot(page, "simulator-broadcast-progress")
    await menu.first.click()
    await expect(page.locator(".bubble.user").last).not_to_have_text("ประกาศทดสอบการปิดถนน")


LONG = "สำนักงานทรัพยากรธรรมชาติและสิ่งแวดล้อมจังหวัดเชียงราย"


async def test_labels_show_as_line_cuts_them(page: Page, settings: Settings) -> None:
    """A label over LINE's 20 characters is shown cut, as on LINE; tapping it says the whole label."""
    await page.locator('.identity[data-identity="citizen-1"]').click()
    await page.locator("#text").fill("เมนู")
    await page.locator("#text").press("Enter")
    await expect(page.locator(".choices.current .choice").first).to_be_visible()
    await queue_for_citizen_1(settings, Reply("เลือกหน่วยงาน", choices=(Choice("m:menu", LONG), Choice("h", "ช่วยเหลือ"))))

    cut = page.locator(".choices.current .choice").first
    await expect(cut).to_have_text(as_line_shows(LONG))
    shown = await cut.inner_text()
    assert len(shown) <= 20 and shown.endswith("…") and shown != LONG
    box = await cut.bounding_box()
    assert box is not None and box["width"] < PHONE["width"]  # shown whole, not hidden by the page
    await screenshot(page, "simulator-line-labels")
    await cut.click()
    await expect(page.locator(".bubble.user").last).to_have_text(LONG)  # LINE's display text


async def queue_for_citizen_1(settings: Settings, reply: Reply) -> None:
    """A message to citizen-1 as any notice is sent: an outbox row the workers deliver."""
    from bot.core import outbox

    db = Database(settings.database_url)
    try:
        async with db.write() as session:
            await outbox.enqueue(
                session, channel="simulator", recipient="citizen-1", replies=[reply], key="test:long-label"
            )
    finally:
        await db.close()
