"""Broadcast to N recipients (10,000 by default) on LINE and on Telegram against the fake APIs, with the sending
worker killed (SIGKILL) twice during the run, or stopped by SIGTERM as on a deploy (`--signal term`). Prints the
achieved rate as a share of the platform limit, the wall time, and duplicates and losses counted on the fake
side.

The fakes (tests/fakes) do not enforce rate limits themselves, so this bench puts a token bucket in front of
them: Telegram 30 messages/s per bot, LINE 200 multicast requests/s (and at most 500 recipients per request).
Over the limit they answer 429 as the platforms do. The worker runs in a subprocess (`--worker`): the bot's real
services (outbox sender, broadcast worker, the real LINE and Telegram channels); the outbox lease is shortened
to LEASE_SECONDS so rows a killed worker had claimed come back quickly.

    python -m bench broadcast                    # both platforms, 10,000 recipients each
    python -m bench.broadcast --recipients 3000 --platform telegram --kills 10 --signal term
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from starlette.responses import JSONResponse

ROOT = Path(__file__).resolve().parents[1]
PROVINCE = "แพร่"
LEASE_SECONDS = 10.0
TELEGRAM_LIMIT = 30.0  # messages per second per bot
LINE_LIMIT = 200.0  # multicast requests per second
LINE_BATCH = 500
STOP_SIGNALS = {"kill": signal.SIGKILL, "term": signal.SIGTERM}


# ---------------------------------------------------------------- the limit on the fake side


class TokenBucket:
    def __init__(self, rate: float, capacity: float) -> None:
        self.rate, self.capacity, self.tokens = rate, capacity, capacity
        self.last = time.monotonic()
        self.lock = threading.Lock()
        self.rejected = 0

    def take(self) -> bool:
        with self.lock:
            now = time.monotonic()
            self.tokens = min(self.capacity, self.tokens + (now - self.last) * self.rate)
            self.last = now
            if self.tokens >= 1:
                self.tokens -= 1
                return True
            self.rejected += 1
            return False


class RateLimit:
    """ASGI middleware: requests whose path matches spend a token, or get the platform's 429."""

    def __init__(self, app: Any, *, match: Callable[[str], bool], bucket: TokenBucket, refusal: JSONResponse) -> None:
        self.app, self.match, self.bucket, self.refusal = app, match, bucket, refusal

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and self.match(scope["path"]) and not self.bucket.take():
            await self.refusal(scope, receive, send)
            return
        await self.app(scope, receive, send)


def limited_telegram() -> tuple[Any, TokenBucket]:
    from tests.fakes.telegram_api import FakeTelegramApi

    fake = FakeTelegramApi()
    bucket = TokenBucket(TELEGRAM_LIMIT, TELEGRAM_LIMIT)
    refusal = JSONResponse(
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 1",
            "parameters": {"retry_after": 1},
        },
        status_code=429,
    )
    sends = ("/sendMessage", "/sendPhoto", "/sendDocument")
    fake.app.add_middleware(RateLimit, match=lambda p: p.endswith(sends), bucket=bucket, refusal=refusal)
    return fake, bucket


def limited_line() -> tuple[Any, TokenBucket]:
    from tests.fakes.line_api import MULTICAST, FakeLineApi

    fake = FakeLineApi()
    bucket = TokenBucket(LINE_LIMIT, LINE_LIMIT)
    refusal = JSONResponse({"message": "The API rate limit has been exceeded. Try again later."}, status_code=429)
    fake.app.add_middleware(RateLimit, match=lambda p: p == MULTICAST, bucket=bucket, refusal=refusal)
    return fake, bucket


# ---------------------------------------------------------------- the database


def prepare_template(folder: Path) -> Path:
    from storage.db import Database
    from storage.migrate import upgrade
    from storage.seed import seed

    path = folder / "template.db"
    upgrade(f"sqlite+aiosqlite:///{path}")

    async def run() -> None:
        db = Database(f"sqlite+aiosqlite:///{path}")
        try:
            await seed(db)
        finally:
            await db.close()

    asyncio.run(run())
    return path


