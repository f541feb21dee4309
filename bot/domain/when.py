"""When a scheduled broadcast should go, as staff type it: "พรุ่งนี้ 8 โมงเช้า", "วันศุกร์ 16:00", "บ่ายสองโมง",
"30 พ.ย. 09:00", "5/1/2570 09:00", "tomorrow 8am", "friday 4pm", "30 nov 09:00". Always Bangkok time.

A day alone means 08:00 (the reminders' hour); a time alone means today. A weekday is its next occurrence (today
while that time is still ahead). A day and month without a year is this year's, or next year's when this year's
is more than a month gone (typing "5 ม.ค." in December). Thai clock words follow everyday use: "สี่โมง" without
"เช้า" is 16:00 (สี่โมงเย็น), "สองทุ่ม" 20:00, "ตีห้า" 05:00.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.core.i18n import BANGKOK
from bot.core.numbers import ascii_digits
from bot.domain.values import BE_OFFSET, BadValue

DEFAULT_HOUR = 8

_THAI_NUMBERS = {
    "สิบเอ็ด": 11, "สิบสอง": 12, "หนึ่ง": 1, "สอง": 2, "สาม": 3, "สี่": 4, "ห้า": 5, "หก": 6, "เจ็ด": 7, "แปด": 8,
    "เก้า": 9, "สิบ": 10,
}  # fmt: skip
_N = r"(\d{1,2}|" + "|".join(_THAI_NUMBERS) + ")"
_THAI_MONTHS = [
    ("ม.ค.", "มกราคม"), ("ก.พ.", "กุมภาพันธ์"), ("มี.ค.", "มีนาคม"), ("เม.ย.", "เมษายน"), ("พ.ค.", "พฤษภาคม"),
    ("มิ.ย.", "มิถุนายน"), ("ก.ค.", "กรกฎาคม"), ("ส.ค.", "สิงหาคม"), ("ก.ย.", "กันยายน"), ("ต.ค.", "ตุลาคม"),
    ("พ.ย.", "พฤศจิกายน"), ("ธ.ค.", "ธันวาคม"),
]  # fmt: skip
_ENGLISH_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_MONTHS = {name: n for n, names in enumerate(_THAI_MONTHS, start=1) for name in names} | {
    name: n for n, name in enumerate(_ENGLISH_MONTHS, start=1)
}
_MONTH = "(" + "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True)) + r")[a-z]*\.?"
_WEEKDAYS = {
    "จันทร์": 0, "อังคาร": 1, "พุธ": 2, "พฤหัสบดี": 3, "พฤหัส": 3, "ศุกร์": 4, "เสาร์": 5, "อาทิตย์": 6,
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
    "mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
}  # fmt: skip
_WEEKDAY = "(?:วัน)?(" + "|".join(sorted(_WEEKDAYS, key=len, reverse=True)) + r")(?:หน้า)?"
_RELATIVE = {"วันนี้": 0, "today": 0, "พรุ่งนี้": 1, "tomorrow": 1, "มะรืนนี้": 2, "มะรืน": 2, "day after tomorrow": 2}
_FILLER = re.compile(r"\b(?:at|on|next|this|morning)\b|เวลา|ตอน|นาฬิกา|น\.|เช้า|[,]")  # "พรุ่งนี้เช้า": 08:00


class PastTime(BadValue):
    """The time typed has already passed."""

    def __init__(self, at: datetime) -> None:
        super().__init__(f"{at.isoformat()} has passed")
        self.at = at


@dataclass
class _Parts:
    day: date | None = None
    weekday: int | None = None
    clock: time | None = None


def parse_when(text: str, now: datetime) -> datetime:
    """The moment `text` names, in Bangkok time; BadValue when it names none, PastTime when it is not ahead."""
    rest = " " + ascii_digits(text).casefold().strip() + " "
    parts = _Parts()
    rest = _take_day(rest, parts, now.astimezone(BANGKOK).date())
    rest = _take_clock(rest, parts)
    if _FILLER.sub(" ", rest).strip() or (parts.day is None and parts.weekday is None and parts.clock is None):
        raise BadValue(f"not a time: {text!r}")
    at = _combine(parts, now.astimezone(BANGKOK))
    if at <= now:
        raise PastTime(at)
    return at


def _combine(parts: _Parts, now: datetime) -> datetime:
    clock = parts.clock or time(DEFAULT_HOUR)
    day = parts.day or now.date()
    if parts.weekday is not None:
        day = now.date() + timedelta(days=(parts.weekday - now.weekday()) % 7)
        if datetime.combine(day, clock, tzinfo=BANGKOK) <= now:
            day += timedelta(days=7)
    return datetime.combine(day, clock, tzinfo=BANGKOK)


def _take(pattern: str, rest: str) -> tuple[re.Match[str] | None, str]:
    found = re.search(pattern, rest)
    if found is None:
        return None, rest
    return found, rest[: found.start()] + " " + rest[found.end() :]


def _take_day(rest: str, parts: _Parts, today: date) -> str:
    found, rest = _take(r"(\d{4})-(\d{1,2})-(\d{1,2})", rest)
    if found:
        parts.day = _day(int(found[1]), int(found[2]), int(found[3]))
        return rest
    found, rest = _take(r"(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?", rest)
    if found:
        parts.day = _day_of_year(found[3], int(found[2]), int(found[1]), today)
        return rest
    found, rest = _take(r"(\d{1,2})\s*" + _MONTH + r"(?:\s*(\d{4}))?", rest)
    if found:
        parts.day = _day_of_year(found[3], _MONTHS[found[2]], int(found[1]), today)
        return rest
    found, rest = _take(_MONTH + r"\s*(\d{1,2})\b(?:\s*(\d{4}))?", rest)
    if found:
        parts.day = _day_of_year(found[3], _MONTHS[found[1]], int(found[2]), today)
        return rest
    found, rest = _take("(" + "|".join(sorted(_RELATIVE, key=len, reverse=True)) + ")", rest)
    if found:
        parts.day = today + timedelta(days=_RELATIVE[found[1]])
        return rest
    found, rest = _take(_WEEKDAY, rest)
    if found:
        parts.weekday = _WEEKDAYS[found[1]]
    return rest


def _day_of_year(year_text: str | None, month: int, day: int, today: date) -> date:
    if year_text:
        year = int(year_text)
        year = year + 2500 if year < 100 else year  # "5/1/70": the Buddhist Era's 2570, as officials write it
        return _day(year - BE_OFFSET if year > 2400 else year, month, day)
    found = _day(today.year, month, day)
    return _day(today.year + 1, month, day) if (today - found).days > 31 else found


def _day(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise BadValue(f"no such day: {day}/{month}/{year}") from None


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _THAI_NUMBERS[word]


def _take_clock(rest: str, parts: _Parts) -> str:
    half = r"(\s*ครึ่ง)?"
    rules: list[tuple[str, object]] = [
        (r"(\d{1,2})[:.](\d{2})\s*(am|pm)?", lambda m: _twelve(int(m[1]), int(m[2]), m[3])),
        (r"(\d{1,2})\s*(am|pm)", lambda m: _twelve(int(m[1]), 0, m[2])),
        (r"เที่ยงคืน|midnight", lambda m: time(0)),
        (r"เที่ยง(?:วัน)?" + half + r"|noon", lambda m: time(12, 30 if m.group(0).endswith("ครึ่ง") else 0)),
        (r"บ่าย\s*" + _N + r"?\s*(?:โมง)?" + half, lambda m: _hour(12 + (_number(m[1]) if m[1] else 1), m[2])),
        (_N + r"\s*โมง\s*(เช้า|เย็น)?" + half, lambda m: _hour(_o_clock(_number(m[1]), m[2]), m[3])),
        (_N + r"\s*ทุ่ม" + half, lambda m: _hour(18 + _number(m[1]), m[2])),
        (r"ตี\s*" + _N + half, lambda m: _hour(_number(m[1]), m[2])),
        (r"(\d{1,2})\s*(?:น\.|นาฬิกา)", lambda m: _hour(int(m[1]), None)),
    ]
    for pattern, build in rules:
        found, after = _take(pattern, rest)
        if found:
            parts.clock = build(found)  # type: ignore[operator]
            return after
    return rest


def _o_clock(hour: int, part_of_day: str | None) -> int:
    """ "แปดโมง(เช้า)" 8, "สี่โมง(เย็น)" 16: one to five o'clock without "เช้า" is the afternoon's."""
    if part_of_day == "เย็น" or (part_of_day is None and hour <= 5):
        return hour + 12 if hour < 12 else hour
    return hour


def _hour(hour: int, half: str | None) -> time:
    return _clock(hour, 30 if half else 0)


def _twelve(hour: int, minute: int, meridiem: str | None) -> time:
    if meridiem == "pm" and hour < 12:
        hour += 12
    elif meridiem == "am" and hour == 12:
        hour = 0
    return _clock(hour, minute)


def _clock(hour: int, minute: int) -> time:
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise BadValue(f"no such time: {hour}:{minute:02d}")
    return time(hour, minute)
