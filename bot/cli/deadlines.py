"""`hpp-bot deadline add | list | submit`: programme-step deadlines, KPI reporting cycles, and hand-ins."""

from __future__ import annotations

import argparse

from bot.cli.common import add_command, add_group, with_database
from bot.domain import agendas
from bot.domain.values import BadValue, parse_cycle, parse_date
from bot.settings import Settings
from storage.db import Database
from storage.models import ReportingCycle


@with_database
async def add(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    async with db.write() as session:
        if args.kpi is not None:
            kpi = await agendas.kpi_numbered(session, args.kpi)
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


@with_database
async def list_deadlines(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    async with db.read() as session:
        due_from = parse_date(args.from_date) if args.from_date else None
        deadlines = await agendas.deadlines_listed(session, year_be=args.year, due_from=due_from)
        for deadline in deadlines:
            kind = f"kpi #{deadline.kpi_id}" if deadline.kpi_id else "programme step"
            where = "every province" if deadline.province_id is None else f"province #{deadline.province_id}"
            print(f"#{deadline.id} {deadline.due_on.isoformat()} {kind}, {where}: {deadline.title_th}")
    print(f"{len(deadlines)} deadlines")
    return 0


@with_database
async def submit(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    async with db.write() as session:
        province = await agendas.province_named(session, args.province)
        await agendas.record_submission(session, args.id, province.id)
    print(f"deadline #{args.id}: {province.name_th} has handed in; no more reminders go there")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    deadline_sub = add_group(subparsers, "deadline", "programme-step and KPI reporting deadlines")
    adding = add_command(deadline_sub, "add", "a programme step's deadline, or a KPI's reporting cycle", add)
    adding.add_argument("--step", help="programme step code, e.g. submit_proposal, report_results")
    adding.add_argument("--year", type=int, help="fiscal year (BE)")
    adding.add_argument("--due", help="due date: 17/12/2569 (BE) or 2026-12-17")
    adding.add_argument("--province", help="only this province (default: every province)")
    adding.add_argument("--title-th")
    adding.add_argument("--title-en")
    adding.add_argument("--kpi", type=int, help="a KPI's reporting cycle instead of a programme step")
    adding.add_argument("--cycle", help="monthly or quarterly (with --kpi)")
    adding.add_argument("--day", type=int, help="reporting day of the month (with --kpi)")
    listing = add_command(deadline_sub, "list", "deadlines by due date", list_deadlines)
    listing.add_argument("--year", type=int)
    listing.add_argument("--from", dest="from_date", help="only deadlines due on or after this date")
    submitting = add_command(
        deadline_sub, "submit", "record that a province has handed in what a deadline asks", submit
    )
    submitting.add_argument("id", type=int)
    submitting.add_argument("--province", required=True)
