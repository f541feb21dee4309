"""Complaint tallies: the desk's and the public pages' figures without reading a million complaints (issues 13, 14).

Triggers on `complaints` (migration 0016) keep, in the same transaction as any change, per province and Bangkok
month of filing and per dimension (every complaint, category, district, agency; 'week': per Bangkok week):
- received: complaints filed;
- answered: resolved or closed; on time: answered on or before the answer date (the Bangkok day of `resolved_at`,
  else of `updated_at`), as bot/domain/stats.py defines them;
- ratings and their sum;
- and (table `complaint_answer_days`, every complaint and per agency) how many answered complaints took each whole
  number of days, rounded half up: the median days to answer is read from this histogram, so it is exact to the
  day (the figure the pages show with one decimal).
`rebuild` recomputes both tables from the complaints with the same rules (`hpp-bot tallies rebuild`).

The histograms per agency are also kept per fiscal year (dimension 'fyagency', migration 0020): the national league
of some 1,075 agencies reads one row per agency and number of days, not twelve months' rows, when its window holds
every answered complaint of a fiscal year (the default, the fiscal year to date). The same triggers move a mark per
province (`answer_day_marks`) with each change to the histograms; the league's medians are kept in memory under the
marks they were worked out from, and worked out again as soon as one moves.

A window of days that does not begin on the first of a month, or ends before the end of its month, is read as the
whole months from the tallies plus (or minus) the complaints of the days at its edges, counted directly: the
default windows (the fiscal year and the month to date) need only the tallies, and the days after today.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, and_, case, cast, delete, func, insert, literal, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import BANGKOK
from bot.domain.sqltime import bangkok_day, bangkok_fiscal_year, bangkok_month, bangkok_week, whole_days
from storage.models import AnswerDayMark, Complaint, ComplaintAnswerDays, ComplaintStatus, ComplaintTally, Province

ANSWERED = (ComplaintStatus.RESOLVED.value, ComplaintStatus.CLOSED.value)
ALL, CATEGORY, DISTRICT, AGENCY, WEEK = "all", "category", "district", "agency", "week"
FISCAL_YEAR_AGENCY = "fyagency"  # answer days only: per agency and fiscal year (`period`: its 1 October)
PROVINCE = "province"  # not a stored dimension: every complaint ('all'), per province
_AREA = "hpp_tally_area"  # the annotation that marks a scope as a whole province (or every province)


# ---------------------------------------------------------------- scopes the tallies can answer


@dataclass(frozen=True)
class Area:
    province_id: int | None  # None: every province


def province_scope(province_id: int | None) -> ColumnElement[bool]:
    """One province's complaints, or every province's (None); marked so that the figures can read the tallies
    rather than the complaints (an officer's scope, one agency or district, is counted directly)."""
    condition = true() if province_id is None else Complaint.province_id == province_id
    return condition._annotate({_AREA: Area(province_id)})


def area_of(scope: ColumnElement[bool]) -> Area | None:
    found = scope._annotations.get(_AREA)
    return found if isinstance(found, Area) else None


# ---------------------------------------------------------------- what is counted


@dataclass
class Counts:
    received: int = 0
    answered: int = 0
    on_time: int = 0
    rating_sum: int = 0
    ratings: int = 0

    def add(self, other: Counts, sign: int = 1) -> None:
        self.received += sign * other.received
        self.answered += sign * other.answered
        self.on_time += sign * other.on_time
        self.rating_sum += sign * other.rating_sum
        self.ratings += sign * other.ratings

    @property
    def mean_rating(self) -> float | None:
        return self.rating_sum / self.ratings if self.ratings else None


def _answered_at() -> ColumnElement[Any]:
    return func.coalesce(Complaint.resolved_at, Complaint.updated_at)


def _is_answered() -> ColumnElement[bool]:
    return Complaint.status.in_(ANSWERED)


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _measures() -> tuple[ColumnElement[Any], ...]:
    on_time = and_(_is_answered(), bangkok_day(_answered_at()) <= Complaint.due_on)
    return (
        func.count(),
        _count_if(_is_answered()),
        _count_if(on_time),
        func.coalesce(func.sum(Complaint.rating), 0),
        func.count(Complaint.rating),
    )


_KEYS: dict[str, Any] = {  # column expressions
    ALL: literal(0),
    CATEGORY: func.coalesce(Complaint.category_id, 0),
    DISTRICT: func.coalesce(Complaint.district_id, 0),
    AGENCY: func.coalesce(Complaint.agency_id, 0),
    WEEK: literal(0),
    PROVINCE: Complaint.province_id,
}


def _grouped(query: Select[Any], *keys: Any) -> Select[Any]:
    """GROUP BY the keys that are columns (a constant key needs no group, and a literal would be read as a
    column's position)."""
    constants = (_KEYS[ALL], _KEYS[WEEK])
    columns = [key for key in keys if not any(key is constant for constant in constants)]
    return query.group_by(*columns) if columns else query


# ---------------------------------------------------------------- windows split into months and edges


def _next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=BANGKOK)


