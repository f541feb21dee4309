"""Fixtures of the desk's tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.desk.browser import Live, serve


@pytest.fixture
async def live(sqlite_url: str) -> AsyncIterator[Live]:
    """The real app on a loopback port, workers on; map tiles from the app itself (no network here)."""
    async for served in serve(sqlite_url):
        yield served
