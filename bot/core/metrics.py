"""What this process counts as it works, for `GET /metrics` (bot/web/metrics.py): turn latency, failed events,
platform errors by status. Kept in memory, per process, like any Prometheus client's counters; what the
database knows (queues, broadcasts) is read from it when asked, so several processes never disagree on that.

Labels are fixed words and numbers (a channel, a status code, a failure kind): never a person or a chat."""

from __future__ import annotations

import bisect
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

Labels = tuple[tuple[str, str], ...]

TURN_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


@dataclass
class Counter:
    name: str
    help: str
    values: dict[Labels, float] = field(default_factory=dict)

    def inc(self, amount: float = 1.0, **labels: str) -> None:
        key = tuple(sorted(labels.items()))
        with _lock:
            self.values[key] = self.values.get(key, 0.0) + amount


@dataclass
class Histogram:
    name: str
    help: str
    buckets: Sequence[float]
    counts: list[int] = field(default_factory=list)  # per bucket, not cumulative; the last is +Inf
    total: float = 0.0
    count: int = 0

    def __post_init__(self) -> None:
        self.counts = [0] * (len(self.buckets) + 1)

    def observe(self, value: float) -> None:
        with _lock:
            self.counts[bisect.bisect_left(self.buckets, value)] += 1
            self.total += value
            self.count += 1

    def cumulative(self) -> list[tuple[str, int]]:
        """(le, observations at most le) as the exposition format wants them, +Inf last."""
        running, out = 0, []
        for bound, seen in zip([*map(_number, self.buckets), "+Inf"], self.counts, strict=True):
            running += seen
            out.append((bound, running))
        return out


_lock = threading.Lock()

TURN_SECONDS = Histogram(
    "hpp_turn_latency_seconds",
    "Seconds from an event's arrival in the inbox to its turn being committed (replies queued).",
    TURN_BUCKETS,
)
INBOX_FAILED = Counter("hpp_inbox_events_failed_total", "Inbox events marked failed after their last attempt.")
PLATFORM_ERRORS = Counter("hpp_platform_errors_total", "Platform API calls that did not succeed, by answer.")

WEBHOOK_DROPPED = Counter(
    "hpp_webhook_dropped_total",
    "Signed webhook bodies or events that were not usable: answered 200 and not stored, by fixed reason.",
)

COUNTERS = (INBOX_FAILED, PLATFORM_ERRORS, WEBHOOK_DROPPED)
HISTOGRAMS = (TURN_SECONDS,)


def turns_applied(received: Iterable[datetime], now: datetime | None = None) -> None:
    """The inbox worker applied events that arrived at these times."""
    now = now or datetime.now(UTC)
    for at in received:
        TURN_SECONDS.observe(max(0.0, (now - at).total_seconds()))


def inbox_failed(kind: str) -> None:
    INBOX_FAILED.inc(kind=kind)


def platform_error(channel: str, status: int | str) -> None:
    """A platform answered an error (an HTTP status) or did not answer ("timeout", "network")."""
    PLATFORM_ERRORS.inc(channel=channel, status=str(status))


def webhook_dropped(channel: str, reason: str) -> None:
    WEBHOOK_DROPPED.inc(channel=channel, reason=reason)


def reset() -> None:
    """Forget everything counted (tests)."""
    with _lock:
        for counter in COUNTERS:
            counter.values.clear()
        for histogram in HISTOGRAMS:
            histogram.counts = [0] * (len(histogram.buckets) + 1)
            histogram.total, histogram.count = 0.0, 0


def _number(value: float) -> str:
    return repr(float(value))
