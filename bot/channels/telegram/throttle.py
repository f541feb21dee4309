"""Telegram's sending limits, shared by everything this process sends: about 30 messages a second per bot,
one a second per private chat, twenty a minute per group.

Each key keeps the time of its next free slot; a sender reserves the slot (so concurrent senders queue up
instead of all waking at once) and sleeps until it comes. Chats wait only for themselves: one busy chat never
holds up another, only the bot-wide rate is shared.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

PRIVATE_CHAT_INTERVAL = 1.0
GROUP_CHAT_INTERVAL = 60.0 / 20
BOT_INTERVAL = 1.0 / 30
_PRUNE_AT = 10_000  # forget chats whose slot is long past once this many are remembered


@dataclass
class Throttle:
    private_interval: float = PRIVATE_CHAT_INTERVAL
    group_interval: float = GROUP_CHAT_INTERVAL
    bot_interval: float = BOT_INTERVAL
    clock: Callable[[], float] = time.monotonic
    _next_free: dict[str, float] = field(default_factory=dict)
    _bot_next_free: float = 0.0

    def _reserve(self, key: str, interval: float) -> float:
        """Book the key's next slot; returns how long to wait for it."""
        now = self.clock()
        slot = max(now, self._next_free.get(key, 0.0))
        self._next_free[key] = slot + interval
        if len(self._next_free) > _PRUNE_AT:
            self._prune(now)
        return slot - now

    def _reserve_bot(self) -> float:
        now = self.clock()
        slot = max(now, self._bot_next_free)
        self._bot_next_free = slot + self.bot_interval
        return slot - now

    def _prune(self, now: float) -> None:
        for key in [key for key, free in self._next_free.items() if free < now]:
            del self._next_free[key]

    async def wait_turn(self, chat_id: str, *, is_group: bool) -> None:
        """Sleep until one more message may go to this chat."""
        wait = self._reserve(chat_id, self.group_interval if is_group else self.private_interval)
        if wait > 0:
            await asyncio.sleep(wait)
        # The bot-wide slot is booked only once the chat's turn has come, so no shared slot is wasted waiting.
        wait = self._reserve_bot()
        if wait > 0:
            await asyncio.sleep(wait)

    def hold(self, chat_id: str, seconds: float) -> None:
        """Telegram said to wait (429): keep this chat quiet for that long."""
        now = self.clock()
        self._next_free[chat_id] = max(self._next_free.get(chat_id, 0.0), now + seconds)
