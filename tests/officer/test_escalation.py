"""The daily digest of overdue tickets to the province's secretariat: once a day, even across a restart."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.cli import build_parser
from bot.domain.escalation import escalate_overdue
from bot.services import Services
from handlers import notices
from storage.db import Database
from tests.conftest import make_settings
from tests.officer.helpers import agency_id, complaint, make_complaint, make_person, outbox_rows
from tests.support.chat import Chat, pump

MORNING = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)  # 08:00 in Bangkok, 10 March 2026 (2569 BE)


async def overdue_in_chiang_rai(db: Database, citizen: str, days: int = 3) -> str:
    return await make_complaint(
        db,
        citizen=citizen,
        agency=await agency_id(db, "natural_resources"),
        due_on=MORNING.date() - timedelta(days=days),
    )


async def test_digest_once_per_day_across_a_restart(services_any: Services) -> None:
    db = services_any.db
    await make_person(db, "secretariat-1")  # the seeded secretariat of Chiang Rai, past the privacy notice
    late = await overdue_in_chiang_rai(db, "citizen-1a")
    later = await overdue_in_chiang_rai(db, "citizen-1b", days=1)
    on_time = await make_complaint(db, citizen="citizen-1c", agency=None, due_on=MORNING.date())
    done = await make_complaint(db, citizen="citizen-1d", agency=None, due_on=date(2026, 1, 1), status="resolved")

    first = await escalate_overdue(db, MORNING, notices.overdue_digest)
    assert (first.provinces, first.tickets, first.recipients) == (1, 2, 1)
    # A restart: a new process with its own connection runs it again the same day.
    again_db = Database(db.url)
    try:
        second = await escalate_overdue(again_db, MORNING + timedelta(hours=3), notices.overdue_digest)
    finally:
        await again_db.close()
    assert second.tickets == 0 and second.recipients == 0

    rows = await outbox_rows(db, "digest:")
    assert len(rows) == 1 and rows[0].recipient == "secretariat-1"
    await pump(services_any)
    [digest] = Chat(services_any, user="secretariat-1").new_replies()
    lines = digest.text.split("\n")
    assert lines[0] == "เรื่องร้องเรียนเกินกำหนดในเชียงราย (ณ 10 มี.ค. 2569): 2 เรื่องเลยกำหนดตอบกลับแล้ว"
    assert lines[1].startswith(f"• {late}: รอรับเรื่อง กำหนดแจ้งผลภายในวันที่ 7 มี.ค. 2569 สำนักงานทรัพยากรธรรมชาติ")
    assert lines[2].startswith(f"• {later}: ")
    assert [c.code for c in digest.choices] == [f"case:{late}", f"case:{later}", "m:cases"]
    for ticket in (late, later):
        assert (await complaint(db, ticket)).escalated_at is not None
    for ticket in (on_time, done):
        assert (await complaint(db, ticket)).escalated_at is None

    # The next day only the newly overdue ticket is reported.
    next_day = MORNING + timedelta(days=1)
    assert (await escalate_overdue(db, next_day, notices.overdue_digest)).tickets == 1
    await pump(services_any)
    [tomorrow] = Chat(services_any, user="secretariat-1", seen=1).new_replies()
    assert on_time in tomorrow.text and late not in tomorrow.text


async def test_tickets_found_after_the_days_digest_wait_for_the_next(services_any: Services) -> None:
    db = services_any.db
    await overdue_in_chiang_rai(db, "citizen-2a")
    await escalate_overdue(db, MORNING, notices.overdue_digest)
    newcomer = await overdue_in_chiang_rai(db, "citizen-2b")  # e.g. filed with a back-dated answer date
    assert (await escalate_overdue(db, MORNING + timedelta(hours=1), notices.overdue_digest)).tickets == 0
    assert (await complaint(db, newcomer)).escalated_at is None
    assert (await escalate_overdue(db, MORNING + timedelta(days=1), notices.overdue_digest)).tickets == 1
    assert len(await outbox_rows(db, "digest:")) == 2


async def test_a_province_without_secretariat_goes_to_the_national_team(services: Services) -> None:
    db = services.db
    ticket = await make_complaint(
        db, citizen="citizen-3a", agency=None, province="บุรีรัมย์", due_on=MORNING.date() - timedelta(days=5)
    )
    report = await escalate_overdue(db, MORNING, notices.overdue_digest)
    assert report.tickets == 0 and report.without_secretariat == ["BRM"]
    assert (await complaint(db, ticket)).escalated_at is None
    await make_person(db, "opdc", role="secretariat")  # national: no province
    assert (await escalate_overdue(db, MORNING, notices.overdue_digest)).tickets == 1
    [row] = await outbox_rows(db, "digest:")
    assert row.recipient == "opdc"


def test_cases_escalate_cli(
    sqlite_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(sqlite_url)
    args = build_parser().parse_args(["cases", "escalate"])
    assert args.func(args, settings) == 0
    assert capsys.readouterr().out.startswith("hpp-bot: 0 overdue tickets escalated")
