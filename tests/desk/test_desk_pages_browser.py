"""The desk's broadcast and agenda journeys in a real headless Chromium (Debian's chromium): a secretariat member
signed in through the chat link composes a broadcast, watches the recipient count and the LINE and Telegram
previews follow the filters, sends it and watches the progress bar reach the final report, and the officer's chat
shows the message; then reminds the KPI owner who owes a report, and the reminder reaches the officer's chat
through the outbox. Screenshots go to test-artifacts/."""

from __future__ import annotations

import pytest
from playwright.async_api import BrowserContext, Page, async_playwright, expect

from tests.desk.browser import PHONE, Live, signed_in_desk
from tests.desk.support import owed_monthly_kpi
from tests.web.test_simulator_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS

pytestmark = pytest.mark.browser

MESSAGE = "ขอเชิญเจ้าหน้าที่ทุกท่านร่วมประชุมติดตามประเด็นนโยบายสำคัญ วันศุกร์นี้ 09:00 น."


async def officer_chat(live: Live, context: BrowserContext) -> Page:
    chat = await context.new_page()
    chat.set_default_timeout(TIMEOUT_MS)
    await chat.goto(f"{live.url}/simulator")
    await chat.locator('.identity[data-identity="officer-1"]').click()
    return chat


async def test_a_broadcast_is_composed_previewed_and_followed_to_its_final_report(live: Live) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = await browser.new_context(viewport=PHONE, locale="th-TH")
        desk, errors = await signed_in_desk(live, context)

        await desk.locator("header nav a", has_text="ประกาศข่าว").click()
        await expect(desk.locator("h1")).to_contain_text("ประกาศข่าว: เชียงราย")
        await desk.locator("#broadcast-text").fill(MESSAGE)
        await expect(desk.locator("#preview-line")).to_have_text(MESSAGE)
        await expect(desk.locator("#preview-telegram")).to_have_text(MESSAGE)
        everyone = int(await desk.locator("#recipient-count").inner_text())
        assert everyone >= 2  # officer-1 and secretariat-1 at least
        await desk.locator("#audience-role").select_option("officer")
        await expect(desk.locator("#recipient-count")).to_have_text("1")
        await desk.screenshot(path=str(ARTIFACTS / "desk-broadcast-compose.png"), full_page=True)

        await desk.locator("#send-broadcast").click()
        await expect(desk.locator("h1")).to_contain_text("ประกาศ #")
        await expect(desk.locator("#final-report")).to_be_visible(timeout=30_000)
        await expect(desk.locator("#progress-percent")).to_have_text("100%")
        await expect(desk.locator("#report-sent")).to_have_text("1")
        await expect(desk.locator("#report-failed")).to_have_text("0")
        await desk.screenshot(path=str(ARTIFACTS / "desk-broadcast-report.png"), full_page=True)
        assert errors == [], "\n".join(errors)

        chat = await officer_chat(live, context)
        await expect(chat.locator(".bubble.bot", has_text=MESSAGE)).to_have_count(1)
        await chat.screenshot(path=str(ARTIFACTS / "desk-broadcast-officer-chat.png"))
        await browser.close()


async def test_the_kpi_owner_who_owes_a_report_is_reminded_from_the_page(live: Live) -> None:
    kpi = await owed_monthly_kpi(live.app.state.services)
    ARTIFACTS.mkdir(exist_ok=True)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = await browser.new_context(viewport=PHONE, locale="th-TH")
        desk, errors = await signed_in_desk(live, context)

        await desk.locator('header nav a[href="/desk/agendas"]').click()
        row = desk.locator(f"#kpi-{kpi.id}")
        await expect(row).to_contain_text("สมศรี รักษ์ป่า")  # officer-1 owes this month's report
        await row.locator("button.remind").click()
        await expect(desk.locator("#reminded")).to_contain_text("1")
        await desk.screenshot(path=str(ARTIFACTS / "desk-kpi-reminded.png"), full_page=True)
        assert errors == [], "\n".join(errors)

        chat = await officer_chat(live, context)
        await expect(chat.locator(".bubble.bot", has_text=kpi.name_th).first).to_be_visible()
        await chat.screenshot(path=str(ARTIFACTS / "desk-kpi-reminder-chat.png"))
        await browser.close()
