"""One reporting period (bot/domain/periods.py): the periods of a fiscal year, the report window a day falls in,
the period a report is for, and what is owed."""

from __future__ import annotations

from datetime import date

from bot.domain.periods import owed, period_for_report, schedule, window_period

FY = 2570  # 1 Oct 2026 – 30 Sep 2027
MONTHLY = schedule("monthly", 5, FY)
OCT, NOV, DEC = date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)


def test_monthly_and_quarterly_periods_are_due_the_month_after_and_end_with_the_fiscal_year() -> None:
    assert len(MONTHLY) == 12
    assert (MONTHLY[0].start, MONTHLY[0].end, MONTHLY[0].due) == (OCT, date(2026, 10, 31), date(2026, 11, 5))
    assert (MONTHLY[-1].start, MONTHLY[-1].due) == (date(2027, 9, 1), date(2027, 10, 5))
    quarters = schedule("quarterly", 10, FY)
    assert [q.due for q in quarters] == [date(2027, 1, 10), date(2027, 4, 10), date(2027, 7, 10), date(2027, 10, 10)]
    assert [(q.start, q.end) for q in quarters][1] == (date(2027, 1, 1), date(2027, 3, 31))
    [year] = schedule("none", None, FY, due_on=date(2027, 5, 31))
    assert (year.start, year.end, year.due) == (OCT, date(2027, 9, 30), date(2027, 5, 31))
    assert schedule("monthly", None, FY)[3].due == date(2027, 2, 28)  # no day: the month's last


def test_a_day_falls_in_the_window_of_the_period_whose_report_is_due_next() -> None:
    assert window_period(MONTHLY, date(2026, 12, 3)).start == NOV  # November's report is due on 5 Dec
    assert window_period(MONTHLY, date(2026, 12, 5)).start == NOV
    assert window_period(MONTHLY, date(2026, 12, 6)).start == DEC
    assert window_period(MONTHLY, date(2026, 9, 1)).start == OCT  # before the year: its first period
    assert window_period(MONTHLY, date(2027, 12, 1)).start == date(2027, 9, 1)  # after it: its last


def test_a_cumulative_report_fills_the_earliest_missing_period_and_a_level_one_the_current() -> None:
    day = date(2026, 12, 3)
    assert period_for_report("cumulative", MONTHLY, set(), day).start == OCT
    assert period_for_report("cumulative", MONTHLY, {OCT}, day).start == NOV
    assert period_for_report("cumulative", MONTHLY, {OCT, NOV}, day).start == NOV  # again: replaces November
    assert period_for_report("level", MONTHLY, set(), day).start == NOV


def test_what_is_owed_and_a_level_report_covering_the_months_before_it() -> None:
    day = date(2026, 12, 8)
    missing = owed("cumulative", MONTHLY, {OCT}, day)
    assert missing is not None and missing.period.start == NOV and missing.overdue
    assert owed("level", MONTHLY, {DEC}, day) is None  # December's value stands for the months before it
    current = owed("level", MONTHLY, {NOV}, day)
    assert current is not None and current.period.start == DEC and not current.overdue


def test_issue_12_nothing_is_owed_after_the_fiscal_year_once_its_reports_are_in() -> None:
    """A monthly KPI stayed overdue month after month once the fiscal year was over."""
    every_month = {period.start for period in MONTHLY}
    for day in (date(2027, 10, 6), date(2027, 12, 1), date(2028, 3, 1)):
        assert owed("level", MONTHLY, every_month, day) is None
        assert owed("cumulative", MONTHLY, every_month, day) is None
    september = owed("level", MONTHLY, {date(2027, 8, 1)}, date(2027, 11, 1))
    assert september is not None and september.period.start == date(2027, 9, 1)  # the last report really is late
