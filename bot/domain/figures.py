"""What a KPI's reports add up to, by its kind and direction, and its progress from 0 to 100 %: one definition
for the KPI card, the province summary, the comparison of provinces and the exports.

cumulative: each report is one period's amount (the latest report of a period stands for it); the figure is
    their sum, year to date. The baseline (last year's total) is shown beside it, not used in the arithmetic.
    - higher is better: progress is the sum against the yearly target. 1,250 of 4,000 is 31 %.
    - lower is better, a yearly cap (hotspots, days of bad air): the sum alone is no progress (a year with no
      hotspots at all would read 0 %, and 3,900 of a 4,000 cap would read as nearly done). The goal is a whole
      year within the cap, so progress is the share of the fiscal year the reports cover while the sum stays
      within it: October and November reported within the cap is 17 %, the whole year 100 %. Once the sum
      passes the cap the year's goal is lost: 0 %. The card shows the share of the cap used beside it.
level: each report is the value now; the figure is the latest report. Progress is the way covered from the
    baseline to the target, (value − baseline) / (target − baseline), in either direction: a backlog of 15,000
    tonnes from 20,000 towards 10,000 is 50 %. Without a baseline, higher is better counts from 0; lower is
    better has nowhere to count from, so it is 100 % at or under the target and 0 % above it. A percentage KPI
    without a target aims at 100 %.
milestone: each report is the stage reached; progress is stage / stages (a single stage: done or not).

Progress stays within 0–100 %. A KPI without a report has no progress (None); averages count it as 0 % and say
how many there are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.periods import Period, covered, local_day, report_period_on
from storage.models import Kpi, KpiKind, KpiUnit, ProgressReport, ReportingCycle


@dataclass(frozen=True)
class Figures:
    value: float | None = None  # the year-to-date sum, the latest value or the stage reached
    percent: float | None = None
    period_on: date | None = None  # the first day of the newest period reported
    reported_at: datetime | None = None


def _clamp(percent: float) -> float:
    return max(0.0, min(100.0, percent))


def figures(kpi: Kpi, reports: Sequence[ProgressReport], periods: Sequence[Period]) -> Figures:
    """The KPI's figures from its standing reports (superseded ones are left out)."""
    standing = sorted(
        ((report_period_on(periods, r.period_on, r.created_at), r) for r in reports if not r.superseded),
        key=lambda item: (item[0], item[1].created_at, item[1].id or 0),
    )
    if not standing:
        return Figures()
    (period_on, latest), reported_at = standing[-1], max(r.created_at for _period, r in standing)
    if kpi.kind == KpiKind.CUMULATIVE:
        by_period = dict(standing)  # a period's latest report stands for it
        total = sum(r.value or 0.0 for r in by_period.values())
        percent = cumulative_percent(kpi, total, periods, set(by_period), local_day(reported_at))
        return Figures(total, percent, period_on, reported_at)
    if kpi.kind == KpiKind.MILESTONE:
        stage = milestone_stage(kpi, latest.value)
        return Figures(stage, milestone_percent(kpi, stage), period_on, reported_at)
    value = latest.value
    return Figures(value, level_percent(kpi, value) if value is not None else None, period_on, reported_at)


def level_percent(kpi: Kpi, value: float) -> float | None:
    target = kpi.target
    if target is None and kpi.unit == KpiUnit.PERCENT and kpi.higher_is_better:
        target = 100.0
    if target is None:
        return None
    baseline = kpi.baseline
    if baseline is None and kpi.higher_is_better:
        baseline = 0.0
    if baseline is None or baseline == target:  # nothing to measure the way by: met or not
        met = value >= target if kpi.higher_is_better else value <= target
        return 100.0 if met else 0.0
    return _clamp((value - baseline) / (target - baseline) * 100)


def cumulative_percent(
    kpi: Kpi, total: float, periods: Sequence[Period], reported: set[date], last_report: date
) -> float | None:
    if kpi.target is None or (kpi.target <= 0 and kpi.higher_is_better):
        return None
    if kpi.higher_is_better:
        return _clamp(total / kpi.target * 100)
    if total > kpi.target:
        return 0.0
    return _clamp(year_covered(kpi, periods, reported, last_report) * 100)


def year_covered(kpi: Kpi, periods: Sequence[Period], reported: set[date], last_report: date) -> float:
    """The share (0–1) of the fiscal year a cumulative KPI's reports account for: the periods reported without a
    gap from the first; with no cycle, the year up to the latest report."""
    first, last = periods[0].start, periods[-1].end
    until: date | None = None
    if kpi.reporting_cycle == ReportingCycle.NONE:
        until = min(max(last_report, first), last)
    else:
        for period, done in zip(periods, covered(KpiKind.CUMULATIVE, periods, reported), strict=True):
            if not done:
                break
            until = period.end
    if until is None:
        return 0.0
    return ((until - first).days + 1) / ((last - first).days + 1)


def cap_used(kpi: Kpi) -> float | None:
    """For a lower-is-better cumulative KPI: the share of its yearly cap used so far, in % (may pass 100)."""
    if kpi.kind != KpiKind.CUMULATIVE or kpi.higher_is_better or not kpi.target or kpi.latest_value is None:
        return None
    return kpi.latest_value / kpi.target * 100


def stage_count(kpi: Kpi) -> int:
    return max(1, kpi.stages or 1)


def milestone_stage(kpi: Kpi, value: float | None) -> float:
    return float(max(0, min(stage_count(kpi), int(value or 0))))


def milestone_percent(kpi: Kpi, stage: float) -> float:
    return _clamp(stage / stage_count(kpi) * 100)


# ---------------------------------------------------------------- averages


@dataclass(frozen=True)
class ProgressAverage:
    """The mean progress of some KPIs, a KPI without a figure counting as 0 %."""

    mean: float | None  # None when there are no KPIs at all
    kpis: int
    unreported: int


def average(percents: Sequence[float | None]) -> ProgressAverage:
    if not percents:
        return ProgressAverage(None, 0, 0)
    unreported = sum(1 for percent in percents if percent is None)
    return ProgressAverage(sum(percent or 0.0 for percent in percents) / len(percents), len(percents), unreported)
