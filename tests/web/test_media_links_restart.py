"""Issue 15, the simulator: media links outlive a restart without SECRET_KEY (the installation keeps its own key
in the database); an export's link in chat is absolute and its file has a readable Thai name. In a real
headless Chromium against the served app, restarted in between, with a screenshot; and over HTTP in process."""

from __future__ import annotations

import socket
from datetime import datetime
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.async_api import expect
from sqlalchemy import func, select

from bot.app import create_app
from bot.core.media import store_media
from bot.settings import Settings
from storage.models import InstallationSecret
from tests.conftest import make_settings
from tests.support.databases import SqliteTemplate
from tests.web.browser import ARTIFACTS, CHROMIUM, PHONE, TIMEOUT_MS, chromium, served

BANGKOK = ZoneInfo("Asia/Bangkok")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def no_secret(sqlite_url: str, port: int = 8000) -> Settings:
    """No SECRET_KEY, no platform secrets, no public URL: a fresh `make run`."""
    settings = make_settings(sqlite_url, secret_key=None, public_base_url=None, port=port)
    assert settings.secret_key is None
    return settings


def readable_name(province: str = "เชียงราย") -> str:
    today = datetime.now(BANGKOK).date()
    return f"สรุป-{province}-{today.year + 543}-{today:%m-%d}.xlsx"


async def get(settings: Settings, path: str) -> httpx.Response:
    """One request to a freshly started app (its lifespan run: a process start)."""
    app = create_app(settings, run_workers=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.get(path)


async def test_a_link_made_before_a_restart_still_works_after_it(any_database_url: str) -> None:
    settings = no_secret(any_database_url)
    app = create_app(settings, run_workers=False)
    async with app.router.lifespan_context(app):
        services = app.state.services
        media_id = await store_media(services.db, b"%PDF-1.4 minutes", "application/pdf", filename="minutes.pdf")
        link = services.links.path(media_id)

    after_restart = await get(settings, link)
    assert after_restart.status_code == 200 and after_restart.content == b"%PDF-1.4 minutes"
    assert after_restart.headers["content-disposition"] == (
        "attachment; filename=\"minutes.pdf\"; filename*=UTF-8''minutes.pdf"
    )
    assert (await get(settings, link[:-4] + "0000")).status_code == 404  # still signed: a forged link fails

    app = create_app(settings, run_workers=False)
    async with app.router.lifespan_context(app), app.state.services.db.read() as session:
        assert await session.scalar(select(func.count()).select_from(InstallationSecret)) == 1  # made once


async def test_another_installation_does_not_accept_the_link(
    sqlite_url: str, sqlite_template: SqliteTemplate, tmp_path: Path
) -> None:
    settings = no_secret(sqlite_url)
    app = create_app(settings, run_workers=False)
    async with app.router.lifespan_context(app):
        media_id = await store_media(app.state.services.db, b"GIF89a", "image/gif", filename="x.gif")
        link = app.state.services.links.path(media_id)
    (tmp_path / "other").mkdir()
    other = no_secret(sqlite_template.copy(tmp_path / "other"))
    app = create_app(other, run_workers=False)
    async with app.router.lifespan_context(app):
        await store_media(app.state.services.db, b"GIF89a", "image/gif", filename="x.gif")
    assert (await get(other, link)).status_code == 404  # its own key, not a shared default


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no chromium binary at {CHROMIUM}")
async def test_an_exported_summary_downloads_under_its_thai_name_after_a_restart(sqlite_url: str) -> None:
    port = free_port()
    settings = no_secret(sqlite_url, port=port)
    async with chromium() as browser:
        context = await browser.new_context(viewport=PHONE, locale="th-TH", accept_downloads=True)
        page = await context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        async with served(settings, port) as base_url:
            await page.goto(f"{base_url}/simulator")
            await page.locator('.identity[data-identity="secretariat-1"]').click()
            await page.locator("#text").fill("เมนู")
            await page.locator("#text").press("Enter")
            await page.locator(".choices.current .choice", has_text="สรุปผลจังหวัด").click()
            await page.locator(".choices.current .choice", has_text="ส่งออกเป็น XLSX").click()
            bubble = page.locator(".bubble.bot", has_text="ดาวน์โหลดได้ที่")
            await expect(bubble).to_have_count(1)
            text = await bubble.locator(".text").inner_text()
            link = text.rsplit(" ", 1)[-1]
            assert link.startswith(f"{base_url}/media/")  # absolute: it works pasted anywhere
            ARTIFACTS.mkdir(exist_ok=True)
            await page.screenshot(path=str(ARTIFACTS / "simulator-export-link.png"))

        async with served(settings, port):  # the same installation, started again
            async with page.expect_download() as downloading:
                await bubble.locator("a.document").click()
            download = await downloading.value
            assert download.suggested_filename == readable_name()
            response = await page.request.get(link)
            assert response.status == 200
            disposition = response.headers["content-disposition"]
            assert disposition.endswith(f"filename*=UTF-8''{quote(readable_name(), safe='')}")


async def test_a_file_name_cannot_break_the_download_header(sqlite_url: str) -> None:
    """A sender chooses a photo's file name: quotes and line breaks in it stay inside the encoded name."""
    settings = no_secret(sqlite_url)
    app = create_app(settings, run_workers=False)
    async with app.router.lifespan_context(app):
        db = app.state.services.db
        media_id = await store_media(db, b"GIF89a", "image/gif", filename='ถนน"\r\nX-Evil: 1.gif')
        link = app.state.services.links.path(media_id)
    response = await get(settings, link)
    assert response.status_code == 200 and "x-evil" not in response.headers
    assert response.headers["content-disposition"] == (
        "inline; filename=\"X-Evil-1.gif\"; filename*=UTF-8''%E0%B8%96%E0%B8%99%E0%B8%99%22%0D%0AX-Evil%3A%201.gif"
    )
