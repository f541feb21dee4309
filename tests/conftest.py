"""Shared fixtures: a fresh seeded database per test (SQLite by default, PostgreSQL where asked), settings,
and the running services with recording channels."""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator, Iterator
from pathlib import Path

import pytest

from bot.core.i18n import reload_translations
from bot.services import Services
from bot.settings import Settings
from tests.support.chat import Chat, RecordingChannel, forget_chats, labels_over_line_limit, transcript
from tests.support.clock import Clock
from tests.support.databases import PostgresTemplate, SqliteTemplate, postgres_server_url


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, object, object]:
    """Each test starts with no chats; the transcript is of its own."""
    forget_chats()
    try:
        return (yield)
    finally:
        forget_chats()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failing conversation test shows the conversation: who said what, the bot's replies and their buttons."""
    report = yield
    if report.failed and call.when != "teardown":
        told = transcript()
        if told:
            report.sections.append(("transcript", told))
    return report


@pytest.fixture(autouse=True)
def labels_fit_line() -> Iterator[None]:
    """Every transcript is also a label check: each button a LINE or simulator chat was shown fits LINE's 20
    characters, so every menu, question and card of every flow a test walks is rendered and measured (issue 15)."""
    yield
    too_long = labels_over_line_limit()
    assert not too_long, f"button labels over LINE's 20 characters: {too_long}"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplate:
    return SqliteTemplate(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[PostgresTemplate]:
    template = PostgresTemplate(postgres_server_url())
    yield template
    template.drop_all()


@pytest.fixture
def sqlite_url(sqlite_template: SqliteTemplate, tmp_path: Path) -> str:
    return sqlite_template.copy(tmp_path)


@pytest.fixture
async def postgres_url(postgres_template: PostgresTemplate) -> AsyncIterator[str]:
    url = await postgres_template.copy()
    yield url
    await postgres_template.drop(url)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_database_url(request: pytest.FixtureRequest) -> str:
    """A seeded database on SQLite and again on PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(name))


def make_settings(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": database_url,
        "run_workers_in_web": False,
        # The reminders and digests go by the wall clock: a test that wants them runs the scheduler itself, or asks.
        "run_scheduler": False,
        "line_channel_secret": None,
        "line_channel_access_token": None,
        "telegram_bot_token": None,
        "telegram_webhook_secret": None,
        "public_base_url": "http://127.0.0.1:8000",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg, arg-type]


@pytest.fixture
def settings(sqlite_url: str) -> Settings:
    return make_settings(sqlite_url)


@pytest.fixture
async def services(settings: Settings) -> AsyncIterator[Services]:
    reload_translations()
    built = Services.build(settings, channels={"simulator": RecordingChannel("simulator")})
    await built.open()
    yield built
    await built.close()


@pytest.fixture
def chat(services: Services) -> Chat:
    return Chat(services, user="citizen-test-1")


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Set the day the conversations see: `clock.set(fiscal_day(12, 3))`."""
    return Clock(monkeypatch)
