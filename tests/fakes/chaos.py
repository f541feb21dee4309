"""Faults at random on a share of a fake platform's delivery calls, as a flaky platform gives them (issue 16's soak):
flood control (429 with a retry-after), a server error (500), or a hang past the client's timeout. A faulty call
delivers nothing, so whatever the bot sends again after one is not a duplicate."""

from __future__ import annotations

import random
import threading
from collections import Counter
from dataclasses import dataclass, field

FAULTS = ("429", "500", "hang")


@dataclass
class Chaos:
    rate: float  # the share of delivery calls that fail
    hang_seconds: float  # longer than the bot's client timeouts (LINE 10 s, Telegram 5 s)
    retry_after: int = 1
    seed: int = 16
    counts: Counter[str] = field(default_factory=Counter)
    _random: random.Random = field(init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def pick(self) -> str | None:
        """The fault for this call, or None to answer it normally; counted either way."""
        with self._lock:
            fault = self._random.choice(FAULTS) if self._random.random() < self.rate else None
            self.counts[fault or "ok"] += 1
        return fault
