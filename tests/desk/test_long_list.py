"""A list longer than the desk counts (stats.COUNT_LIMIT): the page says "more than" and offers the next page."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.domain import stats
from tests.desk.support import DeskClient, desk_client


@pytest.fixture
async def desk(sqlite_url: str) -> AsyncIterator[DeskClient]:
    async for client in desk_client(sqlite_url):
        yield client


async def test_the_list_says_more_than_the_limit_and_offers_a_next_page(
    desk: DeskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stats, "COUNT_LIMIT", 2)
    for number in range(1, 5):
        await desk.complaint(number, "เชียงราย")
    await desk.sign_in("secretariat-1")
    listed = await desk.http.get("/desk/complaints")
    assert listed.status_code == 200
    assert "มากกว่า 2 เรื่อง" in listed.text and "หน้า 1<" in listed.text and "หน้า 1 จาก" not in listed.text
    assert "page=2" in listed.text
    monkeypatch.setattr(stats, "COUNT_LIMIT", 1000)
    counted = await desk.http.get("/desk/complaints")
    assert "4 เรื่อง" in counted.text and "มากกว่า" not in counted.text
