"""Dates and durations computed by the database itself, the same on SQLite and PostgreSQL.

The desk's figures run over a million complaints: they are aggregated in SQL, so the day a moment falls on in
Bangkok, a week's first day and a number of days between two moments must be SQL expressions. Thailand keeps no
daylight saving time, so Bangkok is UTC+7 all year; SQLite stores our timestamps as UTC text (storage/models.py).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Date, Float, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

BANGKOK_OFFSET_HOURS = 7


class bangkok_day(FunctionElement[Any]):
    """The calendar day a UTC timestamp falls on in Bangkok."""

    type = Date()
    inherit_cache = True
    name = "bangkok_day"


class bangkok_week(FunctionElement[Any]):
    """The Monday of the week a UTC timestamp falls in, in Bangkok."""

    type = Date()
    inherit_cache = True
    name = "bangkok_week"


class days_between(FunctionElement[Any]):
    """Days (with their fraction) from the first timestamp to the second."""

    type = Float()
    inherit_cache = True
    name = "days_between"


def _args(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> list[str]:
    return [compiler.process(clause, **kw) for clause in element.clauses]


@compiles(bangkok_day, "sqlite")
def _day_sqlite(element: bangkok_day, compiler: SQLCompiler, **kw: Any) -> str:
    (moment,) = _args(element, compiler, **kw)
    return f"date({moment}, '+{BANGKOK_OFFSET_HOURS} hours')"


@compiles(bangkok_day, "postgresql")
def _day_postgres(element: bangkok_day, compiler: SQLCompiler, **kw: Any) -> str:
    (moment,) = _args(element, compiler, **kw)
    return f"CAST(({moment} AT TIME ZONE 'Asia/Bangkok') AS DATE)"


@compiles(bangkok_week, "sqlite")
def _week_sqlite(element: bangkok_week, compiler: SQLCompiler, **kw: Any) -> str:
    (moment,) = _args(element, compiler, **kw)
    # 'weekday 1' moves forward to the next Monday (or stays on one): step back six days first.
    return f"date({moment}, '+{BANGKOK_OFFSET_HOURS} hours', '-6 days', 'weekday 1')"


@compiles(bangkok_week, "postgresql")
def _week_postgres(element: bangkok_week, compiler: SQLCompiler, **kw: Any) -> str:
    (moment,) = _args(element, compiler, **kw)
    return f"CAST(date_trunc('week', {moment} AT TIME ZONE 'Asia/Bangkok') AS DATE)"


@compiles(days_between, "sqlite")
def _days_sqlite(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = _args(element, compiler, **kw)
    return f"(julianday({end}) - julianday({start}))"


@compiles(days_between, "postgresql")
def _days_postgres(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = _args(element, compiler, **kw)
    return f"(EXTRACT(EPOCH FROM ({end} - {start})) / 86400.0)"


class bangkok_month(FunctionElement[Any]):
    """The first day of the month a UTC timestamp falls in, in Bangkok."""

    type = Date()
    inherit_cache = True
    name = "bangkok_month"


class whole_days(FunctionElement[Any]):
    """Days from the first timestamp to the second, rounded half up to a whole number, never below zero (the
    buckets of the days-to-answer histograms: bot/domain/tallies.py, migration 0016's triggers)."""

    type = Integer()
    inherit_cache = True
    name = "whole_days"


@compiles(bangkok_month, "sqlite")
def _month_sqlite(element: bangkok_month, compiler: SQLCompiler, **kw: Any) -> str:
    (moment,) = _args(element, compiler, **kw)
    return f"date({moment}, '+{BANGKOK_OFFSET_HOURS} hours', 'start of month')"


@compiles(bangkok_month, "postgresql")
def _month_postgres(element: bangkok_month, compiler: SQLCompiler, **kw: Any) -> str:
    (moment,) = _args(element, compiler, **kw)
    return f"CAST(date_trunc('month', {moment} AT TIME ZONE 'Asia/Bangkok') AS DATE)"


@compiles(whole_days, "sqlite")
def _whole_days_sqlite(element: whole_days, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = _args(element, compiler, **kw)
    return f"max(0, CAST(julianday({end}) - julianday({start}) + 0.5 AS INTEGER))"


@compiles(whole_days, "postgresql")
def _whole_days_postgres(element: whole_days, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = _args(element, compiler, **kw)
    return f"greatest(0, CAST(floor(EXTRACT(EPOCH FROM ({end} - {start})) / 86400.0 + 0.5) AS INTEGER))"


class bangkok_fiscal_year(FunctionElement[Any]):
    """The first day (1 October) of the Thai fiscal year a UTC timestamp falls in, in Bangkok."""

    type = Date()
    inherit_cache = True
    name = "bangkok_fiscal_year"


@compiles(bangkok_fiscal_year, "sqlite")
def _fiscal_year_sqlite(element: bangkok_fiscal_year, compiler: SQLCompiler, **kw: Any) -> str:
    (moment,) = _args(element, compiler, **kw)
    # Back nine months from the month's first day lands in the calendar year whose October begins it.
    return (
        f"date({moment}, '+{BANGKOK_OFFSET_HOURS} hours', 'start of month', '-9 months', 'start of year', '+9 months')"
    )


@compiles(bangkok_fiscal_year, "postgresql")
def _fiscal_year_postgres(element: bangkok_fiscal_year, compiler: SQLCompiler, **kw: Any) -> str:
    (moment,) = _args(element, compiler, **kw)
    month = f"date_trunc('month', {moment} AT TIME ZONE 'Asia/Bangkok')"
    return f"CAST(date_trunc('year', {month} - interval '9 months') + interval '9 months' AS DATE)"
