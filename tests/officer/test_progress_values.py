"""Progress per kind and direction (bot/domain/figures.py), and typed values checked against a KPI's kind."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.domain.figures import average, figures, level_percent
from bot.domain.periods import schedule
from bot.domain.progress import BadValue, parse_number, parse_value
from storage.models import Kpi, ProgressReport

FY = 2570  # 1 Oct 2026 – 30 Sep 2027: 365 days
MONTHLY = schedule("monthly", 5, FY)


def kpi(kind: str = "level", unit: str = "number", **fields: Any) -> Kpi:
    higher = fields.pop("higher_is_better", True)
    return Kpi(name_th="k", kind=kind, unit=unit, higher_is_better=higher, reporting_cycle="monthly", **fields)


def report(value: float, period: date, *, made: datetime | None = None, superseded: bool = False) -> ProgressReport:
    made = made or datetime(period.year, period.month, 20, 3, tzinfo=UTC)
    return ProgressReport(value=value, period_on=period, created_at=made, superseded=superseded, value_text="")


@pytest.mark.parametrize(
    ("fields", "value", "percent"),
    [
        ({"baseline": 0, "target": 200}, 50, 25.0),
        ({"baseline": None, "target": 200}, 300, 100.0),  # capped at 100
        ({"baseline": 20000, "target": 10000, "higher_is_better": False}, 15000, 50.0),  # a backlog halved
        ({"baseline": 75, "target": 50, "higher_is_better": False}, 80, 0.0),  # worse than the baseline
        # Lower is better with no baseline: no start to measure from, so met or not (it was 50 %: target/value).
        ({"baseline": None, "target": 50, "higher_is_better": False}, 100, 0.0),
        ({"baseline": None, "target": 50, "higher_is_better": False}, 40, 100.0),
        ({"baseline": 10, "target": 10}, 12, 100.0),
        ({"baseline": 0, "target": None}, 12, None),
    ],
)
def test_level_progress_is_the_way_from_baseline_to_target(
    fields: dict[str, Any], value: float, percent: float | None
) -> None:
    assert level_percent(kpi(**fields), value) == percent


def test_a_percentage_without_a_target_counts_to_100() -> None:
    assert level_percent(kpi(unit="percent"), 64) == 64.0


def test_issue_12_a_cumulative_kpi_adds_its_periods_up_against_the_yearly_target() -> None:
    """One November report of 1,250 against a yearly 4,000 read 100 % on a straight line; it is 31 %."""
    yearly = kpi("cumulative", baseline=3000, target=4000)
    found = figures(yearly, [report(1250, date(2026, 11, 1))], MONTHLY)
    assert (found.value, found.percent, found.period_on) == (1250, 31.25, date(2026, 11, 1))
    # A second report for a period replaces its amount; a superseded one (corrected) never counts.
    reports = [
        report(1000, date(2026, 10, 1)),
        report(400, date(2026, 11, 1)),
        report(250, date(2026, 11, 1), made=datetime(2026, 12, 2, 3, tzinfo=UTC)),
        report(9999, date(2026, 11, 1), superseded=True),
    ]
    assert figures(yearly, reports, MONTHLY).value == 1250


def test_a_yearly_cap_progresses_with_the_year_kept_within_it() -> None:
    """Lower is better: the share of the year reported within the cap, 0 % once the cap is passed."""
    cap = kpi("cumulative", baseline=6000, target=4000, higher_is_better=False)
    october, november = date(2026, 10, 1), date(2026, 11, 1)
    two_months = figures(cap, [report(250, october), report(1000, november)], MONTHLY)
    assert two_months.value == 1250 and two_months.percent == pytest.approx(61 / 365 * 100)  # 17 %
    gap = figures(cap, [report(1000, november)], MONTHLY)  # October missing: the year is not accounted for yet
    assert gap.percent == 0.0
    whole_year = [report(300, period.start) for period in MONTHLY]  # 3,600 within 4,000
    assert figures(cap, whole_year, MONTHLY).percent == 100.0
    assert figures(cap, [report(4100, october)], MONTHLY).percent == 0.0


def test_a_milestone_is_its_stage_of_all_stages() -> None:
    four = kpi("milestone", stages=4)
    assert figures(four, [report(3, date(2026, 10, 1))], MONTHLY).percent == 75.0
    single = kpi("milestone", stages=1)
    assert figures(single, [report(1, date(2026, 10, 1))], MONTHLY).percent == 100.0


def test_an_average_counts_a_kpi_without_a_report_as_zero_and_says_how_many() -> None:
    """Issue 12: "ความก้าวหน้าเฉลี่ย 100.0" while 2 of 3 KPIs had no report; it is 33.3 with 2 unreported."""
    found = average([100.0, None, None])
    assert (round(found.mean or 0, 1), found.kpis, found.unreported) == (33.3, 3, 2)
    assert average([]).mean is None


@pytest.mark.parametrize(
    ("text", "value"),
    [("1,234.5", 1234.5), ("๑๒๓", 123.0), (" 7 ", 7.0), ("1e3", None), ("nan", None), ("-1", None), ("", None)],
)
def test_parse_number(text: str, value: float | None) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize(
    ("kind", "fields", "text"),
    [
        ("milestone", {"stages": 1}, "1"),  # done or not: the Yes and No buttons
        ("milestone", {"stages": 4}, "ขั้นที่ 5"),
        ("milestone", {"stages": 4}, "2 จาก 3"),
        ("milestone", {"stages": 4}, "ลงนาม MOU แล้ว"),
        ("level", {"unit": "percent"}, "101"),
        ("cumulative", {}, "-3"),
    ],
)
def test_a_value_that_does_not_fit_the_kind_is_refused(kind: str, fields: dict[str, Any], text: str) -> None:
    with pytest.raises(BadValue):
        parse_value(kpi(kind, **fields), text)


def test_a_stage_is_read_from_the_officers_words() -> None:
    four = kpi("milestone", stages=4)
    assert parse_value(four, "ขั้นที่ ๓ จาก ๔ เปิดทดลองแล้ว").value == 3.0
    assert parse_value(four, "2").value == 2.0