def add_recipients_and_broadcast(path: Path, platform: str, count: int) -> tuple[int, list[str]]:
    """N citizens on the platform in one province, and a broadcast to them; returns (broadcast id, user ids)."""
    from bot.domain.broadcasts import Target, create_broadcast
    from storage.db import Database
    from storage.models import Person, Province

    users = [f"{7_000_000 + i}" if platform == "telegram" else f"U{i:032x}" for i in range(count)]

    async def run() -> int:
        from sqlalchemy import insert, select

        db = Database(f"sqlite+aiosqlite:///{path}")
        try:
            async with db.write() as session:
                province_id = await session.scalar(select(Province.id).where(Province.name_th == PROVINCE))
                rows = [
                    {
                        "channel": platform,
                        "platform_user_id": u,
                        "chat_id": u,
                        "role": "citizen",
                        "province_id": province_id,
                        "locale": "th",
                        "is_reachable": True,
                    }
                    for u in users
                ]
                await session.execute(insert(Person), rows)
                target = Target(role="citizen", province_id=province_id, channel=platform)
                broadcast = await create_broadcast(session, text="ขอเชิญร่วมแสดงความคิดเห็น (bench)", target=target)
                return broadcast.id
        finally:
            await db.close()

    return asyncio.run(run()), users


def broadcast_status(path: Path, broadcast_id: int) -> str:
    with sqlite3.connect(path) as conn:
        row = conn.execute("SELECT status FROM broadcasts WHERE id = ?", (broadcast_id,)).fetchone()
    return str(row[0]) if row else "missing"


# ---------------------------------------------------------------- the worker process


def worker_env(db_path: Path, platform: str, fake_url: str) -> dict[str, str]:
    from tests.fakes.telegram_api import TOKEN

    env = dict(os.environ)
    env |= {"DATABASE_URL": f"sqlite+aiosqlite:///{db_path}", "LOG_LEVEL": "ERROR"}
    if platform == "telegram":
        env |= {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": fake_url}
    else:
        env |= {"LINE_CHANNEL_SECRET": "bench", "LINE_CHANNEL_ACCESS_TOKEN": "bench", "LINE_API_BASE_URL": fake_url}
    return env


def start_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "bench.broadcast", "--worker"], cwd=ROOT, env=env)


async def _run_worker() -> None:
    """`hpp-bot worker`, with the short lease: SIGTERM stops it gracefully, as on a deploy."""
    import bot.core.outbox as outbox_module
    from bot.services import running_services
    from bot.settings import load_settings

    outbox_module.LEASE = timedelta(seconds=LEASE_SECONDS)
    async with running_services(load_settings()) as (_services, stop):
        await stop.wait()


# ---------------------------------------------------------------- one run


@dataclass
class Result:
    platform: str
    recipients: int
    delivered: int
    duplicates: int
    lost: int
    kills: int
    stopped_by: str
    wall_seconds: float
    sending_seconds: float
    requests: int
    rejected: int

    peak_per_second: int

    def rate(self) -> float:
        return self.delivered / self.sending_seconds if self.sending_seconds else 0.0

    def print(self) -> None:
        print(f"{self.platform}: {self.recipients} recipients, worker stopped by {self.stopped_by} {self.kills} times")
        print(f"  delivered to {self.delivered} distinct recipients; duplicates {self.duplicates}; lost {self.lost}")
        print(
            f"  wall time {self.wall_seconds:.1f} s (includes the restarts, and after a SIGKILL the "
            f"{LEASE_SECONDS:.0f} s lease of the rows it held); sending time {self.sending_seconds:.1f} s"
        )
        if self.platform == "telegram":
            print(
                f"  rate while sending {self.rate():.1f} messages/s = {100 * self.rate() / TELEGRAM_LIMIT:.1f}% of "
                f"the {TELEGRAM_LIMIT:.0f} limit; busiest second {self.peak_per_second} requests"
            )
        else:
            # 10,000 recipients are only 20 multicast requests: far below 200 requests/s, so the share of the
            # limit says nothing; what counts is that every request is full and none is refused.
            print(
                f"  {self.requests} multicast requests (at most {LINE_BATCH} recipients each); busiest second "
                f"{self.peak_per_second} of the {LINE_LIMIT:.0f} requests/s allowed"
            )
        print(f"  {self.requests} accepted API requests, {self.rejected} answered 429 by the limiter")


