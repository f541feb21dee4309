"""`hpp-bot agenda | kpi | deadline | summary`, as the secretariat types them: what they print, what they write,
and one line on stderr with exit status 2 for a mistake, with nothing written."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

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
    argv = ("agenda", "add", "--province", PROVINCE, "--year", "2570", "--title-th", "วาระใหม่")
    assert hpp_bot(sqlite_url, *argv, "--working-group", "economy") == 0
    agenda_id = number_in(capsys.readouterr().out, "agenda #")
    added = in_session(sqlite_url, lambda s: s.get(Agenda, agenda_id))
    assert added is not None and added.working_group_id is not None

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


def test_issue_12_a_years_step_deadlines_are_entered_not_copied(
    any_database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """FY 2571 has no step deadlines until the national secretariat enters them; a second entry moves the date."""
    assert hpp_bot(any_database_url, "deadline", "list", "--year", "2571") == 0
    assert capsys.readouterr().out == (
        "0 deadlines\nno programme-step deadlines have been entered for FY 2571: the national secretariat enters "
        "them with hpp-bot deadline add --step STEP --year 2571 --due DATE\n"
    )
    argv = ("deadline", "add", "--step", "submit_proposal", "--year", "2571")
    assert hpp_bot(any_database_url, *argv, "--due", "17/12/2570") == 0
    out = capsys.readouterr().out
    deadline_id = number_in(out, "deadline #")
    assert out.endswith(
        "entered for every province: due 2027-12-17 (Submit the agenda proposal, fiscal year 2571 (BE))\n"
    )
    assert hpp_bot(any_database_url, *argv, "--due", "10/12/2570") == 0
    assert capsys.readouterr().out.startswith(f"deadline #{deadline_id} moved: due 2027-12-10")
    assert hpp_bot(any_database_url, "deadline", "list", "--year", "2571") == 0
    assert capsys.readouterr().out == (
        f"#{deadline_id} 2027-12-10 programme step, every province: "
        "จัดส่งข้อเสนอประเด็นนโยบายสำคัญ ปีงบประมาณ พ.ศ. 2571\n1 deadlines\n"
    )
    assert hpp_bot(any_database_url, "deadline", "handins") == 0
    assert capsys.readouterr().out == "0 hand-ins\n"


def test_kpis_of_each_kind_are_added_and_listed(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    agenda_id = in_session(sqlite_url, lambda s: s.scalar(select(func.min(Agenda.id))))
    add = ("kpi", "add", "--agenda", str(agenda_id))
    cap = ("--name-th", "จุดความร้อนสะสม", "--kind", "cumulative", "--direction", "lower", "--target", "600")
    assert hpp_bot(sqlite_url, *add, *cap, "--cycle", "monthly", "--day", "5") == 0
    cap_id = number_in(capsys.readouterr().out, "kpi #")
    assert hpp_bot(sqlite_url, *add, "--name-th", "เปิดศูนย์บัญชาการ", "--kind", "milestone", "--stages", "3") == 0
    milestone_id = number_in(capsys.readouterr().out, "kpi #")
    assert hpp_bot(sqlite_url, "kpi", "edit", str(milestone_id), "--no-example") == 0
    capsys.readouterr()

    cap_kpi = in_session(sqlite_url, lambda s: s.get(Kpi, cap_id))
    assert cap_kpi is not None
    assert (cap_kpi.kind, cap_kpi.higher_is_better, cap_kpi.target, cap_kpi.stages) == ("cumulative", False, 600, None)
    milestone = in_session(sqlite_url, lambda s: s.get(Kpi, milestone_id))
    assert milestone is not None and (milestone.kind, milestone.stages, milestone.target) == ("milestone", 3, None)
    assert hpp_bot(sqlite_url, "agenda", "list") == 0
    out = capsys.readouterr().out
    assert f"kpi #{cap_id} จุดความร้อนสะสม [cumulative, lower is better, number] target=600.0" in out
    assert f"kpi #{milestone_id} เปิดศูนย์บัญชาการ [milestone, 3 stages] target=None" in out
    assert "[cumulative, lower is better, number] target=4000.0 due=" in out and "(example figures)" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--kind", "cumulative", "--unit", "percent", "--target", "50"], "a cumulative KPI adds amounts up"),
        (["--kind", "level", "--stages", "3", "--target", "5"], "only a milestone has stages"),
        (["--kind", "milestone", "--stages", "3", "--target", "5"], "a milestone's target is its last stage (3)"),
        (["--kind", "level"], "a level KPI needs a target"),
        (["--kind", "sum", "--target", "5"], "unknown kind 'sum'"),
    ],
)
def test_a_kpi_that_does_not_fit_its_kind_is_refused_and_nothing_is_stored(
    sqlite_url: str, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    agenda_id = in_session(sqlite_url, lambda s: s.scalar(select(func.min(Agenda.id))))
    before = in_session(sqlite_url, lambda s: s.scalar(select(func.count(Kpi.id))))
    assert hpp_bot(sqlite_url, "kpi", "add", "--agenda", str(agenda_id), "--name-th", "ทดสอบ", *argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("hpp-bot: ") and message in err
    assert in_session(sqlite_url, lambda s: s.scalar(select(func.count(Kpi.id)))) == before
    # Nor does an edit into a shape its kind cannot take change the KPI.

    async def shape(session: AsyncSession) -> list[Any]:
        return list((await session.execute(select(Kpi.kind, Kpi.unit, Kpi.target).where(Kpi.id == 1))).all())

    before_edit = in_session(sqlite_url, shape)
    assert hpp_bot(sqlite_url, "kpi", "edit", "1", "--kind", "level", "--unit", "percent", "--target", "150") == 2
    assert "a percentage target must be 0-100, not 150" in capsys.readouterr().err
    assert in_session(sqlite_url, shape) == before_edit


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["agenda", "edit", "9999", "--title-en", "x"], "no agenda #9999"),
        (["agenda", "list", "--province", "แอตแลนติส"], "unknown province 'แอตแลนติส'"),
        (["kpi", "add", "--agenda", "9999", "--name-th", "x"], "no agenda #9999"),
        (["kpi", "edit", "9999", "--target", "1"], "no KPI #9999"),
        (["kpi", "edit", "1", "--unit", "kg"], "unknown unit 'kg'"),
        (["kpi", "edit", "1", "--kind", "weekly"], "unknown kind 'weekly' (use one of cumulative, level, milestone)"),
        (["kpi", "edit", "1", "--direction", "up"], "unknown direction 'up' (use higher or lower)"),
        (["kpi", "edit", "1", "--stages", "0"], "stages must be a whole number of 1 or more, not '0'"),
        (["kpi", "edit", "1", "--due", "31/02/2570"], "no such day: '31/02/2570'"),
        (["deadline", "add", "--kpi", "1"], "a KPI deadline needs --cycle monthly|quarterly and --day"),
        (["deadline", "add", "--year", "2570"], "give --step, --year and --due"),
        (["deadline", "submit", "9999", "--province", PROVINCE], "no deadline #9999"),
        (["deadline", "add", "--step", "submit_proposal", "--year", "2570", "--due", "1/11/2569"], "has passed"),
        (["deadline", "add", "--step", "report_results", "--year", "2571", "--due", "1/1/2580"], "not within the"),
        (["deadline", "add", "--step", "dance", "--year", "2571", "--due", "1/1/2571"], "unknown programme step"),
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


def test_a_kpi_gets_a_short_name_for_its_buttons_and_a_long_one_is_refused(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 15: a KPI's buttons show a designed short name of at most LINE's 20 characters."""
    agenda_id = in_session(sqlite_url, lambda s: s.scalar(select(func.min(Agenda.id))))
    name = "ร้อยละของครัวเรือนที่คัดแยกขยะอินทรีย์ออกจากขยะทั่วไป"
    argv = ("kpi", "add", "--agenda", str(agenda_id), "--name-th", name, "--short-name-th", "ครัวเรือนคัดแยกขยะ")
    assert hpp_bot(sqlite_url, *argv, "--short-name-en", "Households sorting", "--target", "80") == 0
    kpi_id = number_in(capsys.readouterr().out, "kpi #")
    too_long = "ครัวเรือนที่คัดแยกขยะอินทรีย์"
    assert hpp_bot(sqlite_url, "kpi", "edit", str(kpi_id), "--short-name-th", too_long) == 2
    assert "short_name_th is a button label: at most 20 characters, not 29" in capsys.readouterr().err
    kpi = in_session(sqlite_url, lambda s: s.get(Kpi, kpi_id))
    assert kpi is not None and (kpi.short_name_th, kpi.short_name_en) == ("ครัวเรือนคัดแยกขยะ", "Households sorting")
    assert hpp_bot(sqlite_url, "kpi", "edit", str(kpi_id), "--short-name-th", "") == 0
    kpi = in_session(sqlite_url, lambda s: s.get(Kpi, kpi_id))
    assert kpi is not None and kpi.short_name_th is None