@dataclass(frozen=True)
class _Split:
    """Days `first`..`last` as the tallies' periods from `periods[0]` to `periods[1]`, plus the complaints filed in
    the `add` ranges, minus those filed in the `subtract` ranges (each from a day to the day after)."""

    periods: tuple[date, date] | None
    add: tuple[tuple[date, date], ...]
    subtract: tuple[tuple[date, date], ...]


def _split_months(first: date, last: date) -> _Split:
    start = first if first.day == 1 else _next_month(first)
    if start > last:
        return _Split(None, ((first, last + timedelta(days=1)),), ())
    head = ((first, start),) if first < start else ()
    after, beyond = last + timedelta(days=1), _next_month(last)
    tail = ((after, beyond),) if after < beyond else ()
    return _Split((start, last.replace(day=1)), head, tail)


def _split_weeks(first_monday: date, last: date) -> _Split:
    after = last + timedelta(days=1)
    beyond = last - timedelta(days=last.weekday()) + timedelta(weeks=1)
    tail = ((after, beyond),) if after < beyond else ()
    return _Split((first_monday, last - timedelta(days=last.weekday())), (), tail)


def _in_area(model: Any, area: Area) -> ColumnElement[bool]:
    return true() if area.province_id is None else model.province_id == area.province_id


def _filed(area: Area, first: date, beyond: date) -> list[ColumnElement[bool]]:
    return [
        _in_area(Complaint, area),
        Complaint.created_at >= _moment(first),
        Complaint.created_at < _moment(beyond),
    ]


# ---------------------------------------------------------------- reading


async def counts(session: AsyncSession, area: Area, first: date, last: date, by: str = ALL) -> dict[int, Counts]:
    """The complaints filed from `first` to `last` (Bangkok days), per key of `by` (0: none, or ALL)."""
    split = _split_months(first, last)
    dim = ALL if by == PROVINCE else by
    found: dict[int, Counts] = {}
    if split.periods is not None:
        key = ComplaintTally.province_id if by == PROVINCE else ComplaintTally.dim_id
        rows = await session.execute(
            select(
                key,
                func.sum(ComplaintTally.received),
                func.sum(ComplaintTally.answered),
                func.sum(ComplaintTally.on_time),
                func.sum(ComplaintTally.rating_sum),
                func.sum(ComplaintTally.ratings),
            )
            .where(
                ComplaintTally.dim == dim,
                ComplaintTally.period.between(*split.periods),
                _in_area(ComplaintTally, area),
            )
            .group_by(key)
        )
        for tallied in rows.all():
            found.setdefault(int(tallied[0]), Counts()).add(Counts(*(int(v or 0) for v in tallied[1:])))
    for ranges, sign in ((split.add, 1), (split.subtract, -1)):
        for begins, beyond in ranges:
            grouping = _KEYS[by]
            query = select(grouping, *_measures()).where(*_filed(area, begins, beyond))
            for counted in (await session.execute(_grouped(query, grouping))).all():
                found.setdefault(int(counted[0]), Counts()).add(Counts(*(int(v or 0) for v in counted[1:])), sign)
    return found


async def answer_days(
    session: AsyncSession, area: Area, first: date, last: date, by: str = ALL
) -> dict[int, Counter[int]]:
    """How many of the complaints filed from `first` to `last` and answered took each whole number of days, per
    key of `by` (ALL or AGENCY)."""
    split = _split_months(first, last)
    found: dict[int, Counter[int]] = {}
    if split.periods is not None:
        rows = await session.execute(
            select(ComplaintAnswerDays.dim_id, ComplaintAnswerDays.days, func.sum(ComplaintAnswerDays.answered))
            .where(
                ComplaintAnswerDays.dim == by,
                ComplaintAnswerDays.period.between(*split.periods),
                _in_area(ComplaintAnswerDays, area),
            )
            .group_by(ComplaintAnswerDays.dim_id, ComplaintAnswerDays.days)
        )
        for dim_id, days, answered in rows.all():
            found.setdefault(int(dim_id), Counter())[int(days)] += int(answered or 0)
    took_days: Any = whole_days(Complaint.created_at, _answered_at())
    for ranges, sign in ((split.add, 1), (split.subtract, -1)):
        for begins, beyond in ranges:
            grouping = _KEYS[by]
            query = select(grouping, took_days, func.count()).where(*_filed(area, begins, beyond), _is_answered())
            direct = await session.execute(_grouped(query, grouping, took_days))
            for key_value, took, answered in direct.all():
                found.setdefault(int(key_value), Counter())[int(took)] += sign * int(answered)
    return found


