"""The complaint desk's figures for a province (or every province), computed by the database.

The web desk's overview, the public API and any export read these. Each function takes a *scope*: an SQL
condition on `Complaint` (a province: `province_scope`; a person's: `bot.domain.scope.handled_by`).

- Received: complaints filed in a window of Bangkok days (the fiscal year to date, the month, or a chosen range).
- Open: received, accepted, in progress or forwarded, whenever filed. Overdue: open past its answer date.
- Answered: resolved or closed. On time: answered (resolved, or closed without a resolution: last changed) on or
  before its answer date, in Bangkok: as in bot/domain/comparison.py.
- Days to answer: from filing to that answer, rounded half up to whole days; the median of the answered
  complaints (the tallies keep a histogram of whole days: bot/domain/tallies.py).
- Satisfaction: the mean rating (1-5) of the rated complaints.
Everything but open and overdue counts the complaints received in the window.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.core.i18n import BANGKOK
from bot.domain import tallies
from bot.domain.periods import local_day
from bot.domain.search import description_contains, like_pattern
from bot.domain.sqltime import bangkok_day, bangkok_week, whole_days
from bot.domain.tickets import OPEN_STATUSES
from storage.models import Agency, Agenda, Complaint, ComplaintCategory, ComplaintStatus, District, Province
from storage.seed import fiscal_year_bounds, fiscal_year_of

ANSWERED = (ComplaintStatus.RESOLVED.value, ComplaintStatus.CLOSED.value)
OPEN = tuple(sorted(status.value for status in OPEN_STATUSES))
TREND_WEEKS = 12
PER_PAGE = 25
# A list counts its matches up to this many and says "more than" beyond: a search matching 40,000 of a million
# complaints is answered from the first page's rows, not by reading all 40,000.
COUNT_LIMIT = 1000


def province_scope(province_id: int | None) -> ColumnElement[bool]:
    """One province's complaints, or every province's (None: the national team): the figures of these come from
    the tallies (bot/domain/tallies.py); of any other scope, from the complaints themselves."""
    return tallies.province_scope(province_id)


# ---------------------------------------------------------------- windows of days


@dataclass(frozen=True)
class Window:
    """Bangkok days from `first` to `last`, both included."""

    first: date
    last: date

    @property
    def begins(self) -> datetime:
        return datetime.combine(self.first, time(), tzinfo=BANGKOK)

    @property
    def ends(self) -> datetime:
        """The first moment after the window."""
        return datetime.combine(self.last + timedelta(days=1), time(), tzinfo=BANGKOK)

    def holds(self) -> ColumnElement[bool]:
        return and_(Complaint.created_at >= self.begins, Complaint.created_at < self.ends)


def fiscal_year_to_date(today: date) -> Window:
    first, _last = fiscal_year_bounds(fiscal_year_of(today))
    return Window(first, today)


def month_to_date(today: date) -> Window:
    return Window(today.replace(day=1), today)


# ---------------------------------------------------------------- the shared expressions


def _answered_at() -> ColumnElement[Any]:
    return func.coalesce(Complaint.resolved_at, Complaint.updated_at)


def _is_answered() -> ColumnElement[bool]:
    return Complaint.status.in_(ANSWERED)


def _is_open() -> ColumnElement[bool]:
    return Complaint.status.in_(OPEN)


def _on_time() -> ColumnElement[bool]:
    return and_(_is_answered(), bangkok_day(_answered_at()) <= Complaint.due_on)


def _overdue(today: date) -> ColumnElement[bool]:
    return and_(_is_open(), Complaint.due_on < today)


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _percent(part: int, whole: int) -> float | None:
    return part / whole * 100 if whole else None


def _medians(scope: ColumnElement[bool], window: Window, key: Any = None) -> Select[Any, Any]:
    """The median days to answer per `key` (or overall), by ranking the answered complaints in SQL."""
    days = whole_days(Complaint.created_at, _answered_at())  # as the tallies count them: whole days, half up
    group = key if key is not None else literal(0)
    ranked = (
        select(
            group.label("key"),
            days.label("days"),
            func.row_number().over(partition_by=group, order_by=days).label("rank"),
            func.count().over(partition_by=group).label("n"),
        )
        .where(scope, window.holds(), _is_answered())
        .subquery()
    )
    middle = and_(ranked.c.rank >= ranked.c.n / 2.0, ranked.c.rank <= ranked.c.n / 2.0 + 1)
    return select(ranked.c.key, func.avg(ranked.c.days)).where(middle).group_by(ranked.c.key)


# ---------------------------------------------------------------- the overview


@dataclass
class Overview:
    today: date
    window: Window
    received: int = 0  # in the window
    received_year: int = 0  # this fiscal year to date
    received_month: int = 0  # this month to date
    open: int = 0
    overdue: int = 0
    answered: int = 0
    answered_on_time: int = 0
    median_days: float | None = None
    mean_rating: float | None = None
    ratings: int = 0

    @property
    def on_time_percent(self) -> float | None:
        return _percent(self.answered_on_time, self.answered)


async def overview(
    session: AsyncSession, scope: ColumnElement[bool], now: datetime, window: Window | None = None
) -> Overview:
    """The headline figures; the window defaults to the fiscal year to date."""
    today = local_day(now)
    figures = Overview(today, window or fiscal_year_to_date(today))
    year, month = fiscal_year_to_date(today), month_to_date(today)
    area = tallies.area_of(scope)
    if area is not None:
        await _tallied_overview(session, area, figures, year, month)
        figures.open, figures.overdue = await _open_and_overdue(session, scope, today)
        return figures
    counted = (
        await session.execute(
            select(
                _count_if(figures.window.holds()),
                _count_if(year.holds()),
                _count_if(month.holds()),
                _count_if(and_(figures.window.holds(), _is_answered())),
                _count_if(and_(figures.window.holds(), _on_time())),
                func.avg(case((figures.window.holds(), Complaint.rating))),
                func.count(case((figures.window.holds(), Complaint.rating))),
            ).where(scope, Complaint.created_at >= min(figures.window.begins, year.begins))
        )
    ).one()
    figures.received, figures.received_year, figures.received_month = (int(v) for v in counted[:3])
    figures.answered, figures.answered_on_time = int(counted[3]), int(counted[4])
    figures.mean_rating = float(counted[5]) if counted[5] is not None else None
    figures.ratings = int(counted[6])
    figures.open, figures.overdue = await _open_and_overdue(session, scope, today)
    median = (await session.execute(_medians(scope, figures.window, None))).first()
    figures.median_days = float(median[1]) if median is not None and median[1] is not None else None
    return figures


async def _tallied_overview(
    session: AsyncSession, area: tallies.Area, figures: Overview, year: Window, month: Window
) -> None:
    window = figures.window
    total = (await tallies.counts(session, area, window.first, window.last)).get(0, tallies.Counts())
    figures.received, figures.answered, figures.answered_on_time = total.received, total.answered, total.on_time
    figures.mean_rating, figures.ratings = total.mean_rating, total.ratings
    for other in (year, month):
        received = total.received
        if other != window:
            received = (await tallies.counts(session, area, other.first, other.last)).get(0, tallies.Counts()).received
        if other is year:
            figures.received_year = received
        else:
            figures.received_month = received
    figures.median_days = (await tallies.medians(session, area, window.first, window.last)).get(0)


async def _open_and_overdue(session: AsyncSession, scope: ColumnElement[bool], today: date) -> tuple[int, int]:
    row = (
        await session.execute(select(func.count(), _count_if(Complaint.due_on < today)).where(scope, _is_open()))
    ).one()
    return int(row[0]), int(row[1])


# ---------------------------------------------------------------- the weekly trend


@dataclass(frozen=True)
class Week:
    first_day: date  # its Monday
    received: int
    answered: int  # of those received that week, answered by now


async def weekly_trend(
    session: AsyncSession, scope: ColumnElement[bool], now: datetime, weeks: int = TREND_WEEKS
) -> list[Week]:
    """The complaints received in each of the last `weeks` weeks (Monday to Sunday), this one included; a week
    with none is listed with zeros."""
    today = local_day(now)
    monday = today - timedelta(days=today.weekday())
    first = monday - timedelta(weeks=weeks - 1)
    found = await _weeks(session, scope, first, today)
    mondays = [first + timedelta(weeks=n) for n in range(weeks)]
    return [Week(day, *found.get(day, (0, 0))) for day in mondays]


async def _weeks(
    session: AsyncSession, scope: ColumnElement[bool], first: date, today: date
) -> dict[date, tuple[int, int]]:
    area = tallies.area_of(scope)
    if area is not None:
        counted = await tallies.weeks(session, area, first, today)
        return {day: (c.received, c.answered) for day, c in counted.items()}
    week = bangkok_week(Complaint.created_at)
    rows = await session.execute(
        select(week, func.count(), _count_if(_is_answered())).where(scope, Window(first, today).holds()).group_by(week)
    )
    return {_as_date(day): (int(received), int(answered)) for day, received, answered in rows.all()}


def _as_date(value: date | str) -> date:
    # SQLite hands back the text of a computed date when the driver cannot tell its type.
    return value if isinstance(value, date) else date.fromisoformat(value)


# ---------------------------------------------------------------- breakdowns and the league table


class By(enum.StrEnum):
    CATEGORY = "category"
    DISTRICT = "district"
    AGENCY = "agency"
    PROVINCE = "province"


_KEYS: dict[By, tuple[Any, Any]] = {
    By.CATEGORY: (Complaint.category_id, ComplaintCategory),
    By.DISTRICT: (Complaint.district_id, District),
    By.AGENCY: (Complaint.agency_id, Agency),
    By.PROVINCE: (Complaint.province_id, Province),
}


@dataclass(frozen=True)
class Slice:
    id: int | None  # None: complaints with none (no district, not yet routed)
    name_th: str
    name_en: str
    received: int  # in the window
    open: int
    overdue: int


async def breakdown(
    session: AsyncSession, scope: ColumnElement[bool], now: datetime, by: By, window: Window | None = None
) -> list[Slice]:
    """Received (in the window), open and overdue complaints per category, district, agency or province, the
    most received first."""
    today = local_day(now)
    window = window or fiscal_year_to_date(today)
    key, model = _KEYS[by]
    area = tallies.area_of(scope)
    if area is not None:
        return await _tallied_breakdown(session, area, scope, today, window, by)
    received = _count_if(window.holds())
    rows = await session.execute(
        select(key, received, _count_if(_is_open()), _count_if(_overdue(today)))
        .where(scope, or_(window.holds(), _is_open()))
        .group_by(key)
    )
    counted = sorted(((k, int(r), int(o), int(d)) for k, r, o, d in rows.all()), key=_slice_order)
    names = await _names(session, model, [row[0] for row in counted if row[0] is not None])
    return [Slice(k, *names.get(k, ("-", "-")), r, o, d) for k, r, o, d in counted]


_TALLIED: dict[By, str] = {
    By.CATEGORY: tallies.CATEGORY,
    By.DISTRICT: tallies.DISTRICT,
    By.AGENCY: tallies.AGENCY,
    By.PROVINCE: tallies.PROVINCE,
}


def _none_as_zero(key: int | None) -> int:
    return 0 if key is None else int(key)


def _zero_as_none(key: int) -> int | None:
    return None if key == 0 else key  # the tallies count "none" (no district, not yet routed) under 0


_Opened = dict[int, tuple[int, int]]  # open and overdue complaints per key (0: none)


async def _open_by(session: AsyncSession, scope: ColumnElement[bool], today: date, *keys: Any) -> dict[Any, Any]:
    """Open and overdue complaints per combination of `keys` (none as 0), from the open complaints' index."""
    rows = await session.execute(
        select(*keys, func.count(), _count_if(Complaint.due_on < today)).where(scope, _is_open()).group_by(*keys)
    )
    return {tuple(_none_as_zero(k) for k in row[:-2]): (int(row[-2]), int(row[-1])) for row in rows.all()}


