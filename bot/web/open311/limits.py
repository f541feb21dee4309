"""Rate limits of the Open311 API: a token bucket per client IP and one per API key, held in this process's memory.

With several web processes each keeps its own buckets, so the limit a client meets is per process; that is
enough to blunt a runaway client, and documented as such (README)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_BUCKETS = 10_000  # beyond this many clients, buckets that have refilled are forgotten


@dataclass
class _Bucket:
    tokens: float
    at: float


@dataclass
class TokenBuckets:
    """`burst` requests at once, then `per_second` a second, per key."""

    burst: float
    per_second: float
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[str, _Bucket] = field(default_factory=dict)

    def take(self, key: str) -> float:
        """0 when the request may go ahead (a token is taken); else the seconds until one is there."""
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= MAX_BUCKETS:
                self._forget_full(now)
            bucket = self._buckets[key] = _Bucket(self.burst, now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.per_second)
        bucket.at = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self.per_second

    def _forget_full(self, now: float) -> None:
        for key, bucket in list(self._buckets.items()):
            if bucket.tokens + (now - bucket.at) * self.per_second >= self.burst:
                del self._buckets[key]


@dataclass
class RateLimits:
    per_ip: TokenBuckets = field(default_factory=lambda: TokenBuckets(burst=60, per_second=1))
    per_key: TokenBuckets = field(default_factory=lambda: TokenBuckets(burst=30, per_second=0.5))

    def wait_for(self, ip: str, key: str | None = None) -> int:
        """Whole seconds to wait (the Retry-After), 0 when the request may go ahead."""
        seconds = self.per_ip.take(ip)
        if not seconds and key is not None:
            seconds = self.per_key.take(key)
        return math.ceil(seconds) if seconds else 0
