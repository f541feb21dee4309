"""`hpp-bot agenda import`: good rows go in, bad rows are reported by line number and nothing is kept, BE and ISO
dates, XLSX as well as CSV, --dry-run and --skip-bad."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from bot.cli import main as cli_main
from bot.domain.importer import COLUMNS, import_rows, read_rows
from bot.settings import get_settings
from storage.db import Database
from storage.models import Agenda, Deadline, Kpi, WorkingGroup

SAMPLE = Path(__file__).resolve().parents[2] / "storage/data/samples/agenda_import_sample.csv"
GOOD = {
    "province": "ลำปาง",
    "fiscal_year": "2570",
    "dimension": "environment",
    "mechanisms": "open_government",
    "title_th": "ลดหมอกควันลำปาง",
    "title_en": "Less haze in Lampang",
    "goal": "",
    "owner_agency": "natural_resources",
    "kpi_name_th": "จำนวนจุดความร้อน",
    "kpi_name_en": "Hotspots",
    "unit": "number",
    "unit_label_th": "จุด",
    "unit_label_en": "hotspots",
    "baseline": "1,200",
    "target": "600",
    "due_date": "30/09/2570",
    "reporting_cycle": "monthly",
    "reporting_day": "5",
}


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


async def counts(db: Database) -> tuple[int, int]:
    async with db.read() as session:
        agendas = await session.scalar(select(func.count(Agenda.id)))
        kpis = await session.scalar(select(func.count(Kpi.id)))
    return int(agendas or 0), int(kpis or 0)


@pytest.fixture
async def db(sqlite_url: str):  # type: ignore[no-untyped-def]
    database = Database(sqlite_url)
    yield database
    await database.close()


async def test_good_rows_are_imported_with_be_and_iso_dates_and_cycle_deadlines(tmp_path: Path, db: Database) -> None:
    second = GOOD | {
        "kpi_name_th": "ร้อยละหมู่บ้านปลอดการเผา",
        "unit": "percent",
        "target": "90",
        "due_date": "2027-08-31",
        "reporting_cycle": "quarterly",
        "reporting_day": "10",
    }
    before = await counts(db)
    report = await import_rows(db, read_rows(write_csv(tmp_path / "a.csv", [GOOD, second])))
    assert report.imported and not report.errors
    assert (report.agendas_added, report.kpis_added) == (1, 2)
    assert await counts(db) == (before[0] + 1, before[1] + 2)
    async with db.read() as session:
        kpis = {k.name_th: k for k in (await session.scalars(select(Kpi))).all()}
        hotspot, villages = kpis["จำนวนจุดความร้อน"], kpis["ร้อยละหมู่บ้านปลอดการเผา"]
        assert (hotspot.due_on, hotspot.baseline, hotspot.target) == (date(2027, 9, 30), 1200, 600)
        assert villages.due_on == date(2027, 8, 31)
        monthly = (await session.scalars(select(Deadline.due_on).where(Deadline.kpi_id == hotspot.id))).all()
        quarterly = (await session.scalars(select(Deadline.due_on).where(Deadline.kpi_id == villages.id))).all()
    # One per period: October's report by 5 Nov … September's by 5 Oct (the 5 Oct at the year's start was the
    # previous fiscal year's September, and the quarterly 10 Oct its last quarter: gone).
    assert min(monthly) == date(2026, 11, 5) and max(monthly) == date(2027, 10, 5) and len(monthly) == 12
    assert sorted(quarterly) == [date(2027, 1, 10), date(2027, 4, 10), date(2027, 7, 10), date(2027, 10, 10)]


async def test_bad_rows_are_reported_by_line_and_nothing_is_imported(tmp_path: Path, db: Database) -> None:
    rows = [
        GOOD,
        GOOD | {"kpi_name_th": "x", "province": "แอตแลนติส", "due_date": "31/02/2570"},
        GOOD | {"kpi_name_th": "y", "unit": "percent", "target": "150", "reporting_cycle": "weekly"},
        GOOD | {"kpi_name_th": "", "fiscal_year": "2026"},
        GOOD,  # the same KPI twice in one agenda
    ]
    before = await counts(db)
    report = await import_rows(db, read_rows(write_csv(tmp_path / "bad.csv", rows)))
    assert not report.imported
    by_line = {error.line: error.reasons for error in report.errors}
    assert sorted(by_line) == [3, 4, 5, 6]
    assert by_line[3] == ["unknown province 'แอตแลนติส'", "no such day: '31/02/2570'"]
    assert "a percentage target must be 0-100, not 150" in by_line[4]
    assert any("unknown reporting cycle 'weekly'" in reason for reason in by_line[4])
    assert "kpi_name_th is empty" in by_line[5] and any("Buddhist-Era" in r for r in by_line[5])
    assert by_line[6] == ["the agenda already has a KPI named 'จำนวนจุดความร้อน'"]
    assert await counts(db) == before


async def test_kinds_directions_and_stages_are_imported(tmp_path: Path, db: Database) -> None:
    rows = [
        GOOD | {"kind": "cumulative", "direction": "lower", "working_group": "environment"},  # at most 600 a year
        GOOD | {"kpi_name_th": "ศูนย์บัญชาการ", "kind": "milestone", "stages": "3", "target": "", "unit": ""},
        GOOD | {"kpi_name_th": "ประกาศเขตควบคุม", "kind": "", "unit": "yesno", "target": "1"},  # a file from before
        GOOD | {"kpi_name_th": "ร้อยละหมู่บ้าน", "kind": "", "unit": "percent", "target": "90"},
    ]
    report = await import_rows(db, read_rows(write_csv(tmp_path / "kinds.csv", rows)))
    assert report.imported and not report.errors
    async with db.read() as session:
        kpis = {k.name_th: k for k in (await session.scalars(select(Kpi))).all()}
    shapes = {
        name: (k.kind, k.higher_is_better, k.unit, k.stages, k.target)
        for name, k in kpis.items()
        if name in {"จำนวนจุดความร้อน", "ศูนย์บัญชาการ", "ประกาศเขตควบคุม", "ร้อยละหมู่บ้าน"}
    }
    async with db.read() as session:
        group = await session.scalar(
            select(WorkingGroup.code)
            .join(Agenda, Agenda.working_group_id == WorkingGroup.id)
            .where(Agenda.title_th == GOOD["title_th"])
        )
    assert group == "environment"  # the working group that advises the agenda
    assert shapes == {
        "จำนวนจุดความร้อน": ("cumulative", False, "number", None, 600),
        "ศูนย์บัญชาการ": ("milestone", True, "number", 3, None),
        "ประกาศเขตควบคุม": ("milestone", True, "number", 1, None),  # yes/no: one stage, done or not
        "ร้อยละหมู่บ้าน": ("level", True, "percent", None, 90),
    }


async def test_a_row_of_an_unknown_kind_or_one_its_kind_cannot_take_is_refused(tmp_path: Path, db: Database) -> None:
    rows = [
        GOOD,
        GOOD | {"kpi_name_th": "a", "kind": "sum"},
        GOOD | {"kpi_name_th": "b", "kind": "cumulative", "unit": "percent", "target": "50"},
        GOOD | {"kpi_name_th": "c", "kind": "level", "stages": "4"},
        GOOD | {"kpi_name_th": "d", "direction": "up"},
        GOOD | {"kpi_name_th": "e", "kind": "level", "unit": "yesno"},
        GOOD | {"kpi_name_th": "f", "working_group": "sports"},
    ]
    before = await counts(db)
    report = await import_rows(db, read_rows(write_csv(tmp_path / "kinds.csv", rows)))
    assert not report.imported
    by_line = {error.line: error.reasons for error in report.errors}
    assert by_line == {
        3: ["unknown kind 'sum' (use one of cumulative, level, milestone)"],
        4: ["a cumulative KPI adds amounts up: use the unit number, not percent"],
        5: ["only a milestone has stages (this KPI is level)"],
        6: ["unknown direction 'up' (use higher or lower)"],
        7: ["the unit 'yesno' is for a milestone, not a level KPI"],
        8: ["unknown working group code 'sports' (use one of economy, society_security, environment)"],
    }
    assert await counts(db) == before


async def test_skip_bad_keeps_the_good_rows_and_dry_run_keeps_nothing(tmp_path: Path, db: Database) -> None:
    path = write_csv(tmp_path / "mixed.csv", [GOOD, GOOD | {"kpi_name_th": "z", "target": "lots"}])
    before = await counts(db)
    dry = await import_rows(db, read_rows(path), dry_run=True, skip_bad=True)
    assert not dry.imported and dry.kpis_added == 1 and [e.line for e in dry.errors] == [3]
    assert await counts(db) == before
    kept = await import_rows(db, read_rows(path), skip_bad=True)
    assert kept.imported and kept.kpis_added == 1
    assert await counts(db) == (before[0] + 1, before[1] + 1)


async def test_xlsx_rows_carry_their_sheet_row_numbers(tmp_path: Path, db: Database) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(COLUMNS))
    sheet.append([GOOD.get(c, "") for c in COLUMNS])
    sheet.append([])  # a blank row is left out
    sheet.append([(GOOD | {"kpi_name_th": "w", "due_date": "not a date"}).get(c, "") for c in COLUMNS])
    book.save(tmp_path / "agendas.xlsx")
    report = await import_rows(db, read_rows(tmp_path / "agendas.xlsx"))
    assert [(e.line, e.reasons) for e in report.errors] == [
        (4, ["not a date: 'not a date' (use 30/09/2568 or 2025-09-30)"])
    ]


def test_the_cli_imports_the_sample_with_a_progress_bar(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    get_settings.cache_clear()
    try:
        assert cli_main(["agenda", "import", str(SAMPLE), "--dry-run"]) == 0
        dry = capsys.readouterr()
        assert "dry run: all 4 rows are good" in dry.out and "100% 4/4" in dry.err
        assert cli_main(["agenda", "import", str(SAMPLE)]) == 0
        assert "imported 4 KPIs (2 new agendas)" in capsys.readouterr().out
        assert cli_main(["agenda", "import", str(SAMPLE)]) == 1  # the same KPIs again: refused, with lines
        again = capsys.readouterr()
        assert "line 2: the agenda already has a KPI named" in again.err and "nothing was imported" in again.err
    finally:
        get_settings.cache_clear()
