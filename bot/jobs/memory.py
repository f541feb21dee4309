"""Giving freed memory back to the system.

A burst of webhooks (the memory soak test sends 10,000 fuzzed bodies, then 3,000 new users) leaves C's heap with
megabytes that Python has freed but glibc's malloc keeps for reuse, resident for the life of the process. Two
habits of long-running Python servers on glibc keep the serving process near its idle size:
- `limit_malloc_arenas()` at start-up: malloc keeps one heap ("arena") per thread that allocates, up to eight per
  core, each holding its own free memory; the database drivers' threads need no more than two between them;
- `run_memory_trim()`: every TRIM_SECONDS, `malloc_trim(0)` hands whole free pages back (a few milliseconds).
Elsewhere than glibc both do nothing.

And one habit for Python's cycle collector: `settle_heap()` once the process is up. A full collection walks every
object the collector tracks; with the app, its SDKs and its caches loaded that took 130-145 ms, in the event loop,
22 times in a 60-second burst of 200 events a second, and it alone made the webhooks' ack p99 (issue 11). What is
alive at start-up lives as long as the process: frozen, the collector no longer walks it.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import gc
import os
from functools import cache

from bot.jobs import every

TRIM_SECONDS = 10.0
MALLOC_ARENAS = 2
M_ARENA_MAX = -8  # glibc's mallopt parameter


@cache
def _glibc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None


def limit_malloc_arenas() -> None:
    """At start-up, before the threads: two malloc arenas, not one per thread (MALLOC_ARENA_MAX, if set, wins)."""
    libc = _glibc()
    if libc is not None and "MALLOC_ARENA_MAX" not in os.environ:
        libc.mallopt(M_ARENA_MAX, MALLOC_ARENAS)


def settle_heap() -> None:
    """Collect once, then leave what survived (the modules, the app, its caches) out of later collections."""
    gc.collect()
    gc.freeze()


def trim() -> bool:
    """Return freed memory to the system; True if some was."""
    libc = _glibc()
    return bool(libc.malloc_trim(0)) if libc is not None else False


async def run_memory_trim(stop: asyncio.Event, seconds: float = TRIM_SECONDS) -> None:
    async def tick() -> bool:
        trim()
        return False  # nothing queued for the sender

    await every(seconds, "memory-trim", tick, lambda: None, stop)
