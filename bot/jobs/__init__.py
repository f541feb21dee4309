"""Long-running loops: the reminder scheduler and the broadcast worker. The services start them; importing a
module here starts nothing."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


async def every(
    seconds: float,
    name: str,
    tick: Callable[[], Awaitable[bool]],
    on_work: Callable[[], None],
    stop: asyncio.Event,
) -> None:
    """Run `tick` every `seconds` until `stop` is set; `on_work` is called when a tick queued something (to wake
    the outbox sender). A failing tick is logged and tried again at the next one. The loop ends at `stop`, so a
    shutdown never depends on a cancellation reaching it through the database drivers."""
    while not stop.is_set():
        try:
            if await tick():
                on_work()
        except Exception:
            log.exception("%s: a round failed; trying again", name)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=seconds)