def _summed(grid: dict[Any, tuple[int, int]], position: int | None) -> _Opened:
    """The grid's open and overdue counts added up per key at `position` (None: all of them under 0)."""
    found: _Opened = {}
    for key, (opened, overdue) in grid.items():
        at = 0 if position is None else key[position]
        before = found.get(at, (0, 0))
        found[at] = (before[0] + opened, before[1] + overdue)
    return found


async def _tallied_breakdown(
    session: AsyncSession,
    area: tallies.Area,
    scope: ColumnElement[bool],
    today: date,
    window: Window,
    by: By,
    opened: _Opened | None = None,
) -> list[Slice]:
    key, model = _KEYS[by]
    received = await tallies.counts(session, area, window.first, window.last, _TALLIED[by])
    if opened is None:
        opened = _summed(await _open_by(session, scope, today, key), 0)
    keys = {k for k, c in received.items() if c.received} | set(opened)
    counted = [(_zero_as_none(k), received.get(k, tallies.Counts()).received, *opened.get(k, (0, 0))) for k in keys]
    counted.sort(key=_slice_order)
    names = await _names(session, model, [row[0] for row in counted if row[0] is not None])
    return [Slice(k, *names.get(k or 0, ("-", "-")), r, o, d) for k, r, o, d in counted]