async def weeks(session: AsyncSession, area: Area, first_monday: date, last: date) -> dict[date, Counts]:
    """The complaints filed in each week from the one of `first_monday` to the one of `last` (up to `last`)."""
    split = _split_weeks(first_monday, last)
    found: dict[date, Counts] = {}
    assert split.periods is not None
    rows = await session.execute(
        select(ComplaintTally.period, ComplaintTally.received, ComplaintTally.answered).where(
            ComplaintTally.dim == WEEK, ComplaintTally.period.between(*split.periods), _in_area(ComplaintTally, area)
        )
    )
    for period, received, answered in rows.all():
        found.setdefault(_as_date(period), Counts()).add(Counts(int(received), int(answered)))
    for begins, beyond in split.subtract:
        week = bangkok_week(Complaint.created_at)
        direct = await session.execute(
            select(week, func.count(), _count_if(_is_answered())).where(*_filed(area, begins, beyond)).group_by(week)
        )
        for period, received, answered in direct.all():
            found.setdefault(_as_date(period), Counts()).add(Counts(int(received), int(answered)), -1)
    return found


def _as_date(value: date | str) -> date:
    # SQLite hands back the text of a computed date when the driver cannot tell its type.
    return value if isinstance(value, date) else date.fromisoformat(value)


async def medians(session: AsyncSession, area: Area, first: date, last: date, by: str = ALL) -> dict[int, float]:
    """The median days to answer of the complaints filed from `first` to `last`, per key of `by` (ALL or AGENCY).
    Worked out by the database from the histograms (one row per key comes back, not the histograms) unless the
    window's edge days hold answered complaints, whose days must be added to the histograms first."""
    split = _split_months(first, last)
    if split.periods is None or await _edges_answered(session, area, split):
        histograms = await answer_days(session, area, first, last, by)
        return {k: m for k, h in histograms.items() if (m := median(h)) is not None}
    dim, periods = by, split.periods
    if by == AGENCY and await _whole_fiscal_year(session, area, *split.periods):
        begins = fiscal_year_start(split.periods[0])
        dim, periods = FISCAL_YEAR_AGENCY, (begins, begins)
    return await _kept_medians(session, area, dim, periods)


# Medians worked out from the histograms, per database, area, dimension and periods, with the marks they were worked
# out under (the national league's are its costliest figure): read again only once a complaint's answer has changed.
_memo: dict[tuple[str, Area, str, tuple[date, date]], tuple[tuple[tuple[int, int], ...], dict[int, float]]] = {}
_MEMO_SIZE = 32


async def _kept_medians(session: AsyncSession, area: Area, dim: str, periods: tuple[date, date]) -> dict[int, float]:
    key = (str(session.get_bind().engine.url), area, dim, periods)
    marked = await session.execute(
        select(AnswerDayMark.province_id, AnswerDayMark.changes)
        .where(_in_area(AnswerDayMark, area))
        .order_by(AnswerDayMark.province_id)
    )
    marks = tuple((province, changes) for province, changes in marked.all())
    kept = _memo.get(key)
    if kept is not None and kept[0] == marks:
        return dict(kept[1])
    found = await _histogram_medians(
        session, area, ComplaintAnswerDays.dim == dim, ComplaintAnswerDays.period.between(*periods)
    )
    if len(_memo) >= _MEMO_SIZE:
        _memo.pop(next(iter(_memo)))
    _memo[key] = (marks, dict(found))
    return found


def forget_kept_medians() -> None:
    """Empty the memo (the benchmark's cold runs: as if every run followed a change of an answer)."""
    _memo.clear()


async def _histogram_medians(session: AsyncSession, area: Area, *picked: ColumnElement[bool]) -> dict[int, float]:
    """The median per key of the histogram rows `picked`, worked out by the database (one row per key comes
    back, not the histograms)."""
    counted = (
        select(ComplaintAnswerDays.dim_id, ComplaintAnswerDays.days, func.sum(ComplaintAnswerDays.answered).label("n"))
        .where(*picked, _in_area(ComplaintAnswerDays, area))
        .group_by(ComplaintAnswerDays.dim_id, ComplaintAnswerDays.days)
        .subquery()
    )
    running = select(
        counted.c.dim_id,
        counted.c.days,
        func.sum(counted.c.n).over(partition_by=counted.c.dim_id, order_by=counted.c.days).label("upto"),
        # An integer on both (PostgreSQL sums bigints to numeric): the middle ranks below divide it by two.
        cast(func.sum(counted.c.n).over(partition_by=counted.c.dim_id), Integer).label("total"),
    ).subquery()
    # The middle ranks (1-based): one for an odd total, two for an even one; each is the first value reaching it.
    lower, upper = (running.c.total + 1) // 2, running.c.total // 2 + 1
    middle = (
        func.min(case((running.c.upto >= lower, running.c.days)))
        + func.min(case((running.c.upto >= upper, running.c.days)))
    ) / 2.0
    rows = await session.execute(select(running.c.dim_id, middle).where(running.c.total > 0).group_by(running.c.dim_id))
    return {int(k): float(m) for k, m in rows.all() if m is not None}


