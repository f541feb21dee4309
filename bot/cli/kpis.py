"""`hpp-bot kpi add | edit`: an agenda's KPIs, their kinds, targets, due dates and reporting cycles."""

from __future__ import annotations

import argparse

from bot.cli.common import add_command, add_group, with_database
from bot.domain import agendas
from bot.domain.values import (
    parse_cycle,
    parse_date,
    parse_direction,
    parse_kind,
    parse_number,
    parse_short_name,
    parse_stages,
    parse_unit,
)
from bot.settings import Settings
from storage.db import Database


def _kpi_changes(args: argparse.Namespace) -> agendas.KpiChanges:
    """The fields given on the command line, parsed; those not given are left out."""
    changes = agendas.KpiChanges()
    for text_field in ("name_th", "name_en", "unit_label_th", "unit_label_en"):
        if getattr(args, text_field) is not None:
            changes[text_field] = getattr(args, text_field)
    for short_field in ("short_name_th", "short_name_en"):
        if getattr(args, short_field) is not None:
            changes[short_field] = parse_short_name(getattr(args, short_field), field=short_field)
    if args.kind is not None:
        changes["kind"] = parse_kind(args.kind)
    if args.direction is not None:
        changes["higher_is_better"] = parse_direction(args.direction)
    if args.stages is not None:
        changes["stages"] = parse_stages(args.stages)
    if args.example is not None:
        changes["is_example"] = args.example
    if args.unit is not None:
        changes["unit"] = parse_unit(args.unit)
    if args.baseline is not None:
        changes["baseline"] = parse_number(args.baseline, field="baseline")
    if args.target is not None:
        changes["target"] = parse_number(args.target, field="target")
    if args.due is not None:
        changes["due_on"] = parse_date(args.due)
    return changes


@with_database
async def add(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    cycle, day = parse_cycle(args.cycle or "", str(args.day or ""))
    async with db.write() as session:
        agenda = await agendas.agenda_numbered(session, args.agenda)
        spec = agendas.KpiSpec(**_kpi_changes(args), reporting_cycle=cycle, reporting_day=day)
        kpi = await agendas.add_kpi(session, agenda, spec)
    print(f"kpi #{kpi.id} added")
    return 0


@with_database
async def edit(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    async with db.write() as session:
        kpi = await agendas.kpi_numbered(session, args.id)
        await agendas.change_kpi(session, kpi, _kpi_changes(args))
        if args.cycle is not None:
            cycle, day = parse_cycle(args.cycle, str(args.day or ""))
            added = await agendas.set_reporting_cycle(session, kpi, cycle, day)
            print(f"reporting cycle set: {added} reporting deadlines ahead")
    print(f"kpi #{args.id} saved")
    return 0


def _kpi_fields(parser: argparse.ArgumentParser, *, adding: bool) -> None:
    parser.add_argument("--name-th", required=adding)
    parser.add_argument("--name-en")
    parser.add_argument("--short-name-th", help="the label of its buttons, at most 20 characters; '' clears it")
    parser.add_argument("--short-name-en")
    parser.add_argument(
        "--kind",
        help="cumulative (reports are amounts, added up over the fiscal year), level (the latest value counts) "
        "or milestone (stages reached)" + ("; default level" if adding else ""),
    )
    parser.add_argument("--direction", help="higher or lower is better" + ("; default higher" if adding else ""))
    parser.add_argument("--stages", help="a milestone's number of stages (1: done or not)")
    parser.add_argument("--unit", help="number or percent")
    parser.add_argument("--unit-label-th")
    parser.add_argument("--unit-label-en")
    parser.add_argument("--baseline")
    parser.add_argument("--target")
    parser.add_argument("--due", help="due date: 30/09/2570 (BE) or 2027-09-30")
    parser.add_argument("--cycle", help="reporting cycle: none, monthly or quarterly")
    parser.add_argument("--day", type=int, help="reporting day of the month (1-28)")
    parser.add_argument(
        "--example", action=argparse.BooleanOptionalAction, default=None, help="the figures are made-up examples"
    )


def register(subparsers: argparse._SubParsersAction) -> None:
    kpi_sub = add_group(subparsers, "kpi", "an agenda's KPIs (add, edit)")
    adding = add_command(kpi_sub, "add", "add a KPI to an agenda", add)
    adding.add_argument("--agenda", type=int, required=True)
    _kpi_fields(adding, adding=True)
    editing = add_command(kpi_sub, "edit", "change a KPI (target, due date, reporting cycle, ...)", edit)
    editing.add_argument("id", type=int)
    _kpi_fields(editing, adding=False)
