"""Secretariat commands: agendas, KPIs and deadlines (with the CSV/XLSX import), reminders, broadcasts and the
province summary export. Each command is one short async function over the database."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.domain import agendas
from bot.domain.progress import refresh_latest
from bot.domain.values import BadValue, parse_cycle, parse_date, parse_number, parse_unit, split_codes
from bot.settings import Settings
from storage.db import Database
from storage.models import Agenda, Deadline, DeadlineSubmission, FiscalYear, Kpi, Province, ReportingCycle

AsyncCommand = Callable[[argparse.Namespace, Database, Settings], Awaitable[int]]


def _run(command: AsyncCommand) -> Callable[[argparse.Namespace, Settings], int]:
    """Run an async command with its own database; a BadValue is one clear line on stderr and exit code 2."""

    def runner(args: argparse.Namespace, settings: Settings) -> int:
        async def main() -> int:
            db = Database(settings.database_url)
            try:
                return await command(args, db, settings)
            finally:
                await db.close()

        try:
            return asyncio.run(main())
        except BadValue as exc:
            print(f"hpp-bot: {exc}", file=sys.stderr)
            return 2

    return runner


# ---------------------------------------------------------------- agendas


async def agenda_list(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    async with db.read() as session:
        query = (
            select(Agenda, Province.name_th, FiscalYear.year_be)
            .join(Province, Province.id == Agenda.province_id)
            .outerjoin(FiscalYear, FiscalYear.id == Agenda.fiscal_year_id)
            .order_by(Province.name_th, Agenda.id)
        )
        if args.province:
            query = query.where(Agenda.province_id == (await agendas.province_named(session, args.province)).id)
        if args.year:
            query = query.where(FiscalYear.year_be == args.year)
        rows = (await session.execute(query)).all()
        for agenda, province, year in rows:
            kpis = (await session.scalars(select(Kpi).where(Kpi.agenda_id == agenda.id).order_by(Kpi.id))).all()
            state = "" if agenda.is_active else " (inactive)"
            print(f"#{agenda.id} {province} FY{year or '-'}: {agenda.title_th}{state}")
            for kpi in kpis:
                due = kpi.due_on.isoformat() if kpi.due_on else "-"
                print(
                    f"    kpi #{kpi.id} {kpi.name_th} [{kpi.unit}] target={kpi.target} due={due} "
                    f"cycle={kpi.reporting_cycle}{f'/{kpi.reporting_day}' if kpi.reporting_day else ''}"
                )
    print(f"{len(rows)} agendas")
    return 0


async def agenda_add(args: argparse.Namespace, db: Database, settings: Settings) -> int:
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
            owner_agency_id=lookups.agency(args.owner_agency, province_id),
            mechanism_ids=tuple(lookups.mechanism(code) for code in split_codes(args.mechanisms)),
        )
        agenda, inserted = await agendas.ensure_agenda(session, spec)
    if not inserted:
        raise BadValue(f"agenda #{agenda.id} already has that title in that province and year")
    print(f"agenda #{agenda.id} added")
    return 0


async def agenda_edit(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    async with db.write() as session:
        agenda = await session.get(Agenda, args.id)
        if agenda is None:
            raise BadValue(f"no agenda #{args.id}")
        for field in ("title_th", "title_en", "goal_th"):
            if getattr(args, field) is not None:
                setattr(agenda, field, getattr(args, field))
        if args.active is not None:
            agenda.is_active = args.active
    print(f"agenda #{args.id} saved")
    return 0


async def agenda_import(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    from bot.cli.progress import ProgressBar
    from bot.domain.importer import import_rows, read_rows

    rows = read_rows(Path(args.file))
    bar = ProgressBar(len(rows), "checking and importing")
    report = await import_rows(
        db, rows, dry_run=args.dry_run, skip_bad=args.skip_bad, progress=lambda done, _total: bar.update(done)
    )
    bar.close()
    for error in sorted(report.errors, key=lambda e: e.line):
        print(f"  {error}", file=sys.stderr)
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
        + ("" if args.dry_run else " (fix them, or use --skip-bad to import the good rows)"),
        file=sys.stderr,
    )
    return 1


# ---------------------------------------------------------------- KPIs


def _kpi_changes(args: argparse.Namespace) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for field in ("name_th", "name_en", "unit_label_th", "unit_label_en"):
        if getattr(args, field, None) is not None:
            changes[field] = getattr(args, field)
    if getattr(args, "unit", None) is not None:
        changes["unit"] = parse_unit(args.unit)
    for field in ("baseline", "target"):
        if getattr(args, field, None) is not None:
            changes[field] = parse_number(getattr(args, field), field=field)
    if getattr(args, "due", None) is not None:
        changes["due_on"] = parse_date(args.due)
    return changes


async def kpi_add(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    cycle, day = parse_cycle(args.cycle or "", str(args.day or ""))
    async with db.write() as session:
        agenda = await session.get(Agenda, args.agenda)
        if agenda is None:
            raise BadValue(f"no agenda #{args.agenda}")
        spec = agendas.KpiSpec(**_kpi_changes(args), reporting_cycle=cycle, reporting_day=day)
        kpi = await agendas.add_kpi(session, agenda, spec)
    print(f"kpi #{kpi.id} added")
    return 0


async def kpi_edit(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    async with db.write() as session:
        kpi = await session.get(Kpi, args.id)
        if kpi is None:
            raise BadValue(f"no KPI #{args.id}")
        changes = _kpi_changes(args)
        for field, value in changes.items():
            setattr(kpi, field, value)
        if changes.keys() & {"baseline", "target", "unit"}:
            await refresh_latest(session, kpi)  # the same latest value is now a different share of the target
        if args.cycle is not None:
            cycle, day = parse_cycle(args.cycle, str(args.day or ""))
            added = await agendas.set_reporting_cycle(session, kpi, cycle, day)
            print(f"reporting cycle set: {added} reporting deadlines ahead")
    print(f"kpi #{args.id} saved")
    return 0


# ---------------------------------------------------------------- deadlines


async def deadline_add(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    async with db.write() as session:
        if args.kpi is not None:
            kpi = await session.get(Kpi, args.kpi)
            if kpi is None:
                raise BadValue(f"no KPI #{args.kpi}")
            cycle, day = parse_cycle(args.cycle or "", str(args.day or ""))
            if cycle == ReportingCycle.NONE:
                raise BadValue("a KPI deadline needs --cycle monthly|quarterly and --day")
            added = await agendas.set_reporting_cycle(session, kpi, cycle, day)
            print(f"KPI #{kpi.id}: reports {cycle} by day {day}; {added} reporting deadlines ahead")
            return 0
        if not (args.step and args.year and args.due):
            raise BadValue("give --step, --year and --due (or --kpi with --cycle and --day)")
        province = await agendas.province_named(session, args.province) if args.province else None
        deadline = await agendas.add_step_deadline(
            session,
            step_code=args.step,
            year_be=args.year,
            due_on=parse_date(args.due),
            province_id=province.id if province else None,
            title_th=args.title_th or "",
            title_en=args.title_en or "",
        )
    print(f"deadline #{deadline.id} added: due {deadline.due_on.isoformat()}")
    return 0


async def deadline_list(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    async with db.read() as session:
        query = select(Deadline).order_by(Deadline.due_on, Deadline.id)
        if args.year:
            query = query.join(FiscalYear, FiscalYear.id == Deadline.fiscal_year_id).where(
                FiscalYear.year_be == args.year
            )
        if args.from_date:
            query = query.where(Deadline.due_on >= parse_date(args.from_date))
        deadlines = (await session.scalars(query)).all()
        for deadline in deadlines:
            kind = f"kpi #{deadline.kpi_id}" if deadline.kpi_id else "programme step"
            where = "every province" if deadline.province_id is None else f"province #{deadline.province_id}"
            print(f"#{deadline.id} {deadline.due_on.isoformat()} {kind}, {where}: {deadline.title_th}")
    print(f"{len(deadlines)} deadlines")
    return 0


async def deadline_submit(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    async with db.write() as session:
        province = await agendas.province_named(session, args.province)
        if await session.get(Deadline, args.id) is None:
            raise BadValue(f"no deadline #{args.id}")
        done = await session.scalar(
            select(DeadlineSubmission.id).where(
                DeadlineSubmission.deadline_id == args.id, DeadlineSubmission.province_id == province.id
            )
        )
        if done is None:
            session.add(DeadlineSubmission(deadline_id=args.id, province_id=province.id))
    print(f"deadline #{args.id}: {province.name_th} has handed in; no more reminders go there")
    return 0


# ---------------------------------------------------------------- reminders


async def reminders_run_once(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    from bot.domain.reminders import run_reminders
    from handlers import notices

    today = date.fromisoformat(args.today) if args.today else datetime.now(UTC).date()
    report = await run_reminders(db, today, notices.reminder)
    print(
        f"{report.queued} reminders queued for {report.deadlines} deadlines in the window around "
        f"{today.isoformat()} (the outbox sender delivers them)"
    )
    return 0


# ---------------------------------------------------------------- broadcasts and summaries


def _broadcast(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli.broadcast import run_broadcast_command

    try:
        return asyncio.run(run_broadcast_command(args, settings))
    except BadValue as exc:
        print(f"hpp-bot: {exc}", file=sys.stderr)
        return 2


async def summary_export(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    from bot.domain.export import summary_workbook
    from bot.domain.summaries import province_summary

    async with db.read() as session:
        province = await agendas.province_named(session, args.province)
        summary = await province_summary(session, province.id, datetime.now(UTC))
    await asyncio.to_thread(Path(args.out).write_bytes, summary_workbook(summary))
    print(f"wrote {args.out}")
    return 0


# ---------------------------------------------------------------- the parser


def _agenda_parsers(sub: argparse._SubParsersAction) -> None:
    agenda = sub.add_parser("agenda", help="province agendas (list, add, edit, import)")
    agenda_sub = agenda.add_subparsers(dest="agenda_command", required=True)
    listing = agenda_sub.add_parser("list", help="agendas and their KPIs")
    listing.add_argument("--province")
    listing.add_argument("--year", type=int, help="fiscal year (BE), e.g. 2570")
    listing.set_defaults(func=_run(agenda_list))
    add = agenda_sub.add_parser("add", help="add an agenda")
    add.add_argument("--province", required=True)
    add.add_argument("--year", type=int, required=True, help="fiscal year (BE)")
    add.add_argument("--title-th", required=True)
    add.add_argument("--title-en", default="")
    add.add_argument("--goal", default="")
    add.add_argument("--dimension", default="", help="dimension code, e.g. environment")
    add.add_argument("--mechanisms", default="", help="mechanism codes separated by commas")
    add.add_argument("--owner-agency", default="", help="agency code, e.g. natural_resources")
    add.set_defaults(func=_run(agenda_add))
    edit = agenda_sub.add_parser("edit", help="change an agenda")
    edit.add_argument("id", type=int)
    edit.add_argument("--title-th")
    edit.add_argument("--title-en")
    edit.add_argument("--goal", dest="goal_th")
    edit.add_argument("--active", action=argparse.BooleanOptionalAction, default=None)
    edit.set_defaults(func=_run(agenda_edit))
    imp = agenda_sub.add_parser("import", help="import agendas and KPIs from a .csv or .xlsx file")
    imp.add_argument("file")
    imp.add_argument("--dry-run", action="store_true", help="check every row, import nothing")
    imp.add_argument("--skip-bad", action="store_true", help="import the good rows even if some are bad")
    imp.set_defaults(func=_run(agenda_import))


def _kpi_fields(parser: argparse.ArgumentParser, *, adding: bool) -> None:
    parser.add_argument("--name-th", required=adding)
    parser.add_argument("--name-en")
    parser.add_argument("--unit", help="number, percent, yesno or milestone")
    parser.add_argument("--unit-label-th")
    parser.add_argument("--unit-label-en")
    parser.add_argument("--baseline")
    parser.add_argument("--target")
    parser.add_argument("--due", help="due date: 30/09/2570 (BE) or 2027-09-30")
    parser.add_argument("--cycle", help="reporting cycle: none, monthly or quarterly")
    parser.add_argument("--day", type=int, help="reporting day of the month (1-28)")


def _kpi_parsers(sub: argparse._SubParsersAction) -> None:
    kpi = sub.add_parser("kpi", help="an agenda's KPIs (add, edit)")
    kpi_sub = kpi.add_subparsers(dest="kpi_command", required=True)
    add = kpi_sub.add_parser("add", help="add a KPI to an agenda")
    add.add_argument("--agenda", type=int, required=True)
    _kpi_fields(add, adding=True)
    add.set_defaults(func=_run(kpi_add))
    edit = kpi_sub.add_parser("edit", help="change a KPI (target, due date, reporting cycle, ...)")
    edit.add_argument("id", type=int)
    _kpi_fields(edit, adding=False)
    edit.set_defaults(func=_run(kpi_edit))


def _deadline_parsers(sub: argparse._SubParsersAction) -> None:
    deadline = sub.add_parser("deadline", help="programme-step and KPI reporting deadlines")
    deadline_sub = deadline.add_subparsers(dest="deadline_command", required=True)
    add = deadline_sub.add_parser("add", help="a programme step's deadline, or a KPI's reporting cycle")
    add.add_argument("--step", help="programme step code, e.g. submit_proposal, report_results")
    add.add_argument("--year", type=int, help="fiscal year (BE)")
    add.add_argument("--due", help="due date: 17/12/2569 (BE) or 2026-12-17")
    add.add_argument("--province", help="only this province (default: every province)")
    add.add_argument("--title-th")
    add.add_argument("--title-en")
    add.add_argument("--kpi", type=int, help="a KPI's reporting cycle instead of a programme step")
    add.add_argument("--cycle", help="monthly or quarterly (with --kpi)")
    add.add_argument("--day", type=int, help="reporting day of the month (with --kpi)")
    add.set_defaults(func=_run(deadline_add))
    listing = deadline_sub.add_parser("list", help="deadlines by due date")
    listing.add_argument("--year", type=int)
    listing.add_argument("--from", dest="from_date", help="only deadlines due on or after this date")
    listing.set_defaults(func=_run(deadline_list))
    submit = deadline_sub.add_parser("submit", help="record that a province has handed in what a deadline asks")
    submit.add_argument("id", type=int)
    submit.add_argument("--province", required=True)
    submit.set_defaults(func=_run(deadline_submit))


def _other_parsers(sub: argparse._SubParsersAction) -> None:
    reminders = sub.add_parser("reminders", help="deadline reminders")
    reminders_sub = reminders.add_subparsers(dest="reminders_command", required=True)
    once = reminders_sub.add_parser("run-once", help="queue the reminders due today (or --today)")
    once.add_argument("--today", help="pretend today is this date (YYYY-MM-DD)")
    once.set_defaults(func=_run(reminders_run_once))

    broadcast = sub.add_parser("broadcast", help="send a message to a target group, with a progress bar")
    broadcast.add_argument("--text", required=True)
    broadcast.add_argument("--image", help="a JPEG or PNG file to send with the text")
    broadcast.add_argument("--role", choices=("citizen", "officer", "secretariat"))
    broadcast.add_argument("--province")
    broadcast.add_argument("--district", help="district name (with --province)")
    broadcast.add_argument("--agency", help="agency code (with --province), e.g. public_health")
    broadcast.add_argument("--sector", help="partner sector code, e.g. academia")
    broadcast.add_argument("--channel", choices=("line", "telegram", "simulator"))
    broadcast.add_argument("--at", help="send later, at this time (ISO, e.g. 2027-01-05T09:00+07:00)")
    broadcast.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    broadcast.set_defaults(func=_broadcast)

    summary = sub.add_parser("summary", help="province summaries")
    summary_sub = summary.add_subparsers(dest="summary_command", required=True)
    export = summary_sub.add_parser("export", help="write a province's summary to an .xlsx file")
    export.add_argument("--province", required=True)
    export.add_argument("--out", required=True)
    export.set_defaults(func=_run(summary_export))


def register_cli(subparsers: argparse._SubParsersAction) -> None:
    _agenda_parsers(subparsers)
    _kpi_parsers(subparsers)
    _deadline_parsers(subparsers)
    _other_parsers(subparsers)
