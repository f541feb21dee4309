"""Issue 16 (memory): what Python frees after a burst goes back to the system (bot/jobs/memory.py), here with a
heap left full of holes, which malloc cannot shrink from its top by itself. Issue 11: a served process leaves its
start-up heap out of the cycle collector's full collections."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from bot import app as app_module
from bot.app import create_app
from tests.conftest import make_settings

BURST = """
from bot.jobs.memory import trim

def resident_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) // 1024

blocks = [bytearray(2000) for _ in range(30_000)]  # 60 MB of C heap, in pieces malloc keeps for reuse
kept = blocks[::100]  # one in a hundred stays: no free stretch at the top of the heap
del blocks
before = resident_mb()
trimmed = trim()
print(before, resident_mb(), trimmed)
"""


def test_a_trim_gives_back_what_a_burst_left_free() -> None:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(BURST)], capture_output=True, text=True, check=True, timeout=60
    )
    before, after, trimmed = done.stdout.split()
    assert trimmed == "True"
    assert int(before) - int(after) >= 40  # of the ~60 MB freed


SETTLE = """
import gc
from bot.app import create_app  # the app's modules, as a served process has them
from bot.jobs.memory import settle_heap

tracked = len(gc.get_objects())
settle_heap()
print(tracked, gc.get_freeze_count(), len(gc.get_objects()))
"""


def test_settling_leaves_the_start_up_heap_out_of_full_collections() -> None:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(SETTLE)], capture_output=True, text=True, check=True, timeout=60
    )
    tracked, frozen, still_walked = (int(n) for n in done.stdout.split())
    assert tracked > 50_000  # SQLAlchemy's mappers, the SDKs' models, the app: what each full collection walked
    assert frozen > tracked * 0.9
    assert still_walked < 1_000


async def test_a_served_app_settles_its_heap_once_it_is_up(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    settled: list[None] = []
    monkeypatch.setattr(app_module, "settle_heap", lambda: settled.append(None))
    served = create_app(make_settings(sqlite_url), run_workers=False, settle=True)
    async with served.router.lifespan_context(served):
        assert settled == [None]
    in_tests = create_app(make_settings(sqlite_url), run_workers=False)  # many apps in one process: no
    async with in_tests.router.lifespan_context(in_tests):
        assert settled == [None]
