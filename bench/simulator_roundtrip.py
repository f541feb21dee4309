"""The simulator round trip: POST "เมนู" to /simulator/api/send, then long-poll /simulator/api/messages until the
bot's menu arrives. The real app is served by uvicorn on loopback (its own thread and event loop, workers on)
over a fresh migrated and seeded SQLite database; the client speaks real HTTP."""

from __future__ import annotations

import asyncio
import socket
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from bot.app import create_app
from bot.settings import Settings
from storage.db import Database
from storage.migrate import upgrade
from storage.seed import seed

ROUND_TRIPS = 50
WARM_UP = 3
MENU_LABEL = "แจ้งเรื่องร้องเรียน"
DECLINE = "pdpa:no"  # the first-contact notice's optional consents


async def seed_database(url: str) -> None:
    db = Database(url)
    try:
        await seed(db)
    finally:
        await db.close()


def bench_settings(url: str) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=url,
        line_channel_secret=None,
        line_channel_access_token=None,
        telegram_bot_token=None,
        log_level="WARNING",
    )


@contextmanager
def serving(settings: Settings) -> Iterator[str]:
    """The app on a free loopback port, in a thread with its own event loop; yields the base URL."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    app = create_app(settings, run_workers=True)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=2))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[listener])), daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the app did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listener.close()


@dataclass
class BenchChat:
    client: httpx.AsyncClient
    identity: str
    after: int = 0

    async def send(self, **fields: str) -> None:
        response = await self.client.post("/simulator/api/send", json={"identity": self.identity, **fields})
        response.raise_for_status()

    async def next_replies(self) -> list[dict[str, Any]]:
        """Long-poll until the bot's next message; its replies."""
        while True:
            response = await self.client.get(
                "/simulator/api/messages", params={"identity": self.identity, "after": self.after, "wait": 25}
            )
            response.raise_for_status()
            body = response.json()
            self.after = body["last_id"]
            if body["messages"]:
                return [reply for message in body["messages"] for reply in message["replies"]]

    async def first_contact(self) -> None:
        """A new person meets the privacy notice first: decline the optional consents until the menu shows."""
        await self.send(text="เมนู")
        for _step in range(10):
            replies = await self.next_replies()
            codes = [choice["code"] for reply in replies for choice in reply["choices"]]
            if any(reply["choices"] and MENU_LABEL in labels(reply) for reply in replies):
                return
            if DECLINE in codes:
                await self.send(choice=DECLINE)
        raise RuntimeError("the main menu never came")

    async def round_trip(self) -> float:
        """Milliseconds from sending "เมนู" to reading the menu."""
        started = time.perf_counter()
        await self.send(text="เมนู")
        while not any(MENU_LABEL in labels(reply) for reply in await self.next_replies()):
            pass
        return (time.perf_counter() - started) * 1000


def labels(reply: dict[str, Any]) -> list[str]:
    return [choice["label"] for choice in reply["choices"]]


async def measure(base_url: str, count: int) -> list[float]:
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        chat = BenchChat(client, f"bench-{uuid.uuid4().hex[:8]}")
        await chat.first_contact()
        for _trip in range(WARM_UP):
            await chat.round_trip()
        return [await chat.round_trip() for _trip in range(count)]


def report(timings: list[float]) -> str:
    p95 = statistics.quantiles(timings, n=20, method="inclusive")[18]
    return (
        f"simulator round trip (send 'เมนู' → menu via long-poll), n={len(timings)}: "
        f"median {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, max {max(timings):.1f} ms"
    )


def main(count: int = ROUND_TRIPS) -> None:
    with tempfile.TemporaryDirectory(prefix="hpp-bench-") as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        upgrade(url)
        asyncio.run(seed_database(url))
        with serving(bench_settings(url)) as base_url:
            timings = asyncio.run(measure(base_url, count))
    print(report(timings), flush=True)


if __name__ == "__main__":
    main()
