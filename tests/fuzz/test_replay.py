"""Every body that once crashed the app, posted again through the real app: answered 200, and whatever it stored
is applied (nothing failed, nothing left pending)."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from pathlib import Path

import pytest

from tests.fakes.line_api import FakeLineApi
from tests.fakes.telegram_api import TOKEN, FakeTelegramApi
from tests.fuzz.harness import CRASHES, line_app, telegram_app

SAVED = sorted(CRASHES.glob("*.body"))


def test_the_corpus_holds_both_platforms() -> None:
    assert {path.name.split("-", 1)[0] for path in SAVED} == {"line", "telegram"}


@pytest.mark.parametrize("saved", SAVED, ids=[path.stem for path in SAVED])
def test_a_body_that_once_crashed_the_app_is_answered_200_and_drains(sqlite_url: str, saved: Path) -> None:
    body = saved.read_bytes()
    with FakeLineApi() as line_api, FakeTelegramApi(TOKEN) as telegram_api, asyncio.Runner() as runner:
        stack = AsyncExitStack()
        try:
            make_app = line_app if saved.name.startswith("line-") else telegram_app
            api = line_api if saved.name.startswith("line-") else telegram_api
            app = make_app(runner, stack, sqlite_url, api.url)
            assert app.post(body) == 200
            assert set(app.drain()) <= {"done"}
        finally:
            runner.run(stack.aclose())
