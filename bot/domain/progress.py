"""KPI progress: reading a reported value by the KPI's unit, the percentage of target, the KPI's latest figures,
and which KPIs are due. No chat here: the report flow and the reminders both use it."""

from __future__ import annotations

import calendar
import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import BANGKOK, _, localized
from storage.models import Kpi, KpiUnit, Person, ProgressReport, ProgressReportPhoto, ReportingCycle

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
MAX_MILESTONE_LENGTH = 300
MAX_NARRATIVE_LENGTH = 500
CORRECTION_WINDOW = timedelta(hours=24)
DUE_SOON = timedelta(days=30)
_NUMBER = re.compile(r"^\d+(\.\d+)?$")
_STEP_OF = re.compile(r"(\d+)\s*(?:จาก|/|of)\s*(\d+)", re.IGNORECASE)


class BadValue(ValueError):
    """A value the KPI's unit does not accept; the message is shown to the officer."""


@dataclass(frozen=True)
class ReportedValue:
    value: float | None
    text: str  # as entered (milestones: the whole text)


def parse_number(text: str) -> float | None:
    """ "1,234.5", "๑๒๓", " 45 " → a float; None when it is not a plain non-negative number."""
    cleaned = text.translate(THAI_DIGITS).replace(",", "").replace(" ", "").strip()
    if not _NUMBER.match(cleaned):
        return None
    value = float(cleaned)
    return value if math.isfinite(value) else None


def parse_value(kpi: Kpi, text: str) -> ReportedValue:
    """Check a typed value against the KPI's unit; raises BadValue with the reason."""
    text = text.strip()
    if kpi.unit == KpiUnit.MILESTONE:
        return _milestone(text)
    if kpi.unit == KpiUnit.PERCENT:
        value = parse_number(text.removesuffix("%").strip())
        if value is None or value > 100:
            raise BadValue(_("Please type a percentage from 0 to 100, for example 45 or 72.5."))
        return ReportedValue(value, text)
    if kpi.unit == KpiUnit.YESNO:
        raise BadValue(_("Please answer with the Yes or No button."))
    value = parse_number(text)
    if value is None:
        if text.lstrip().startswith("-"):
            raise BadValue(_("The value cannot be negative. Please type a number of 0 or more."))
        raise BadValue(_("Please type a number only, for example 1,250 or 37.5."))
    return ReportedValue(value, text)


def _milestone(text: str) -> ReportedValue:
    if not text:
        raise BadValue(_('Please describe the stage reached, for example "ขั้นที่ 2 จาก 4".'))
    if len(text) > MAX_MILESTONE_LENGTH:
        raise BadValue(_("Please keep the stage under {limit} characters.", limit=MAX_MILESTONE_LENGTH))
    match = _STEP_OF.search(text.translate(THAI_DIGITS))
    step = float(match.group(1)) if match and 0 < int(match.group(1)) <= int(match.group(2)) else None
    return ReportedValue(step, text)


def yesno_value(yes: bool) -> ReportedValue:
    return ReportedValue(1.0 if yes else 0.0, "yes" if yes else "no")


def percent_of_target(kpi: Kpi, reported: ReportedValue) -> float | None:
    """Progress from the baseline to the target, 0–100, whichever direction is better."""
    if kpi.unit == KpiUnit.YESNO:
        return 100.0 if (reported.value or 0) >= 1 else 0.0
    if kpi.unit == KpiUnit.MILESTONE:
        return _milestone_percent(reported.text)
    if reported.value is None:
        return None
    target = kpi.target if kpi.target is not None else (100.0 if kpi.unit == KpiUnit.PERCENT else None)
    if target is None:
        return None
    baseline = kpi.baseline
    if baseline is None:
        baseline = 0.0 if kpi.higher_is_better else None
    if baseline is None:  # lower is better and no baseline: at or under target is done
        percent = 100.0 if reported.value <= target else target / reported.value * 100
    elif target == baseline:
        better = reported.value >= target if kpi.higher_is_better else reported.value <= target
        percent = 100.0 if better else 0.0
    else:
        percent = (reported.value - baseline) / (target - baseline) * 100
    return max(0.0, min(100.0, percent))


