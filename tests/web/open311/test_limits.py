"""The token bucket on a clock the test moves: a burst, then one request per interval; forgetting idle clients."""

from __future__ import annotations

import pytest

from bot.web.open311 import limits
from bot.web.open311.limits import RateLimits, TokenBuckets


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_then_one_a_second() -> None:
    clock = Clock()
    buckets = TokenBuckets(burst=3, per_second=1, clock=clock)
    assert [buckets.take("ip") for _ in range(3)] == [0, 0, 0]
    assert buckets.take("ip") == 1.0
    assert buckets.take("other") == 0  # another client has its own bucket
    clock.now += 0.5
    assert buckets.take("ip") == 0.5
    clock.now += 0.5
    assert buckets.take("ip") == 0
    clock.now += 60
    assert [buckets.take("ip") for _ in range(4)] == [0, 0, 0, 1.0]  # refilled to the burst, no more


def test_retry_after_is_whole_seconds_and_the_key_is_checked_after_the_ip() -> None:
    clock = Clock()
    rates = RateLimits(TokenBuckets(2, 1, clock), TokenBuckets(1, 0.25, clock))
    assert rates.wait_for("1.2.3.4", "key") == 0
    assert rates.wait_for("1.2.3.4", "key") == 4
    assert rates.wait_for("1.2.3.4") == 1


def test_idle_clients_are_forgotten_when_there_are_too_many(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    buckets = TokenBuckets(burst=1, per_second=1, clock=clock)
    monkeypatch.setattr(limits, "MAX_BUCKETS", 2)
    buckets.take("a")
    clock.now += 5
    buckets.take("b")  # still within the limit: "a" stays
    buckets.take("c")  # one too many: "a" has refilled and goes; "b" is still owed a token
    assert set(buckets._buckets) == {"b", "c"}
