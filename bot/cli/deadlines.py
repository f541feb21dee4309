"""`hpp-bot deadline add | list | submit | handins`: programme-step deadlines (a fiscal year's are entered, never
copied), KPI reporting cycles, and hand-ins."""

from __future__ import annotations

import argparse
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.common import add_command, add_group, with_database
from bot.domain import agendas, steps
from bot.domain.steps import DeadlineProblem
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
        if not args.province:
            return await _enter_for_every_province(session, args)
        province = await agendas.province_named(session, args.province)
        deadline = await agendas.add_step_deadline(
            session,
            step_code=args.step,
            year_be=args.year,
            due_on=parse_date(args.due),
            province_id=province.id,
            title_th=args.title_th or "",
            title_en=args.title_en or "",
        )
    print(f"deadline #{deadline.id} added: due {deadline.due_on.isoformat()}")
    return 0


REFUSALS = {
    DeadlineProblem.NOT_A_STEP: "unknown programme step (use select_agenda, submit_proposal, track_progress or "
    "report_results)",
    DeadlineProblem.UNKNOWN_YEAR: "that fiscal year is not in the calendar (hpp-bot seed adds the next one)",
    DeadlineProblem.OUTSIDE_YEAR: "the due date is not within the fiscal year or the year after it",
    DeadlineProblem.PAST: "the due date has passed: deadlines are entered ahead",
}


async def _enter_for_every_province(session: AsyncSession, args: argparse.Namespace) -> int:
    """The national secretariat's deadline of a step in a fiscal year (a second entry moves its date)."""
    try:
        deadline, created = await steps.enter_year_deadline(
            session, step_code=args.step, year_be=args.year, due_on=parse_date(args.due), today=date.today()
        )
    except steps.DeadlineRefused as refused:
        raise BadValue(REFUSALS[refused.problem]) from refused
    done = "entered for every province" if created else "moved"
    print(f"deadline #{deadline.id} {done}: due {deadline.due_on.isoformat()} ({deadline.title_en})")
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
        entered = await steps.year_deadlines(session, args.year) if args.year else True
    print(f"{len(deadlines)} deadlines")
    if not entered:  # nothing is copied from another year: say so
        print(
            f"no programme-step deadlines have been entered for FY {args.year}: the national secretariat enters them "
            f"with hpp-bot deadline add --step STEP --year {args.year} --due DATE"
        )
    return 0


@with_database
async def list_handins(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    async with db.read() as session:
        province = await agendas.province_named(session, args.province) if args.province else None
        rows = await steps.handins_of(session, province.id if province else None, limit=args.limit)
    for row in rows:
        who = f"person #{row.handin.handed_in_by_id}" if row.handin.handed_in_by_id else "someone since erased"
        file = f"media #{row.handin.media_id}" if row.handin.media_id else "no file"
        print(
            f"#{row.handin.id} {row.handin.created_at.isoformat(timespec='minutes')} {row.province.name_th}, "
            f"deadline #{row.deadline.id} ({row.deadline.title_th}), by {who}, {file}: {row.handin.note}"
        )
    print(f"{len(rows)} hand-ins")
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
    adding.add_argument(
        "--province", help="only this province (default: every province; a second entry moves the date)"
    )
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
    handins = add_command(deadline_sub, "handins", "what provinces handed in for steps 2 and 4 in chat", list_handins)
    handins.add_argument("--province")
    handins.add_argument("--limit", type=int, default=50)