def deliveries(fake: Any, platform: str) -> tuple[Counter[str], list[float]]:
    """Recipients as the fake saw them (a multicast counts each user), and the time of each accepted request."""
    counts: Counter[str] = Counter()
    times: list[float] = []
    if platform == "telegram":
        with fake.state.lock:
            calls = list(fake.state.delivered)
        for call in calls:
            counts[str(call.chat_id)] += 1
            times.append(call.at)
        return counts, times
    with fake.state.lock:
        accepted = [d for d in fake.state.deliveries if d.kind == "multicast"]
        requests = [r for r in fake.state.requests if r.path.endswith("/multicast")]
    for delivery in accepted:
        counts.update(delivery.to)
    times = [r.at for r in requests]
    return counts, times


def delivered_so_far(fake: Any, platform: str) -> int:
    """Deliveries so far, counted cheaply: this runs in the fake API's process, every 50 ms."""
    with fake.state.lock:
        if platform == "telegram":
            return len(fake.state.delivered)
        return sum(len(d.to) for d in fake.state.deliveries if d.kind == "multicast")


def busiest_second(times: list[float]) -> int:
    """The most requests accepted within any one-second window."""
    times = sorted(times)
    start, most = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


def sending_time(times: list[float], gap: float = 1.5) -> float:
    """Seconds spent sending: the span of accepted requests, less the pauses longer than `gap` (restarts)."""
    times = sorted(times)
    if len(times) < 2:
        return 0.0
    return sum(b - a for a, b in itertools.pairwise(times) if b - a <= gap)


def run_platform(
    template: Path, folder: Path, platform: str, count: int, kills: int, timeout: float, stop_signal: int
) -> Result:
    db_path = folder / f"{platform}.db"
    shutil.copyfile(template, db_path)
    broadcast_id, users = add_recipients_and_broadcast(db_path, platform, count)
    fake, bucket = limited_telegram() if platform == "telegram" else limited_line()
    with fake:
        env = worker_env(db_path, platform, fake.url)
        started = time.monotonic()
        worker = start_worker(env)
        killed = 0
        try:
            while time.monotonic() - started < timeout:
                if killed < kills and delivered_so_far(fake, platform) >= count * (killed + 1) / (kills + 1):
                    worker.send_signal(stop_signal)
                    worker.wait()
                    killed += 1
                    worker = start_worker(env)
                if broadcast_status(db_path, broadcast_id) == "done":
                    break
                time.sleep(0.05)
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait()
        wall = time.monotonic() - started
        counts, times = deliveries(fake, platform)
        requests = len(times)
    delivered = sum(1 for user in users if counts[user] > 0)
    return Result(
        platform=platform,
        recipients=count,
        delivered=delivered,
        duplicates=sum(n - 1 for n in counts.values() if n > 1),
        lost=count - delivered,
        kills=killed,
        stopped_by=signal.Signals(stop_signal).name,
        wall_seconds=wall,
        sending_seconds=sending_time(times),
        requests=requests,
        rejected=bucket.rejected,
        peak_per_second=busiest_second(times),
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench.broadcast", description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--platform", choices=("line", "telegram", "both"), default="both")
    parser.add_argument("--kills", type=int, default=2, help="how many times the worker is stopped mid-way")
    parser.add_argument(
        "--signal",
        choices=tuple(STOP_SIGNALS),
        default="kill",
        help="kill: SIGKILL, as in a crash (the default); term: SIGTERM, as on a deploy",
    )
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(sys.argv[1:] if argv is None and __name__ == "__main__" else argv or [])
    if args.worker:
        asyncio.run(_run_worker())
        return
    platforms = ("line", "telegram") if args.platform == "both" else (args.platform,)
    with tempfile.TemporaryDirectory(prefix="hpp-bench-") as tmp:
        folder = Path(tmp)
        print("preparing a seeded database ...", flush=True)
        template = prepare_template(folder)
        for platform in platforms:
            result = run_platform(
                template, folder, platform, args.recipients, args.kills, args.timeout, STOP_SIGNALS[args.signal]
            )
            result.print()


if __name__ == "__main__":
    main()