def _slice_order(row: tuple[int | None, int, int, int]) -> tuple[int, bool, int]:
    """The most received first; on equal counts by id, "none" last (the same on SQLite and PostgreSQL)."""
    key, received = row[0], row[1]
    return (-received, key is None, key or 0)


async def _names(session: AsyncSession, model: Any, ids: list[int]) -> dict[int, tuple[str, str]]:
    if not ids:
        return {}
    english = model.name_en if hasattr(model, "name_en") else model.name_th
    rows = await session.execute(select(model.id, model.name_th, english).where(model.id.in_(ids)))
    return {row[0]: (row[1], row[2] or row[1]) for row in rows.all()}


@dataclass(frozen=True)
class AgencyLine:
    id: int | None
    name_th: str
    name_en: str
    received: int
    answered: int
    answered_on_time: int
    median_days: float | None
    mean_rating: float | None
    ratings: int

    @property
    def on_time_percent(self) -> float | None:
        return _percent(self.answered_on_time, self.answered)


async def agency_league(
    session: AsyncSession, scope: ColumnElement[bool], now: datetime, window: Window | None = None
) -> list[AgencyLine]:
    """The agencies that received complaints in the window: the best share answered on time first, then the
    shortest median, then the most answered."""
    window = window or fiscal_year_to_date(local_day(now))
    area = tallies.area_of(scope)
    if area is not None:
        return await _tallied_league(session, area, window)
    rows = await session.execute(
        select(
            Complaint.agency_id,
            func.count(),
            _count_if(_is_answered()),
            _count_if(_on_time()),
            func.avg(Complaint.rating),
            func.count(Complaint.rating),
        )
        .where(scope, window.holds())
        .group_by(Complaint.agency_id)
    )
    counted = rows.all()
    found = await session.execute(_medians(scope, window, Complaint.agency_id))
    medians = {key: days for key, days in found.all()}
    names = await _names(session, Agency, [row[0] for row in counted if row[0] is not None])
    lines = [
        AgencyLine(
            agency,
            *names.get(agency, ("-", "-")),
            int(received),
            int(answered),
            int(on_time),
            float(medians[agency]) if medians.get(agency) is not None else None,
            float(rating) if rating is not None else None,
            int(ratings),
        )
        for agency, received, answered, on_time, rating, ratings in counted
    ]
    return sorted(lines, key=_league_order)


