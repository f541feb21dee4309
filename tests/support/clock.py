"""A chosen day for conversation tests about reporting periods: what the flows see as now (`ctx.now`), in the
fiscal year the seed put the CEO agendas in. The outbox keeps the real clock, so replies are still delivered."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot.core.engine import Engine
from bot.core.i18n import BANGKOK
from storage.seed import date_in_fiscal_year, fiscal_year_of

SEEDED_YEAR = fiscal_year_of(date.today())  # the seed runs today and puts the CEO agendas in this fiscal year


def fiscal_day(month: int, day: int, *, year_be: int = SEEDED_YEAR) -> date:
    """That day in the seeded fiscal year: fiscal_day(12, 3) is 3 Dec of its first calendar year."""
    return date_in_fiscal_year(year_be, month, day)


def bangkok(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=BANGKOK).astimezone(UTC)


class Clock:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch
        self.original = Engine._ctx  # the real one, whatever day was set before

    def set(self, day: date, hour: int = 10) -> datetime:
        """From now on the flows see `day` at `hour`, Bangkok time; returns that moment."""
        moment = bangkok(day, hour)
        original = self.original

        def at_moment(engine: Engine, *args: object) -> object:
            *rest, _now = args
            return original(engine, *rest, moment)  # type: ignore[arg-type]

        self.monkeypatch.setattr(Engine, "_ctx", at_moment)
        return moment
