"""Telegram's sending limits: about 30 messages a second per bot, one a second per private chat with short bursts
allowed, twenty a minute per group.

Each limit is a token bucket, kept as the generic cell rate algorithm: the time a key's bucket is next "full up
to the burst". A sender reserves its place (so concurrent senders queue up instead of all waking at once) and sleeps
until it comes. Chats wait only for themselves: one busy chat never holds up another, only the bot-wide rate is
shared. The bot-wide rate holds across processes because only one process sends Telegram messages at a time (see
bot/core/outbox/rights.py).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

PRIVATE_CHAT_INTERVAL = 1.0
PRIVATE_CHAT_BURST = 3  # a three-message answer (a notice and its question) arrives at once
GROUP_CHAT_INTERVAL = 60.0 / 20
BOT_INTERVAL = 1.0 / 30
_PRUNE_AT = 10_000  # forget chats whose bucket is long full once this many are remembered


@dataclass
class Throttle:
    private_interval: float = PRIVATE_CHAT_INTERVAL
    private_burst: int = PRIVATE_CHAT_BURST
    group_interval: float = GROUP_CHAT_INTERVAL
    bot_interval: float = BOT_INTERVAL
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    _due: dict[str, float] = field(default_factory=dict)  # key -> theoretical arrival time of its next message
    _bot_due: float = 0.0

    def _reserve(self, key: str, interval: float, burst: int) -> float:
        """Book the key's next message; returns how long to wait for it."""
        now = self.clock()
        due = max(now, self._due.get(key, 0.0))
        wait = max(0.0, due - (burst - 1) * interval - now)
        self._due[key] = due + interval
        if len(self._due) > _PRUNE_AT:
            self._prune(now)
        return wait

    def _reserve_bot(self) -> float:
        now = self.clock()
        slot = max(now, self._bot_due)
        self._bot_due = slot + self.bot_interval
        return slot - now

    def _prune(self, now: float) -> None:
        for key in [key for key, due in self._due.items() if due < now]:
            del self._due[key]

    async def wait_turn(self, chat_id: str, *, is_group: bool) -> None:
        """Sleep until one more message may go to this chat."""
        if is_group:
            wait = self._reserve(chat_id, self.group_interval, 1)
        else:
            wait = self._reserve(chat_id, self.private_interval, self.private_burst)
        if wait > 0:
            await self.sleep(wait)
        # The bot-wide slot is booked only once the chat's turn has come, so no shared slot is wasted waiting.
        wait = self._reserve_bot()
        if wait > 0:
            await self.sleep(wait)

    def hold(self, chat_id: str, seconds: float) -> None:
        """Telegram said to wait (429): keep this chat quiet for that long, burst included."""
        now = self.clock()
        interval = self.private_interval
        quiet_until = now + seconds + (self.private_burst - 1) * interval
        self._due[chat_id] = max(self._due.get(chat_id, 0.0), quiet_until)
