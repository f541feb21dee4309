"""Import agendas and KPIs from a CSV or XLSX file: one row per KPI, with its agenda's columns repeated.

Every row is checked; a bad row is reported with its line number and reasons. Nothing is imported when any row
is bad (the whole file is one transaction) unless the caller asks to skip bad rows.

An agenda's `working_group` is the code of the working group that advises it (economy, society_security,
environment; may be empty). A KPI's `kind` is cumulative, level or milestone (empty: level), its `direction`
higher or lower (is better; empty: higher), a milestone's `stages` its number of stages (empty: 1). Files from
before KPI kinds still import: their unit yesno is a milestone of one stage, their unit milestone a milestone.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.agendas import AgendaSpec, KpiSpec, Lookups, add_kpi, definition_problems, ensure_agenda
from bot.domain.values import (
    BadValue,
    parse_cycle,
    parse_date,
    parse_direction,
    parse_fiscal_year,
    parse_kind_and_unit,
    parse_number,
    parse_stages,
    split_codes,
)
from storage.db import Database
from storage.models import KpiKind, KpiUnit, ReportingCycle
from storage.seed import fiscal_year_bounds

COLUMNS = (
    "province",
    "fiscal_year",
    "dimension",
    "mechanisms",
    "working_group",
    "title_th",
    "title_en",
    "goal",
    "owner_agency",
    "kpi_name_th",
    "kpi_name_en",
    "kind",
    "direction",
    "unit",
    "unit_label_th",
    "unit_label_en",
    "baseline",
    "target",
    "stages",
    "due_date",
    "reporting_cycle",
    "reporting_day",
)
REQUIRED = ("province", "fiscal_year", "title_th", "kpi_name_th")
SourceRow = tuple[int, dict[str, str]]  # (line number in the file, column -> text)
Progress = Callable[[int, int], None]
T = TypeVar("T")


@dataclass
class RowError:
    line: int
    reasons: list[str]

    def __str__(self) -> str:
        return f"line {self.line}: " + "; ".join(self.reasons)


@dataclass
class ImportReport:
    rows: int = 0
    agendas_added: int = 0
    kpis_added: int = 0
    errors: list[RowError] = field(default_factory=list)
    imported: bool = False
    dry_run: bool = False

    @property
    def bad_rows(self) -> int:
        return len(self.errors)


@dataclass(frozen=True)
class ParsedRow:
    line: int
    agenda: AgendaSpec
    kpi: KpiSpec


class _Rollback(Exception):
    """Leave the import's transaction without keeping anything."""


# ---------------------------------------------------------------- reading files