def fiscal_year_start(month: date) -> date:
    """The 1 October that begins the Thai fiscal year of `month`."""
    return date(month.year if month.month >= 10 else month.year - 1, 10, 1)


async def _whole_fiscal_year(session: AsyncSession, area: Area, first_month: date, last_month: date) -> bool:
    """Whether the months hold every answered complaint of their fiscal year (from its October, with none answered
    of those filed in its months after `last_month`): then its agencies' fiscal-year histograms are theirs, one
    row per agency and number of days instead of one per month too (a twelfth of the rows by September)."""
    begins = fiscal_year_start(first_month)
    if first_month != begins or fiscal_year_start(last_month) != begins:
        return False
    later = await session.scalar(
        select(ComplaintAnswerDays.period)
        .where(
            ComplaintAnswerDays.dim == ALL,
            ComplaintAnswerDays.period > last_month,
            ComplaintAnswerDays.period < begins.replace(year=begins.year + 1),
            _in_area(ComplaintAnswerDays, area),
            ComplaintAnswerDays.answered != 0,
        )
        .limit(1)
    )
    return later is None


async def _edges_answered(session: AsyncSession, area: Area, split: _Split) -> bool:
    for begins, beyond in (*split.add, *split.subtract):
        found = await session.scalar(select(Complaint.id).where(*_filed(area, begins, beyond), _is_answered()).limit(1))
        if found is not None:
            return True
    return False


def median(histogram: Counter[int]) -> float | None:
    """The median of the values counted (the mean of the middle two of an even number), None of none."""
    total = sum(histogram.values())
    if total <= 0:
        return None
    middle = [total // 2, total // 2 + 1] if total % 2 == 0 else [total // 2 + 1]
    picked: list[int] = []
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        while middle and middle[0] <= seen:
            picked.append(value)
            middle.pop(0)
    return sum(picked) / len(picked)


# ---------------------------------------------------------------- rebuilding


async def rebuild(session: AsyncSession) -> int:
    """Recount both tables from the complaints (the triggers' rules, once more); returns the tallies' rows."""
    await session.execute(delete(ComplaintTally))
    await session.execute(delete(ComplaintAnswerDays))
    month, week = bangkok_month(Complaint.created_at), bangkok_week(Complaint.created_at)
    columns = ["province_id", "period", "dim", "dim_id", "received", "answered", "on_time", "rating_sum", "ratings"]
    for dim in (ALL, CATEGORY, DISTRICT, AGENCY, WEEK):
        period, key = (week if dim == WEEK else month), _KEYS[dim]
        query = select(Complaint.province_id, period, literal(dim), key, *_measures())
        await session.execute(
            insert(ComplaintTally).from_select(columns, _grouped(query, Complaint.province_id, period, key))
        )
    days = whole_days(Complaint.created_at, _answered_at())
    fiscal_year = bangkok_fiscal_year(Complaint.created_at)
    histograms: tuple[tuple[str, Any, Any], ...] = (
        (ALL, month, _KEYS[ALL]),
        (AGENCY, month, _KEYS[AGENCY]),
        (FISCAL_YEAR_AGENCY, fiscal_year, _KEYS[AGENCY]),
    )
    for dim, per, key in histograms:
        query = select(Complaint.province_id, per, literal(dim), key, days, func.count()).where(_is_answered())
        await session.execute(
            insert(ComplaintAnswerDays).from_select(
                ["province_id", "period", "dim", "dim_id", "days", "answered"],
                _grouped(query, Complaint.province_id, per, key, days),
            )
        )
    await _move_every_mark(session)
    return int(await session.scalar(select(func.count()).select_from(ComplaintTally)) or 0)


async def _move_every_mark(session: AsyncSession) -> None:
    """The histograms were rewritten without the triggers: every province's mark moves on, so that no process keeps
    a figure worked out from the rows before (the memo of `_fiscal_year_medians`)."""
    marked = await session.execute(select(AnswerDayMark.province_id, AnswerDayMark.changes))
    before = {province: changes for province, changes in marked.all()}
    await session.execute(delete(AnswerDayMark))
    provinces = (await session.scalars(select(Province.id))).all()
    if provinces:
        await session.execute(
            insert(AnswerDayMark), [{"province_id": p, "changes": before.get(p, 0) + 1} for p in provinces]
        )
