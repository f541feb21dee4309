"""The public pages and the Open311 API over many complaints (issue 14): p50 and p95 of each page as a visitor
gets it (HTTP in-process through the app, no ETag sent), on SQLite: rendered in full (the pages' 20-second memory
emptied before each request) and as served again from that memory.

The database is filled by `hpp-bot demo-data` (bot/cli/demo.py) as for the desk's benchmark; one complaint in five is
then marked as consented to publication, so that the map and the latest resolved complaints have rows to show.

    python -m bench.public --complaints 1000000 --repeat 20     # the issue's figure (the fill takes many minutes)
    python -m bench.public --complaints 100000                  # a quicker look
    python -m bench.public --url postgresql+asyncpg://…/db       # a database filled already (SQLite or PostgreSQL)

Measured 29 Nov 2026, 1,000,000 complaints, 20 requests each, load average 10-16 on the shared 2-core machine;
rendered in full (the memory emptied before each request), p50 / p95 in ms:
                          SQLite          PostgreSQL
  /p/CRI                  48 /  72       110 / 266  (65 / 90 in the run before, at load 13)
  /p                       5 /   5        23 /  41
  /p?group=pilot2021       4 /   4        13 /  26
  /p/t/{ticket}          2.6 / 3.0        20 /  67
  /p/data/provinces.json  99 / 249        67 / 155  (a download: exempt, but small)
Served again from the 20-second memory, every page answers in under 10 ms at p95.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from sqlalchemy import select, text, update

from bench.desk import _admin, _fill, _percentile
from bot.app import create_app
from bot.settings import Settings
from bot.web.open311.limits import RateLimits, TokenBuckets
from storage.db import Database
from storage.models import Complaint

PAGES = (
    "/p/CRI",
    "/p",
    "/p?group=pilot2021",
    "/p/t/{ticket}",
    "/open311/v2/requests.json?jurisdiction_id=CRI",
    "/open311/v2/requests/{ticket}.xml",
    "/p/data/provinces.json",
)


async def _consent(url: str) -> str:
    db = Database(url)
    try:
        async with db.write() as session:
            await session.execute(update(Complaint).where(Complaint.id % 5 == 0).values(publish_consent=True))
            await session.execute(text("ANALYZE"))
        async with db.read() as session:
            ticket = await session.scalar(select(Complaint.ticket_no).order_by(Complaint.id.desc()).limit(1))
    finally:
        await db.close()
    if url.startswith("postgresql"):
        # What autovacuum does after an update of a fifth of the table: index-only scans of the open complaints
        # (the figures' open and overdue counts) read the heap again until it has.
        await _admin(url, "VACUUM ANALYZE complaints")
    return str(ticket)


async def _measure(url: str, ticket: str, repeat: int) -> None:
    settings = Settings(_env_file=None, database_url=url, run_workers_in_web=False)  # type: ignore[call-arg]
    app = create_app(settings, run_workers=False)
    app.state.public_pages = {}
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench.test") as http:
            app.state.open311_limits = RateLimits(per_ip=TokenBuckets(burst=1e9, per_second=1e9))
            for path in PAGES:
                path = path.format(ticket=ticket)
                assert (await http.get(path)).status_code == 200, path  # warm-up
                rendered = await _times(http, path, repeat, forget=lambda: app.state.public_pages.clear())
                again = await _times(http, path, repeat, forget=lambda: None)
                print(
                    f"  {path:48} rendered p50 {rendered[0]:7.1f} p95 {rendered[1]:7.1f} ms"
                    f" | remembered p50 {again[0]:6.1f} p95 {again[1]:6.1f} ms"
                )


async def _times(http: httpx.AsyncClient, path: str, repeat: int, forget: Callable[[], None]) -> tuple[float, float]:
    """p50 and p95 of `repeat` requests; `forget` empties the pages' memory before each (a full render)."""
    times = []
    for _ in range(repeat):
        forget()
        started = time.perf_counter()
        response = await http.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    times.sort()
    return times[len(times) // 2], _percentile(times, 0.95)


async def _run(count: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        seconds = await _fill(url, count)
        print(f"sqlite: {count} complaints inserted in {seconds:.0f} s", flush=True)
        await _measure(url, await _consent(url), repeat)


async def _existing(url: str, repeat: int) -> None:
    print(f"{url.split(':', 1)[0]}: a database already filled", flush=True)
    await _measure(url, await _consent(url), repeat)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.public")
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--url", help="measure this database, already filled (hpp-bot demo-data), instead")
    args = parser.parse_args(argv)
    if args.url:
        asyncio.run(_existing(args.url, args.repeat))
        return
    asyncio.run(_run(args.complaints, args.repeat))


if __name__ == "__main__":
    main()
