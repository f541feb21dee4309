"""`hpp-bot summary export`: a province's summary (agendas, KPIs, complaints, deadlines) as an .xlsx file."""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime
from pathlib import Path

from bot.cli.common import add_command, add_group, with_database
from bot.domain.agendas import province_named
from bot.domain.summaries import province_summary
from bot.settings import Settings
from storage.db import Database


@with_database
async def export(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    from bot.domain.export import summary_workbook  # openpyxl loads only for the command that writes a workbook

    async with db.read() as session:
        province = await province_named(session, args.province)
        summary = await province_summary(session, province.id, datetime.now(UTC))
    await asyncio.to_thread(Path(args.out).write_bytes, summary_workbook(summary))
    print(f"wrote {args.out}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    summary_sub = add_group(subparsers, "summary", "province summaries")
    exporting = add_command(summary_sub, "export", "write a province's summary to an .xlsx file", export)
    exporting.add_argument("--province", required=True)
    exporting.add_argument("--out", required=True)
