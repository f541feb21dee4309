"""`hpp-bot agenda list | add | edit | import`: a province's agendas, and the CSV/XLSX import of agendas and KPIs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli.common import add_command, add_group, with_database
from bot.cli.progress import ProgressBar
from bot.domain import agendas
from bot.domain.importer import ImportReport, import_rows, read_rows
from bot.domain.values import BadValue, split_codes
from bot.settings import Settings
from storage.db import Database
from storage.models import Kpi, KpiKind


@with_database
async def list_agendas(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    async with db.read() as session:
        province_id = (await agendas.province_named(session, args.province)).id if args.province else None
        rows = await agendas.agendas_listed(session, province_id=province_id, year_be=args.year)
        for agenda, province, year in rows:
            state = "" if agenda.is_active else " (inactive)"
            print(f"#{agenda.id} {province} FY{year or '-'}: {agenda.title_th}{state}")
            for kpi in await agendas.agenda_kpis(session, agenda.id):
                print(f"    {_kpi_line(kpi)}")
    print(f"{len(rows)} agendas")
    return 0


def _kpi_line(kpi: Kpi) -> str:
    due = kpi.due_on.isoformat() if kpi.due_on else "-"
    cycle = f"{kpi.reporting_cycle}{f'/{kpi.reporting_day}' if kpi.reporting_day else ''}"
    if kpi.kind == KpiKind.MILESTONE:
        kind = f"milestone, {kpi.stages or 1} stages"
    else:
        kind = f"{kpi.kind}, {'higher' if kpi.higher_is_better else 'lower'} is better, {kpi.unit}"
    example = " (example figures)" if kpi.is_example else ""
    return f"kpi #{kpi.id} {kpi.name_th} [{kind}] target={kpi.target} due={due} cycle={cycle}{example}"


@with_database
async def add(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    async with db.write() as session:
        lookups = await agendas.Lookups.load(session)
        province_id = lookups.province(args.province)
        spec = agendas.AgendaSpec(
            province_id=province_id,
            fiscal_year_be=args.year,
            title_th=args.title_th,
            title_en=args.title_en,
            goal_th=args.goal,
            dimension_id=lookups.dimension(args.dimension),
            working_group_id=lookups.working_group(args.working_group),
            owner_agency_id=lookups.agency(args.owner_agency, province_id),
            mechanism_ids=tuple(lookups.mechanism(code) for code in split_codes(args.mechanisms)),
        )
        agenda, inserted = await agendas.ensure_agenda(session, spec)
    if not inserted:
        raise BadValue(f"agenda #{agenda.id} already has that title in that province and year")
    print(f"agenda #{agenda.id} added")
    return 0


@with_database
async def edit(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    async with db.write() as session:
        agenda = await agendas.agenda_numbered(session, args.id)
        for field in ("title_th", "title_en", "goal_th"):
            if getattr(args, field) is not None:
                setattr(agenda, field, getattr(args, field))
        if args.active is not None:
            agenda.is_active = args.active
    print(f"agenda #{args.id} saved")
    return 0


@with_database
async def import_file(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    rows = read_rows(Path(args.file))
    bar = ProgressBar(len(rows), "checking and importing")
    report = await import_rows(
        db, rows, dry_run=args.dry_run, skip_bad=args.skip_bad, progress=lambda done, _total: bar.update(done)
    )
    bar.close()
    for error in sorted(report.errors, key=lambda e: e.line):
        print(f"  {error}", file=sys.stderr)
    return _tell_import(report, dry_run=args.dry_run)


def _tell_import(report: ImportReport, *, dry_run: bool) -> int:
    if report.imported:
        print(
            f"imported {report.kpis_added} KPIs ({report.agendas_added} new agendas) from {report.rows} rows; "
            f"{report.bad_rows} bad rows skipped"
        )
        return 0
    if report.dry_run and not report.errors:
        print(
            f"dry run: all {report.rows} rows are good ({report.kpis_added} KPIs, {report.agendas_added} new "
            "agendas); nothing was imported"
        )
        return 0
    print(
        f"{report.bad_rows} of {report.rows} rows are bad: nothing was imported"
        + ("" if dry_run else " (fix them, or use --skip-bad to import the good rows)"),
        file=sys.stderr,
    )
    return 1


def register(subparsers: argparse._SubParsersAction) -> None:
    agenda_sub = add_group(subparsers, "agenda", "province agendas (list, add, edit, import)")
    listing = add_command(agenda_sub, "list", "agendas and their KPIs", list_agendas)
    listing.add_argument("--province")
    listing.add_argument("--year", type=int, help="fiscal year (BE), e.g. 2570")
    adding = add_command(agenda_sub, "add", "add an agenda", add)
    adding.add_argument("--province", required=True)
    adding.add_argument("--year", type=int, required=True, help="fiscal year (BE)")
    adding.add_argument("--title-th", required=True)
    adding.add_argument("--title-en", default="")
    adding.add_argument("--goal", default="")
    adding.add_argument("--dimension", default="", help="dimension code, e.g. environment")
    adding.add_argument("--mechanisms", default="", help="mechanism codes separated by commas")
    adding.add_argument(
        "--working-group", default="", help="the advising working group: economy, society_security, environment"
    )
    adding.add_argument("--owner-agency", default="", help="agency code, e.g. natural_resources")
    editing = add_command(agenda_sub, "edit", "change an agenda", edit)
    editing.add_argument("id", type=int)
    editing.add_argument("--title-th")
    editing.add_argument("--title-en")
    editing.add_argument("--goal", dest="goal_th")
    editing.add_argument("--active", action=argparse.BooleanOptionalAction, default=None)
    importing = add_command(agenda_sub, "import", "import agendas and KPIs from a .csv or .xlsx file", import_file)
    importing.add_argument("file")
    importing.add_argument("--dry-run", action="store_true", help="check every row, import nothing")
    importing.add_argument("--skip-bad", action="store_true", help="import the good rows even if some are bad")
