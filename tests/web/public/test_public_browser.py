"""The public pages in a real headless Chromium, on a phone-sized screen: the province page, its map (a consented
complaint's point opens its ticket) and the ticket's public status. Screenshots in test-artifacts/."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
import uvicorn
from playwright.async_api import Page, Route, async_playwright, expect

from bot.app import create_app
from tests.conftest import make_settings
from tests.web.public.conftest import PUBLIC_TEXT, Seeded, seed
from tests.web.test_simulator_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS

pytestmark = pytest.mark.browser


@pytest.fixture
async def served(sqlite_url: str) -> AsyncIterator[tuple[str, Seeded]]:
    """The real app on a free loopback port, with the seeded complaints."""
    app = create_app(make_settings(sqlite_url), run_workers=False)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=2))
    task = asyncio.create_task(server.serve(sockets=[listener]))
    while not server.started:
        assert not task.done(), "the server stopped while starting"
        await asyncio.sleep(0.05)
    seeded = await seed(app.state.services)
    yield f"http://127.0.0.1:{port}", seeded
    server.should_exit = True
    await task
    listener.close()


async def no_tiles(route: Route) -> None:
    """Map tiles come from OpenStreetMap at run time; the test machine is offline, so they are left out."""
    await route.abort()


@pytest.fixture
async def page(served: tuple[str, Seeded]) -> AsyncIterator[Page]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = await browser.new_context(viewport={"width": 420, "height": 860}, locale="th-TH")
        await context.route("**/tile.openstreetmap.org/**", no_tiles)
        page = await context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        yield page
        await browser.close()


async def test_province_page_map_and_a_tickets_status_on_a_phone(page: Page, served: tuple[str, Seeded]) -> None:
    base, seeded = served
    ARTIFACTS.mkdir(exist_ok=True)
    await page.goto(f"{base}/p/chiang-rai")
    await expect(page.locator("h1")).to_have_text("เชียงราย")
    await expect(page.locator("#resolved")).to_contain_text(seeded.published)
    await page.screenshot(path=str(ARTIFACTS / "public-province.png"), full_page=True)

    await page.locator("#map").scroll_into_view_if_needed()
    await expect(page.locator("#map")).to_have_attribute("data-points", "2")  # the two consented complaints
    await page.screenshot(path=str(ARTIFACTS / "public-map.png"))
    await page.locator("#map path.leaflet-interactive").last.click()  # two points share a place: the top one
    popup = page.locator(".leaflet-popup-content a")
    await expect(popup).to_contain_text("CRI-")
    await page.screenshot(path=str(ARTIFACTS / "public-map-popup.png"))

    await page.goto(f"{base}/p/t/{seeded.published}")
    await expect(page.locator("h1")).to_contain_text(seeded.published)
    await expect(page.locator("main")).to_contain_text(PUBLIC_TEXT)
    await expect(page.locator(".status")).to_have_text("ดำเนินการเสร็จสิ้น")
    await page.screenshot(path=str(ARTIFACTS / "public-ticket.png"), full_page=True)

    await page.goto(f"{base}/p/t/{seeded.private}?lang=en")
    await expect(page.locator("main")).to_contain_text("The text is not public")
