"""KPI progress reports: reading a reported value by the KPI's kind and unit, saving a report for its period, and
the KPI's latest figures (bot/domain/figures.py says what they mean). No chat here: the report flow, the CLI and
the jobs use it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import _, localized
from bot.core.numbers import ascii_digits
from bot.core.numbers import parse_number as read_number
from bot.domain.figures import figures, stage_count
from bot.domain.periods import local_day, periods_of
from storage.models import Kpi, KpiKind, KpiUnit, Person, ProgressReport, ProgressReportPhoto

MAX_MILESTONE_LENGTH = 300
MAX_NARRATIVE_LENGTH = 500
CORRECTION_WINDOW = timedelta(hours=24)
_STEP_OF = re.compile(r"([0-9]+)\s*(?:จาก|/|of)\s*([0-9]+)", re.IGNORECASE)
local_today = local_day  # today in Bangkok; the complaint rules use it too

_STAGE = re.compile(r"^[^0-9]{0,16}?([0-9]+)")  # "ขั้นที่ 2 ติดตั้งแล้ว", "stage 2", "2": a number near the start


class BadValue(ValueError):
    """A value the KPI's kind or unit does not accept; the message is shown to the officer."""


@dataclass(frozen=True)
class ReportedValue:
    value: float | None
    text: str  # as entered (milestones: the whole text)


def parse_number(text: str) -> float | None:
    """ "1,234.5", "๑๒๓", " 45 ", "1,250 จุด" → a float; None when it is not a plain non-negative number."""
    number = read_number(text)
    return None if number is None else float(number)


def parse_value(kpi: Kpi, text: str) -> ReportedValue:
    """Check a typed value against the KPI's kind and unit; raises BadValue with the reason."""
    text = text.strip()
    if kpi.kind == KpiKind.MILESTONE:
        return _milestone(kpi, text)
    if kpi.unit == KpiUnit.PERCENT:
        value = parse_number(text.removesuffix("%").strip())
        if value is None or value > 100:
            raise BadValue(_("Please type a percentage from 0 to 100, for example 45 or 72.5."))
        return ReportedValue(value, text)
    value = parse_number(text)
    if value is None:
        if text.lstrip().startswith("-"):
            raise BadValue(_("The value cannot be negative. Please type a number of 0 or more."))
        raise BadValue(_("Please type a number only, for example 1,250 or 37.5."))
    return ReportedValue(value, text)


def _milestone(kpi: Kpi, text: str) -> ReportedValue:
    """A stage from 0 to the KPI's last: typed as a number, "ขั้นที่ 2 …" or "2 จาก 4 …" (whose total must match)."""
    stages = stage_count(kpi)
    if stages == 1:
        raise BadValue(_("Please answer with the Yes or No button."))
    if not text:
        raise BadValue(_('Please type the stage reached, from 0 to {n}, for example "ขั้นที่ 2 จาก {n}".', n=stages))
    if len(text) > MAX_MILESTONE_LENGTH:
        raise BadValue(_("Please keep the stage under {limit} characters.", limit=MAX_MILESTONE_LENGTH))
    digits = ascii_digits(text)
    step_of = _STEP_OF.search(digits)
    found = step_of or _STAGE.match(digits)
    wrong_total = step_of is not None and int(step_of.group(2)) != stages
    if wrong_total or found is None or int(found.group(1)) > stages:
        raise BadValue(_("This KPI has {n} stages: please type a stage from 0 to {n}.", n=stages))
    return ReportedValue(float(found.group(1)), text)


def stage_value(stage: int) -> ReportedValue:
    """A stage chosen with a button (a single-stage milestone's Yes is stage 1, its No stage 0)."""
    return ReportedValue(float(stage), str(stage))


async def refresh_latest(session: AsyncSession, kpi: Kpi, *, today: date | None = None) -> None:
    """Set the KPI's latest figures from its standing reports (after a report, a correction or a change of the
    KPI's kind, target or cycle)."""
    await session.flush()
    reports = (
        await session.scalars(
            select(ProgressReport).where(ProgressReport.kpi_id == kpi.id, ProgressReport.superseded.is_(False))
        )
    ).all()
    schedule = await periods_of(session, kpi, today or date.today())
    found = figures(kpi, reports, schedule.periods)
    kpi.latest_value, kpi.latest_percent = found.value, found.percent
    kpi.latest_reported_at, kpi.latest_period_on = found.reported_at, found.period_on


async def refresh_all(session: AsyncSession) -> int:
    """Every KPI's latest figures worked out again under the current rules (after a migration); returns how many."""
    kpis = (await session.scalars(select(Kpi).order_by(Kpi.id))).all()
    for kpi in kpis:
        await refresh_latest(session, kpi)
    return len(kpis)


async def period_for_new_report(session: AsyncSession, kpi: Kpi, now: datetime) -> date:
    """The first day of the period a report made now is for (bot/domain/periods.py)."""
    today = local_day(now)
    return (await periods_of(session, kpi, today)).for_report(today).start


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
    period_on: date,
    now: datetime,
) -> ProgressReport:
    """Store a progress report for its period (and its photos), retire the one it corrects (whose period it
    keeps), and update the KPI's latest figures."""
    report = ProgressReport(
        kpi_id=kpi.id,
        author_id=author.id,
        value=reported.value,
        value_text=reported.text,
        narrative=narrative,
        channel=channel,
        corrects_id=corrects.id if corrects else None,
        period_on=corrects.period_on if corrects is not None and corrects.period_on else period_on,
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


def kpi_value_text(kpi: Kpi, value: float | None) -> str:
    """A value in the KPI's unit ("1,250 ตัน", "35.0%"), a milestone's stage ("done", "stage 2 of 4"), or "not
    reported yet"."""
    if value is None:
        return _("not reported yet")
    if kpi.kind == KpiKind.MILESTONE:
        return stage_text(kpi, value)
    if kpi.unit == KpiUnit.PERCENT:
        return f"{value:,.1f}%"
    unit = localized(kpi.unit_label_th, kpi.unit_label_en)
    return f"{value:,.2f}".rstrip("0").rstrip(".") + (f" {unit}" if unit else "")


def stage_text(kpi: Kpi, stage: float) -> str:
    stages = stage_count(kpi)
    if stages == 1:
        return _("done") if stage >= 1 else _("not done yet")
    return _("stage {stage} of {n}", stage=int(stage), n=stages)


def kind_label(kpi: Kpi) -> str:
    """How the KPI's reports add up, in words: "cumulative, year to date (lower is better)", "3 stages"."""
    if kpi.kind == KpiKind.MILESTONE:
        stages = stage_count(kpi)
        return _("milestone: done or not") if stages == 1 else _("milestone of {n} stages", n=stages)
    kind = _("cumulative, year to date") if kpi.kind == KpiKind.CUMULATIVE else _("latest value")
    direction = _("higher is better") if kpi.higher_is_better else _("lower is better")
    return f"{kind} ({direction})"