def _header_key(text: object) -> str:
    return str(text or "").strip().lower().replace(" ", "_").replace("-", "_")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(path: Path) -> list[SourceRow]:
    """The data rows of a .csv (UTF-8) or .xlsx file, each with its line number; blank rows are left out."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = list(_read_csv(path))
    elif suffix == ".xlsx":
        rows = list(_read_xlsx(path))
    else:
        raise BadValue(f"{path.name}: use a .csv or .xlsx file")
    return [(line, row) for line, row in rows if any(row.values())]


def _read_csv(path: Path) -> Iterator[SourceRow]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = [_header_key(h) for h in next(reader, [])]
        _check_header(header)
        for values in reader:
            yield reader.line_num, {key: _text(v) for key, v in zip(header, values, strict=False) if key}


def _read_xlsx(path: Path) -> Iterator[SourceRow]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [_header_key(h) for h in next(rows, ())]
        _check_header(header)
        for number, values in enumerate(rows, start=2):
            yield number, {key: _text(v) for key, v in zip(header, values, strict=False) if key}
    finally:
        book.close()


def _check_header(header: list[str]) -> None:
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise BadValue(f"line 1: missing columns {', '.join(missing)} (expected: {', '.join(COLUMNS)})")


# ---------------------------------------------------------------- checking rows


def parse_row(line: int, row: dict[str, str], lookups: Lookups) -> ParsedRow | RowError:
    """Check every column of one row; all the reasons a row is bad are collected, not just the first."""
    reasons: list[str] = []

    def check(parse: Callable[[], T], default: T) -> T:
        try:
            return parse()
        except BadValue as exc:
            reasons.append(str(exc))
            return default

    def get(column: str) -> str:
        return row.get(column, "").strip()

    reasons += [f"{column} is empty" for column in REQUIRED if not get(column)]
    province_id = check(lambda: lookups.province(get("province")), 0) if get("province") else 0
    year_be = check(lambda: parse_fiscal_year(get("fiscal_year")), 0) if get("fiscal_year") else 0
    dimension_id = check(lambda: lookups.dimension(get("dimension")), None)
    working_group_id = check(lambda: lookups.working_group(get("working_group")), None)
    mechanisms = tuple(check(partial(lookups.mechanism, code), 0) for code in split_codes(get("mechanisms")))
    owner = check(lambda: lookups.agency(get("owner_agency"), province_id), None) if province_id else None
    level: tuple[str, str, int | None] = (KpiKind.LEVEL.value, KpiUnit.NUMBER.value, None)
    known = len(reasons)
    kind, unit, unit_stages = check(lambda: parse_kind_and_unit(get("kind"), get("unit")), level)
    known_kind = len(reasons) == known  # an unknown kind is the reason; the rules of a guessed one are not
    higher_is_better = check(lambda: parse_direction(get("direction")), True)
    stages = check(lambda: parse_stages(get("stages")), None) or unit_stages
    baseline = check(lambda: parse_number(get("baseline"), field="baseline"), None)
    target = check(lambda: parse_number(get("target"), field="target"), None)
    due_on = check(lambda: parse_date(get("due_date")), None) if get("due_date") else None
    no_cycle: tuple[str, int | None] = (ReportingCycle.NONE, None)
    cycle, day = check(lambda: parse_cycle(get("reporting_cycle"), get("reporting_day")), no_cycle)
    reasons += definition_problems(kind, unit, target, stages) if known_kind else []
    reasons += _due_reasons(due_on, year_be)
    if reasons:
        return RowError(line, reasons)
    agenda = AgendaSpec(
        province_id=province_id,
        fiscal_year_be=year_be,
        title_th=get("title_th"),
        title_en=get("title_en"),
        goal_th=get("goal"),
        dimension_id=dimension_id,
        working_group_id=working_group_id,
        owner_agency_id=owner,
        mechanism_ids=tuple(dict.fromkeys(mechanisms)),
    )
    kpi = KpiSpec(
        name_th=get("kpi_name_th"),
        name_en=get("kpi_name_en"),
        kind=kind,
        unit=unit,
        stages=stages,
        higher_is_better=higher_is_better,
        unit_label_th=get("unit_label_th"),
        unit_label_en=get("unit_label_en"),
        baseline=baseline,
        target=target,
        due_on=due_on,
        reporting_cycle=cycle,
        reporting_day=day,
    )
    return ParsedRow(line, agenda, kpi)


def _due_reasons(due_on: date | None, year_be: int) -> list[str]:
    if due_on is None or not year_be:
        return []
    starts_on, _ends_on = fiscal_year_bounds(year_be)
    if due_on < starts_on:
        return [f"due date {due_on.isoformat()} is before fiscal year {year_be} begins ({starts_on.isoformat()})"]
    return []


# ---------------------------------------------------------------- importing


async def import_rows(
    db: Database,
    rows: list[SourceRow],
    *,
    dry_run: bool = False,
    skip_bad: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Check and import the rows in one transaction; see the module docstring for what is kept."""
    report = ImportReport(rows=len(rows), dry_run=dry_run)
    try:
        async with db.write() as session:
            lookups = await Lookups.load(session)
            for done, (line, row) in enumerate(rows, start=1):
                parsed = parse_row(line, row, lookups)
                if isinstance(parsed, RowError):
                    report.errors.append(parsed)
                else:
                    await _import_one(session, parsed, report)
                if progress is not None:
                    progress(done, len(rows))
            if (report.errors and not skip_bad) or dry_run:
                raise _Rollback
            report.imported = True
    except _Rollback:
        report.imported = False
    return report


async def _import_one(session: AsyncSession, parsed: ParsedRow, report: ImportReport) -> None:
    """One row in a savepoint, so a row refused by the database leaves the others in place."""
    try:
        async with session.begin_nested():
            agenda, inserted = await ensure_agenda(session, parsed.agenda)
            await add_kpi(session, agenda, parsed.kpi)
        report.agendas_added += int(inserted)
        report.kpis_added += 1
    except BadValue as exc:
        report.errors.append(RowError(parsed.line, [str(exc)]))
