"""Parsing what secretariat staff type or import: dates in the Buddhist Era or ISO, numbers, lists."""

from __future__ import annotations

import re
from datetime import date

from bot.core.numbers import ascii_digits, parse_int
from bot.core.numbers import parse_number as read_number
from bot.core.text import LINE_LABEL_MAX
from storage.models import KpiKind, KpiUnit, ReportingCycle

BE_OFFSET = 543
REPORTING_CYCLES = tuple(cycle.value for cycle in ReportingCycle)
KPI_UNITS = tuple(unit.value for unit in KpiUnit)
KPI_KINDS = tuple(kind.value for kind in KpiKind)
DIRECTIONS = {"higher": True, "lower": False}
# Units of files and commands written before KPI kinds (migration 0008): they name a milestone.
MILESTONE_UNITS = {"yesno": 1, "milestone": None}  # unit -> its stages, when the unit says
_DMY = re.compile(r"^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})$")
_ISO = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$")


class BadValue(ValueError):
    """A value that cannot be used; the message says why, in words for the person who typed it."""


def parse_date(text: str) -> date:
    """30/09/2568 (Buddhist Era, day first), 30/09/2025 or 2025-09-30 (ISO). Years past 2400 are BE."""
    value = ascii_digits(text.strip())
    iso = _ISO.match(value)
    dmy = _DMY.match(value)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
    elif dmy:
        day, month, year = (int(part) for part in dmy.groups())
    else:
        raise BadValue(f"not a date: {value!r} (use 30/09/2568 or 2025-09-30)")
    if year > 2400:
        year -= BE_OFFSET
    try:
        return date(year, month, day)
    except ValueError:
        raise BadValue(f"no such day: {value!r}") from None


def parse_number(text: str, *, field: str) -> float | None:
    """An optional number of 0 or more; thousands separators and Thai digits are allowed."""
    if not text.strip():
        return None
    number = read_number(text)
    if number is None:
        raise BadValue(f"{field} is not a number: {text.strip()!r}")
    return float(number)


def parse_unit(text: str) -> str:
    value = text.strip().lower() or KpiUnit.NUMBER.value
    if value not in KPI_UNITS:
        raise BadValue(f"unknown unit {value!r} (use one of {', '.join(KPI_UNITS)})")
    return value


def parse_kind(text: str) -> str:
    value = text.strip().lower()
    if value not in KPI_KINDS:
        raise BadValue(f"unknown kind {value!r} (use one of {', '.join(KPI_KINDS)})")
    return value


def parse_kind_and_unit(kind: str, unit: str) -> tuple[str, str, int | None]:
    """A kind and unit as a file or command gives them: (kind, unit, stages the unit implies). No kind is a
    level KPI, or a milestone when the old unit yesno (one stage) or milestone says so."""
    old_unit = unit.strip().lower()
    if old_unit in MILESTONE_UNITS:
        if kind.strip() and parse_kind(kind) != KpiKind.MILESTONE:
            raise BadValue(f"the unit {old_unit!r} is for a milestone, not a {kind.strip().lower()} KPI")
        return KpiKind.MILESTONE.value, KpiUnit.NUMBER.value, MILESTONE_UNITS[old_unit]
    return (parse_kind(kind) if kind.strip() else KpiKind.LEVEL.value), parse_unit(unit), None


def parse_direction(text: str) -> bool:
    """ "higher" (the default) or "lower" is better: higher_is_better."""
    value = text.strip().lower() or "higher"
    if value not in DIRECTIONS:
        raise BadValue(f"unknown direction {value!r} (use higher or lower)")
    return DIRECTIONS[value]


def parse_short_name(text: str, *, field: str) -> str | None:
    """A button's short name: at most LINE's 20 characters, so that it is shown whole; empty clears it."""
    value = " ".join(text.split())
    if len(value) > LINE_LABEL_MAX:
        raise BadValue(f"{field} is a button label: at most {LINE_LABEL_MAX} characters, not {len(value)} ({value!r})")
    return value or None


def parse_stages(text: str) -> int | None:
    """A milestone's number of stages (1: done or not), or None when not given."""
    value = text.strip()
    if not value:
        return None
    stages = parse_int(value)
    if stages is None or stages < 1:
        raise BadValue(f"stages must be a whole number of 1 or more, not {value!r}")
    return stages


def parse_cycle(cycle: str, day: str) -> tuple[str, int | None]:
    """A reporting cycle and its day of the month, e.g. ("monthly", "5")."""
    name = cycle.strip().lower() or ReportingCycle.NONE
    if name not in REPORTING_CYCLES:
        raise BadValue(f"unknown reporting cycle {name!r} (use one of {', '.join(REPORTING_CYCLES)})")
    if name == ReportingCycle.NONE:
        return name, None
    if not day.strip():
        raise BadValue(f"a {name} reporting cycle needs a reporting day (1-28)")
    number = parse_int(day)
    if number is None or not 1 <= number <= 28:
        raise BadValue(f"reporting day must be 1-28, not {day.strip()!r}")
    return name, number


def split_codes(text: str) -> list[str]:
    """ "open_government; digital_government" -> ["open_government", "digital_government"]."""
    return [part.strip() for part in re.split(r"[;,|]", text) if part.strip()]


def parse_fiscal_year(text: str) -> int:
    value = text.strip()
    year = parse_int(value) if "," not in value else None
    if year is None or not 2500 <= year <= 2700:
        raise BadValue(f"fiscal year must be a Buddhist-Era year such as 2568, not {value!r}")
    return year