def _milestone_percent(text: str) -> float | None:
    match = _STEP_OF.search(text.translate(THAI_DIGITS))
    if not match:
        return None
    step, total = int(match.group(1)), int(match.group(2))
    return max(0.0, min(100.0, step / total * 100)) if total > 0 else None


async def refresh_latest(session: AsyncSession, kpi: Kpi) -> None:
    """Set the KPI's latest figures from its newest report still in force (after a report or a correction)."""
    await session.flush()
    latest = await session.scalar(
        select(ProgressReport)
        .where(ProgressReport.kpi_id == kpi.id, ProgressReport.superseded.is_(False))
        .order_by(ProgressReport.created_at.desc(), ProgressReport.id.desc())
        .limit(1)
    )
    if latest is None:
        kpi.latest_value = kpi.latest_percent = kpi.latest_reported_at = None
        return
    reported = ReportedValue(latest.value, latest.value_text)
    kpi.latest_value = latest.value
    kpi.latest_percent = percent_of_target(kpi, reported)
    kpi.latest_reported_at = latest.created_at


async def save_report(
    session: AsyncSession,
    kpi: Kpi,
    author: Person,
    reported: ReportedValue,
    *,
    narrative: str,
    photos: list[int],
    channel: str,
    corrects: ProgressReport | None,
    now: datetime,
) -> ProgressReport:
    """Store a progress report (and its photos), retire the one it corrects, and update the KPI's latest figures."""
    report = ProgressReport(
        kpi_id=kpi.id,
        author_id=author.id,
        value=reported.value,
        value_text=reported.text,
        narrative=narrative,
        channel=channel,
        corrects_id=corrects.id if corrects else None,
        superseded=False,
        created_at=now,
    )
    session.add(report)
    if corrects is not None:
        corrects.superseded = True
    await session.flush()
    session.add_all(ProgressReportPhoto(report_id=report.id, media_id=media_id) for media_id in photos)
    await refresh_latest(session, kpi)
    return report


def can_still_correct(report: ProgressReport, now: datetime) -> bool:
    return not report.superseded and now - report.created_at <= CORRECTION_WINDOW


# ---------------------------------------------------------------- what is due


@dataclass(frozen=True)
class Due:
    kpi: Kpi
    due_on: date
    overdue: bool


def local_today(now: datetime) -> date:
    return now.astimezone(BANGKOK).date()


def _period_start(kpi: Kpi, today: date) -> date | None:
    """The first day of the current reporting period of a cyclic KPI."""
    if kpi.reporting_cycle == ReportingCycle.MONTHLY:
        return today.replace(day=1)
    if kpi.reporting_cycle == ReportingCycle.QUARTERLY:
        return date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    return None


def due_status(kpi: Kpi, now: datetime) -> Due | None:
    """When the KPI's next report is owed, if one is owed now or within DUE_SOON; None otherwise."""
    today = local_today(now)
    last = kpi.latest_reported_at.astimezone(BANGKOK).date() if kpi.latest_reported_at else None
    start = _period_start(kpi, today)
    if start is not None:
        if last is not None and last >= start:
            return None
        last_day = calendar.monthrange(start.year, start.month)[1]
        due_on = start.replace(day=min(kpi.reporting_day or last_day, last_day))
        return Due(kpi, due_on, today > due_on)
    if kpi.due_on is None or last is not None or kpi.due_on - today > DUE_SOON:
        return None
    return Due(kpi, kpi.due_on, today > kpi.due_on)


def kpi_value_text(kpi: Kpi, value: float | None) -> str:
    """A value in the KPI's unit ("1,250 ตัน", "35.0%", "yes"), or "not reported yet"."""
    if value is None:
        return _("not reported yet")
    if kpi.unit == KpiUnit.YESNO:
        return _("yes") if value >= 1 else _("no")
    if kpi.unit == KpiUnit.PERCENT:
        return f"{value:,.1f}%"
    unit = localized(kpi.unit_label_th, kpi.unit_label_en)
    return f"{value:,.2f}".rstrip("0").rstrip(".") + (f" {unit}" if unit else "")
