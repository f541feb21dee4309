"""Fuzzing both webhooks through the real app: FUZZ_BODIES (2,000 by default) validly signed bodies per platform,
each a real event or update broken at random, or any JSON at all (FUZZ_EXPLORE=1 draws new ones each run). No
answer may be a 5xx, and the inbox must drain: every stored row applied, none failed, none left pending. A body
that breaks either is saved in tests/data/fuzz/ (replayed by test_replay.py) and fails the test."""

from __future__ import annotations

import asyncio
import os
from contextlib import AsyncExitStack
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.fakes.line_api import FakeLineApi
from tests.fakes.telegram_api import TOKEN, FakeTelegramApi
from tests.fuzz.bodies import line_bodies, telegram_bodies
from tests.fuzz.harness import FuzzedApp, line_app, save_crash, telegram_app

FUZZ_BODIES = int(os.environ.get("FUZZ_BODIES", "2000"))
DRAIN_EVERY = 25


def fuzz(app: FuzzedApp, bodies: st.SearchStrategy[bytes], platform: str) -> None:
    crashes: list[Path] = []
    failed_so_far = 0
    since_drain: list[bytes] = []  # the inbox is drained every DRAIN_EVERY bodies, as a busy worker would

    @settings(
        max_examples=FUZZ_BODIES,
        deadline=None,
        database=None,
        # The same bodies every run (a failure is a regression, never luck); FUZZ_EXPLORE=1 draws new ones.
        derandomize=not os.environ.get("FUZZ_EXPLORE"),
        phases=[Phase.generate],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    )
    @given(body=bodies)
    def post_and_apply(body: bytes) -> None:
        nonlocal failed_so_far
        if app.post(body) >= 500:
            crashes.append(save_crash(platform, body))
        since_drain.append(body)
        if len(since_drain) < DRAIN_EVERY:
            return
        failed = app.drain().get("failed", 0)
        if failed > failed_so_far:  # one of these bodies stored a row that cannot be applied: keep them all
            crashes.extend(save_crash(platform, suspect) for suspect in since_drain)
        failed_so_far = failed
        since_drain.clear()

    post_and_apply()
    rows = app.drain()
    if rows.get("failed", 0) > failed_so_far:
        crashes.extend(save_crash(platform, suspect) for suspect in since_drain)
    print(f"\n{platform}: {sum(app.statuses.values())} bodies, answers {dict(app.statuses)}, inbox rows {rows}")
    assert crashes == [], f"bodies that crashed the app, saved for the replay test: {crashes}; {app.failed_errors()}"
    assert sum(app.statuses.values()) == FUZZ_BODIES
    assert set(rows) <= {"done"}, rows  # nothing pending, nothing failed


def test_fuzzed_signed_line_bodies_never_get_a_5xx_and_the_inbox_drains(sqlite_url: str) -> None:
    with FakeLineApi() as fake, asyncio.Runner() as runner:
        stack = AsyncExitStack()
        try:
            fuzz(line_app(runner, stack, sqlite_url, fake.url), line_bodies(), "line")
        finally:
            runner.run(stack.aclose())


def test_fuzzed_telegram_updates_never_get_a_5xx_and_the_inbox_drains(sqlite_url: str) -> None:
    with FakeTelegramApi(TOKEN) as fake, asyncio.Runner() as runner:
        stack = AsyncExitStack()
        try:
            fuzz(telegram_app(runner, stack, sqlite_url, fake.url), telegram_bodies(), "telegram")
        finally:
            runner.run(stack.aclose())
