"""Percentage of target for KPIs of every direction and unit (what the KPI card's bar shows)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.domain.progress import BadValue, ReportedValue, parse_number, parse_value, percent_of_target
from storage.models import Kpi


def kpi(unit: str = "number", **fields: Any) -> Kpi:
    return Kpi(name_th="k", unit=unit, higher_is_better=fields.pop("higher_is_better", True), **fields)


@pytest.mark.parametrize(
    ("fields", "value", "percent"),
    [
        ({"baseline": 0, "target": 200}, 50, 25.0),
        ({"baseline": None, "target": 200}, 300, 100.0),  # capped
        ({"baseline": 75, "target": 50, "higher_is_better": False}, 80, 0.0),  # worse than the baseline
        ({"baseline": None, "target": 50, "higher_is_better": False}, 100, 50.0),
        ({"baseline": 10, "target": 10}, 12, 100.0),
        ({"baseline": 0, "target": None}, 12, None),
    ],
)
def test_percent_of_target(fields: dict[str, Any], value: float, percent: float | None) -> None:
    assert percent_of_target(kpi(**fields), ReportedValue(value, str(value))) == percent


def test_percent_unit_without_target_counts_to_100() -> None:
    assert percent_of_target(kpi("percent"), ReportedValue(64, "64")) == 64.0


def test_milestone_without_steps_has_no_percentage() -> None:
    assert percent_of_target(kpi("milestone"), ReportedValue(None, "ลงนาม MOU แล้ว")) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [("1,234.5", 1234.5), ("๑๒๓", 123.0), (" 7 ", 7.0), ("1e3", None), ("nan", None), ("-1", None), ("", None)],
)
def test_parse_number(text: str, value: float | None) -> None:
    assert parse_number(text) == value


def test_yes_no_cannot_be_typed_as_a_number() -> None:
    with pytest.raises(BadValue):
        parse_value(kpi("yesno"), "1")
