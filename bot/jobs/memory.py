"""Giving freed memory back to the system.

A burst of webhooks (the memory soak test sends 10,000 fuzzed bodies, then 3,000 new users) leaves C's heap with
megabytes that Python has freed but glibc's malloc keeps for reuse, resident for the life of the process. Two
habits of long-running Python servers on glibc keep the serving process near its idle size:
- `limit_malloc_arenas()` at start-up: malloc keeps one heap ("arena") per thread that allocates, up to eight per
  core, each holding its own free memory; the database drivers' threads need no more than two between them;
- `run_memory_trim()`: every TRIM_SECONDS, `malloc_trim(0)` hands whole free pages back (a few milliseconds).
Elsewhere than glibc both do nothing.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
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


def trim() -> bool:
    """Return freed memory to the system; True if some was."""
    libc = _glibc()
    return bool(libc.malloc_trim(0)) if libc is not None else False


async def run_memory_trim(stop: asyncio.Event, seconds: float = TRIM_SECONDS) -> None:
    async def tick() -> bool:
        trim()
        return False  # nothing queued for the sender

    await every(seconds, "memory-trim", tick, lambda: None, stop)