async def _tallied_league(session: AsyncSession, area: tallies.Area, window: Window) -> list[AgencyLine]:
    counted = await tallies.counts(session, area, window.first, window.last, tallies.AGENCY)
    medians = await tallies.medians(session, area, window.first, window.last, tallies.AGENCY)
    received = {k: c for k, c in counted.items() if c.received}
    names = await _names(session, Agency, [k for k in received if k != 0])
    lines = [
        AgencyLine(
            _zero_as_none(k),
            *names.get(k, ("-", "-")),
            c.received,
            c.answered,
            c.on_time,
            medians.get(k),
            c.mean_rating,
            c.ratings,
        )
        for k, c in received.items()
    ]
    return sorted(lines, key=_league_order)


def _league_order(line: AgencyLine) -> tuple[float, float, int]:
    share = line.on_time_percent
    median = line.median_days
    return (-(share if share is not None else -1.0), median if median is not None else float("inf"), -line.answered)


# ---------------------------------------------------------------- the filtered list


class Sort(enum.StrEnum):
    NEWEST = "newest"
    OLDEST = "oldest"  # by age: the longest waiting first
    DUE = "due"  # the earliest answer date first


@dataclass(frozen=True)
class ComplaintFilter:
    statuses: tuple[str, ...] = ()
    category_id: int | None = None
    agency_id: int | None = None
    district_id: int | None = None
    agenda_id: int | None = None
    overdue: bool = False
    received_from: date | None = None
    received_to: date | None = None
    text: str = ""  # Thai or English words in the description, the ticket number or the subject
    sort: Sort = Sort.NEWEST


