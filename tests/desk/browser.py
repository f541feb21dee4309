"""The desk's browser tests' common parts: the real app served on a loopback port, and a sign-in link asked for in
chat the way a secretariat member asks for it."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import uvicorn
from playwright.async_api import BrowserContext, Page, ViewportSize, expect
from starlette.applications import Starlette

from bot.app import create_app
from tests.conftest import make_settings
from tests.web.browser import TIMEOUT_MS
from tests.web.conftest import SimulatorClient, have_read_the_privacy_notice

PHONE: ViewportSize = {"width": 412, "height": 900}


@dataclass
class Live:
    url: str
    app: Starlette


async def serve(sqlite_url: str) -> AsyncIterator[Live]:
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


async def sign_in_link(chat: SimulatorClient) -> str:
    await chat.send("secretariat-1", text="แดชบอร์ด")
    replies = await chat.replies_until("/desk/signin/", identity="secretariat-1")
    text = next(reply["text"] for reply in replies if "/desk/signin/" in reply["text"])
    return "/desk/signin/" + text.split("/desk/signin/")[1].split()[0]


async def signed_in_desk(live: Live, context: BrowserContext) -> tuple[Page, list[str]]:
    """A phone-sized page signed in as secretariat-1 through the link the chat gives; the page errors and CSP
    reports it meets are collected."""
    async with httpx.AsyncClient(base_url=live.url, timeout=30) as http:
        link = await sign_in_link(SimulatorClient(http, live.app))
    desk = await context.new_page()
    desk.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    desk.on("pageerror", lambda error: errors.append(str(error)))
    desk.on("console", lambda message: errors.append(message.text) if "Content Security" in message.text else None)
    await desk.goto(live.url + link)
    await desk.locator("#sign-in").click()
    await expect(desk.locator("h1")).to_contain_text("ภาพรวม: เชียงราย")
    return desk, errors
