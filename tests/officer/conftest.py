"""Fixtures for the officers' stories: services on SQLite (the default) or on both databases."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.core.i18n import reload_translations
from bot.services import Services
from tests.conftest import make_settings
from tests.support.chat import RecordingChannel


@pytest.fixture
async def services_any(any_database_url: str) -> AsyncIterator[Services]:
    """Running services on a seeded SQLite database, and again on PostgreSQL."""
    reload_translations()
    built = Services.build(make_settings(any_database_url), channels={"simulator": RecordingChannel("simulator")})
    await built.open()
    yield built
    await built.close()