@dataclass(frozen=True)
class ComplaintRow:
    complaint: Complaint
    category_th: str | None
    category_en: str | None
    agenda_th: str | None
    agency_th: str | None
    agency_en: str | None
    district_th: str | None
    province_th: str


@dataclass
class ComplaintPage:
    rows: list[ComplaintRow]
    total: int  # at most COUNT_LIMIT: see `more`
    page: int
    per_page: int
    more: bool = False  # more than `total` match: counting stopped there
    pages: int = field(init=False)

    def __post_init__(self) -> None:
        self.pages = max(1, -(-self.total // self.per_page))
        if self.more:  # how many pages there are is not known: there is always a next one
            self.pages = max(self.pages, self.page + 1)


@dataclass(frozen=True)
class _Subjects:
    """The categories and agendas whose Thai name holds the searched text (looked up first: small tables)."""

    categories: tuple[int, ...] = ()
    agendas: tuple[int, ...] = ()


async def _subjects(session: AsyncSession, chosen: ComplaintFilter) -> _Subjects:
    text = chosen.text.strip()
    if not text:
        return _Subjects()
    pattern = like_pattern(text)
    categories = await session.scalars(
        select(ComplaintCategory.id).where(ComplaintCategory.name_th.like(pattern, escape="\\"))
    )
    agendas = await session.scalars(select(Agenda.id).where(Agenda.title_th.like(pattern, escape="\\")))
    return _Subjects(tuple(categories.all()), tuple(agendas.all()))


def _conditions(
    scope: ColumnElement[bool], chosen: ComplaintFilter, today: date, subjects: _Subjects
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [scope]
    statuses = chosen.statuses
    if chosen.overdue:  # open and past due: one list of statuses, so that the planner reads one index
        statuses = tuple(status for status in statuses or OPEN if status in OPEN) or ("-",)
        conditions.append(Complaint.due_on < today)
    if statuses:
        conditions.append(Complaint.status.in_(statuses))
    for column, value in (
        (Complaint.category_id, chosen.category_id),
        (Complaint.agency_id, chosen.agency_id),
        (Complaint.district_id, chosen.district_id),
        (Complaint.agenda_id, chosen.agenda_id),
    ):
        if value is not None:
            conditions.append(column == value)
    if chosen.received_from is not None:
        conditions.append(Complaint.created_at >= Window(chosen.received_from, chosen.received_from).begins)
    if chosen.received_to is not None:
        conditions.append(Complaint.created_at < Window(chosen.received_to, chosen.received_to).ends)
    if chosen.text.strip():
        conditions.append(_text_matches(chosen.text.strip(), subjects))
    return conditions


def _text_matches(text: str, subjects: _Subjects) -> ColumnElement[bool]:
    """The description (through the trigram index: bot/domain/search.py), the ticket number or the subject (the
    agenda's or the category's name): Thai has no spaces between words, so a substring is what a person types."""
    matches: list[ColumnElement[Any]] = [description_contains(text)]
    if text.isascii():  # a ticket number is Latin letters, digits and dashes
        matches.append(Complaint.ticket_no.like(like_pattern(text.upper()), escape="\\"))
    if subjects.categories:
        matches.append(Complaint.category_id.in_(subjects.categories))
    if subjects.agendas:
        matches.append(Complaint.agenda_id.in_(subjects.agendas))
    return or_(*matches)


_ORDER = {
    Sort.NEWEST: (Complaint.created_at.desc(), Complaint.id.desc()),
    Sort.OLDEST: (Complaint.created_at, Complaint.id),
    Sort.DUE: (Complaint.due_on, Complaint.id),
}


def _listing(
    conditions: list[ColumnElement[bool]], sort: Sort, limit: int, offset: int = 0
) -> Select[*tuple[Any, ...]]:
    """The matching complaints with their names, in the list's order: the page's ids are chosen from the complaints
    (and their indexes) alone, and only those rows are joined to their names."""
    chosen = select(Complaint.id).where(*conditions).order_by(*_ORDER[sort]).limit(limit).offset(offset)
    category, agency, district, agenda = (
        aliased(ComplaintCategory),
        aliased(Agency),
        aliased(District),
        aliased(Agenda),
    )
    return (
        select(
            Complaint,
            category.name_th,
            category.name_en,
            agenda.title_th,
            agency.name_th,
            agency.name_en,
            district.name_th,
            Province.name_th,
        )
        .join(Province, Province.id == Complaint.province_id)
        .outerjoin(category, category.id == Complaint.category_id)
        .outerjoin(agenda, agenda.id == Complaint.agenda_id)
        .outerjoin(agency, agency.id == Complaint.agency_id)
        .outerjoin(district, district.id == Complaint.district_id)
        .where(Complaint.id.in_(chosen.scalar_subquery()))
        .order_by(*_ORDER[sort])
    )


async def complaint_page(
    session: AsyncSession,
    scope: ColumnElement[bool],
    chosen: ComplaintFilter,
    now: datetime,
    *,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> ComplaintPage:
    """One page of the complaints in scope that match the filter, and how many match in all."""
    today = local_day(now)
    subjects = await _subjects(session, chosen)
    conditions = _conditions(scope, chosen, today, subjects)
    matching = select(Complaint.id).where(*conditions).limit(COUNT_LIMIT + 1).subquery()
    total = int(await session.scalar(select(func.count()).select_from(matching)) or 0)
    listed = ComplaintPage([], min(total, COUNT_LIMIT), max(1, page), per_page, more=total > COUNT_LIMIT)
    listed.page = min(listed.page, listed.pages)
    query = _listing(conditions, chosen.sort, per_page, (listed.page - 1) * per_page)
    listed.rows = [ComplaintRow(*row) for row in (await session.execute(query)).all()]
    return listed


async def complaint_rows(
    session: AsyncSession, scope: ColumnElement[bool], chosen: ComplaintFilter, now: datetime, *, limit: int
) -> list[ComplaintRow]:
    """Every matching complaint up to `limit`, in the list's order (for an export)."""
    conditions = _conditions(scope, chosen, local_day(now), await _subjects(session, chosen))
    query = _listing(conditions, chosen.sort, limit)
    return [ComplaintRow(*row) for row in (await session.execute(query)).all()]


# ---------------------------------------------------------------- the overview page's figures together


@dataclass
class Dashboard:
    overview: Overview
    trend: list[Week]
    categories: list[Slice]
    places: list[Slice]  # by district, or by province for the national team
    agencies: list[AgencyLine]


async def dashboard(
    session: AsyncSession,
    scope: ColumnElement[bool],
    now: datetime,
    window: Window | None = None,
    *,
    places: By = By.DISTRICT,
) -> Dashboard:
    """Everything the desk's overview shows about complaints, in one call (the benchmark times this). The
    national team's places are provinces: nine hundred districts are no overview, and cost the most to group."""
    area = tallies.area_of(scope)
    if area is not None:
        return await _tallied_dashboard(
            session, area, scope, now, window or fiscal_year_to_date(local_day(now)), places
        )
    return Dashboard(
        await overview(session, scope, now, window),
        await weekly_trend(session, scope, now),
        await breakdown(session, scope, now, By.CATEGORY, window),
        await breakdown(session, scope, now, places, window),
        await agency_league(session, scope, now, window),
    )


async def _tallied_dashboard(
    session: AsyncSession, area: tallies.Area, scope: ColumnElement[bool], now: datetime, window: Window, places: By
) -> Dashboard:
    """As `dashboard`, the open complaints read once for the headline, the categories and the places."""
    today = local_day(now)
    grid = await _open_by(session, scope, today, _KEYS[By.CATEGORY][0], _KEYS[places][0])
    figures = Overview(today, window)
    await _tallied_overview(session, area, figures, fiscal_year_to_date(today), month_to_date(today))
    figures.open, figures.overdue = _summed(grid, None).get(0, (0, 0))
    return Dashboard(
        figures,
        await weekly_trend(session, scope, now),
        await _tallied_breakdown(session, area, scope, today, window, By.CATEGORY, _summed(grid, 0)),
        await _tallied_breakdown(session, area, scope, today, window, places, _summed(grid, 1)),
        await agency_league(session, scope, now, window),
    )
