"""`hpp-bot agenda | kpi | deadline | summary`, as the secretariat types them: what they print, what they write,
and one line on stderr with exit status 2 for a mistake, with nothing written."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Database
from storage.models import Agenda, DeadlineSubmission, Kpi, ProgressReport
from tests.support.cli import hpp_bot

T = TypeVar("T")
PROVINCE = "เชียงราย"


def in_session(url: str, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    async def go() -> T:
        db = Database(url)
        try:
            async with db.write() as session:
                return await work(session)
        finally:
            await db.close()

    return asyncio.run(go())


def number_in(out: str, before: str) -> int:
    """The number after `before` in the command's output, e.g. 12 in "kpi #12 added"."""
    return int(out.split(before, 1)[1].split()[0])


def test_an_agenda_is_added_listed_and_made_inactive(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert hpp_bot(sqlite_url, "agenda", "add", "--province", PROVINCE, "--year", "2570", "--title-th", "วาระใหม่") == 0
    agenda_id = number_in(capsys.readouterr().out, "agenda #")

    assert hpp_bot(sqlite_url, "agenda", "edit", str(agenda_id), "--no-active", "--goal", "เป้าหมาย") == 0
    assert hpp_bot(sqlite_url, "agenda", "list", "--province", PROVINCE, "--year", "2570") == 0
    out = capsys.readouterr().out
    assert f"#{agenda_id} {PROVINCE} FY2570: วาระใหม่ (inactive)" in out
    assert out.endswith("2 agendas\n")

    assert hpp_bot(sqlite_url, "agenda", "add", "--province", PROVINCE, "--year", "2570", "--title-th", "วาระใหม่") == 2
    assert f"hpp-bot: agenda #{agenda_id} already has that title" in capsys.readouterr().err


def test_a_new_target_changes_the_latest_share_of_it(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The chat's target edit and `kpi edit` share one domain write, which works the latest figures out again."""
    agenda_id = in_session(sqlite_url, lambda s: s.scalar(select(func.min(Agenda.id))))
    argv = ("kpi", "add", "--agenda", str(agenda_id), "--name-th", "ตัวชี้วัดทดสอบ", "--target", "50")
    assert hpp_bot(sqlite_url, *argv) == 0
    kpi_id = number_in(capsys.readouterr().out, "kpi #")

    async def report_25(session: AsyncSession) -> None:
        session.add(ProgressReport(kpi_id=kpi_id, value=25, channel="simulator"))

    in_session(sqlite_url, report_25)
    assert hpp_bot(sqlite_url, "kpi", "edit", str(kpi_id), "--target", "1,00") == 0
    assert capsys.readouterr().out == f"kpi #{kpi_id} saved\n"
    kpi = in_session(sqlite_url, lambda s: s.get(Kpi, kpi_id))
    assert kpi is not None and kpi.target == 100 and kpi.latest_value == 25 and kpi.latest_percent == 25


def test_a_hand_in_is_recorded_once(any_database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ("deadline", "add", "--step", "report_results", "--year", "2570", "--due", "01/09/2570")
    assert hpp_bot(any_database_url, *argv, "--province", PROVINCE) == 0
    deadline_id = number_in(capsys.readouterr().out, "deadline #")
    assert hpp_bot(any_database_url, "deadline", "list", "--from", "2027-09-01") == 0
    assert f"#{deadline_id} 2027-09-01 programme step, province #" in capsys.readouterr().out

    for _ in range(2):
        assert hpp_bot(any_database_url, "deadline", "submit", str(deadline_id), "--province", PROVINCE) == 0
        assert (
            capsys.readouterr().out
            == f"deadline #{deadline_id}: {PROVINCE} has handed in; no more reminders go there\n"
        )
    submissions = select(func.count(DeadlineSubmission.id)).where(DeadlineSubmission.deadline_id == deadline_id)
    assert in_session(any_database_url, lambda s: s.scalar(submissions)) == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["agenda", "edit", "9999", "--title-en", "x"], "no agenda #9999"),
        (["agenda", "list", "--province", "แอตแลนติส"], "unknown province 'แอตแลนติส'"),
        (["kpi", "add", "--agenda", "9999", "--name-th", "x"], "no agenda #9999"),
        (["kpi", "edit", "9999", "--target", "1"], "no KPI #9999"),
        (["kpi", "edit", "1", "--unit", "kg"], "unknown unit 'kg'"),
        (["kpi", "edit", "1", "--due", "31/02/2570"], "no such day: '31/02/2570'"),
        (["deadline", "add", "--kpi", "1"], "a KPI deadline needs --cycle monthly|quarterly and --day"),
        (["deadline", "add", "--year", "2570"], "give --step, --year and --due"),
        (["deadline", "submit", "9999", "--province", PROVINCE], "no deadline #9999"),
        (["summary", "export", "--province", "XX", "--out", "never.xlsx"], "unknown province 'XX'"),
    ],
)
def test_a_mistake_is_one_line_and_status_2(
    sqlite_url: str, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert hpp_bot(sqlite_url, *argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("hpp-bot: ") and message in err and err.count("\n") == 1
    assert not Path("never.xlsx").exists()


def test_the_summary_is_written_to_a_workbook(
    sqlite_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "summary.xlsx"
    assert hpp_bot(sqlite_url, "summary", "export", "--province", PROVINCE, "--out", str(out)) == 0
    assert capsys.readouterr().out == f"wrote {out}\n"
    assert out.read_bytes().startswith(b"PK")  # an .xlsx is a zip file
