"""Deadline reminders reach only the people who still owe, once per offset, in their language."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.core.types import replies_from_json
from bot.domain.reminders import applicable_offset, run_reminders
from bot.jobs import scheduler as scheduler_module
from bot.jobs.scheduler import Scheduler
from bot.settings import SettingsError, load_settings
from handlers import notices
from storage.db import Database
from storage.models import Agenda, DeadlineSubmission, Kpi, ProgressReport, ReminderSent
from tests.secretariat.support import add_person, add_step_deadline, outbox_rows, province_id

DUE = date(2027, 6, 15)


@pytest.fixture
async def db(any_database_url: str):  # type: ignore[no-untyped-def]
    database = Database(any_database_url)
    yield database
    await database.close()


async def test_issue_12_a_step_reminder_goes_only_to_the_secretariat_of_a_province_that_owes_it(db: Database) -> None:
    """It went to every officer and district in every province, and its button opened the KPI report."""
    owing_secretariat = await add_person(db, "secretariat", "ลำปาง", locale="en")
    owing_thai = await add_person(db, "secretariat", "ลำปาง")
    officer_there = await add_person(db, "officer", "ลำปาง")
    submitted_secretariat = await add_person(db, "secretariat", "แพร่")
    citizen = await add_person(db, "citizen", "ลำปาง")
    blocked = await add_person(db, "secretariat", "ลำปาง", reachable=False)
    deleted = await add_person(db, "secretariat", "ลำปาง", deleted=True)
    national = await add_person(db, "secretariat", None)
    deadline = await add_step_deadline(db, DUE)
    async with db.write() as session:
        session.add(DeadlineSubmission(deadline_id=deadline.id, province_id=await province_id(db, "แพร่")))

    await run_reminders(db, DUE - timedelta(days=7), notices.reminder)

    people = (owing_secretariat, owing_thai, officer_there, submitted_secretariat, citizen, blocked, deleted, national)
    rows = [r for r in await outbox_rows(db, f"reminder:{deadline.id}:") if r.person_id in {p.id for p in people}]
    assert {row.person_id for row in rows} == {owing_secretariat.id, owing_thai.id}
    by_person = {row.person_id: replies_from_json(row.payload)[0] for row in rows}
    thai, english = by_person[owing_thai.id], by_person[owing_secretariat.id]
    assert "15 มิถุนายน 2570" in thai.text and "ส่งรายงานทดสอบ" in thai.text and "7 วัน" in thai.text
    assert "June 15, 2027" in english.text and "Test report" in english.text and "7 days left" in english.text
    assert [(c.code, c.label) for c in thai.choices] == [(f"hi:{deadline.id}", "ส่งงาน")]  # opens the hand-in
    assert rows[0].idempotency_key == f"reminder:{deadline.id}:{rows[0].person_id}:7"


async def test_no_one_is_reminded_twice_after_a_restart_or_with_two_workers(any_database_url: str) -> None:
    first, second = Database(any_database_url), Database(any_database_url)
    members = [await add_person(first, "secretariat", "ลำปาง") for _ in range(5)]
    deadline = await add_step_deadline(first, DUE, province="ลำปาง")
    today = DUE - timedelta(days=3)

    await asyncio.gather(run_reminders(first, today, notices.reminder), run_reminders(second, today, notices.reminder))
    await first.close()
    await second.close()
    restarted = Database(any_database_url)  # a new process on the same database
    try:
        again = await run_reminders(restarted, today, notices.reminder)
        rows = await outbox_rows(restarted, f"reminder:{deadline.id}:")
        async with restarted.read() as session:
            marks = await session.scalar(
                select(func.count(ReminderSent.id)).where(ReminderSent.deadline_id == deadline.id)
            )
    finally:
        await restarted.close()
    assert again.queued == 0
    assert sorted(int(row.person_id or 0) for row in rows) == sorted(m.id for m in members)
    assert marks == len(members)


def test_the_last_reminder_point_reached_is_the_one_due() -> None:
    offsets = (14, 7, 3, 1, 0, -1)
    assert applicable_offset(20, offsets) is None  # too early
    assert applicable_offset(14, offsets) == 14
    assert applicable_offset(10, offsets) == 14  # still the 14-day reminder (caught up if it was missed)
    assert applicable_offset(5, offsets) == 7
    assert applicable_offset(0, offsets) == 0
    assert applicable_offset(-1, offsets) == -1
    assert applicable_offset(-8, offsets) == -1  # a week late is still caught up once
    assert applicable_offset(-9, offsets) is None  # long overdue: no late reminder


async def test_each_offset_once_then_overdue_once(db: Database) -> None:
    member = await add_person(db, "secretariat", "ลำปาง")
    deadline = await add_step_deadline(db, DUE, province="ลำปาง")
    sent_by_day = {}
    for days_left in (20, 14, 13, 10, 7, 6, 3, 1, 0, -1, -2, -30):
        before = len(await outbox_rows(db, f"reminder:{deadline.id}:"))
        await run_reminders(db, DUE - timedelta(days=days_left), notices.reminder)
        sent_by_day[days_left] = len(await outbox_rows(db, f"reminder:{deadline.id}:")) - before
    assert sent_by_day == {20: 0, 14: 1, 13: 0, 10: 0, 7: 1, 6: 0, 3: 1, 1: 1, 0: 1, -1: 1, -2: 0, -30: 0}
    texts = [replies_from_json(r.payload)[0].text for r in await outbox_rows(db, f"reminder:{deadline.id}:")]
    assert "วันนี้" in texts[-2]  # due today
    assert "เลยกำหนด" in texts[-1]  # overdue
    assert {r.person_id for r in await outbox_rows(db, f"reminder:{deadline.id}:")} == {member.id}


def test_offsets_come_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REMINDER_OFFSETS", "10, 2,-3")
    assert load_settings().reminder_offset_days == (10, 2, -3)
    monkeypatch.setenv("REMINDER_OFFSETS", "soon")
    with pytest.raises(SettingsError, match="REMINDER_OFFSETS: Value error, whole numbers of days"):
        load_settings()
    monkeypatch.delenv("REMINDER_OFFSETS")
    assert load_settings().reminder_offset_days == (14, 7, 3, 1, 0, -1)


async def _chiang_rai_monthly_kpi(db: Database) -> Kpi:
    pid = await province_id(db, "เชียงราย")
    async with db.read() as session:
        kpi = await session.scalar(
            select(Kpi)
            .join(Agenda, Agenda.id == Kpi.agenda_id)
            .where(Agenda.province_id == pid, Kpi.reporting_cycle == "monthly")
            .order_by(Kpi.id)
            .limit(1)
        )
    assert kpi is not None and kpi.reporting_day == 5
    return kpi


async def test_kpi_reporting_deadline_reminds_its_officers_until_the_report_is_in(db: Database) -> None:
    kpi = await _chiang_rai_monthly_kpi(db)
    owner_officer = await add_person(db, "officer", "เชียงราย", agency="natural_resources")
    province_wide = await add_person(db, "officer", "เชียงราย")
    other_agency = await add_person(db, "officer", "เชียงราย", agency="public_health")
    other_province = await add_person(db, "officer", "ลำปาง", agency="natural_resources")
    due = date(2027, 3, 5)

    await run_reminders(db, due - timedelta(days=7), notices.reminder)
    rows = [
        r
        for r in await outbox_rows(db, "reminder:")
        if r.person_id in {owner_officer.id, province_wide.id, other_agency.id, other_province.id}
    ]
    assert {r.person_id for r in rows} == {owner_officer.id, province_wide.id}
    reminder = replies_from_json(rows[0].payload)[0]
    assert "5 มีนาคม 2570" in reminder.text
    assert [c.code for c in reminder.choices] == [f"report:k{kpi.id}"]  # opens the report on this very KPI

    async def reminded() -> int:
        """The owner officer's reminders about this KPI (Chiang Rai has other monthly KPIs)."""
        rows = [r for r in await outbox_rows(db, "reminder:") if r.person_id == owner_officer.id]
        return sum(1 for r in rows if replies_from_json(r.payload)[0].choices[0].code == f"report:k{kpi.id}")

    # 5 Mar is February's due date. A report made on 1 Feb is January's (due 5 Feb) and does not count; one made
    # on 1 Mar is February's.
    async with db.write() as session:
        session.add(
            ProgressReport(kpi_id=kpi.id, value=1, channel="simulator", created_at=datetime(2027, 2, 1, 3, tzinfo=UTC))
        )
    await run_reminders(db, due - timedelta(days=3), notices.reminder)
    assert await reminded() == 2
    async with db.write() as session:
        session.add(
            ProgressReport(kpi_id=kpi.id, value=2, channel="simulator", created_at=datetime(2027, 3, 1, 3, tzinfo=UTC))
        )
    await run_reminders(db, due - timedelta(days=1), notices.reminder)
    assert await reminded() == 2


async def test_the_scheduler_waits_for_the_morning_and_escalates_once_a_day(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[datetime] = []

    async def escalate(_db: Database, now: datetime, _digest: object) -> None:
        calls.append(now)

    monkeypatch.setattr(scheduler_module, "escalate_overdue", escalate)
    member = await add_person(db, "secretariat", "ลำปาง")
    deadline = await add_step_deadline(db, DUE, province="ลำปาง")
    scheduler = Scheduler(db, reminder=notices.reminder, digest=notices.overdue_digest, hour=8)
    night = datetime(2027, 6, 14, 20, 0, tzinfo=UTC)  # 03:00 in Bangkok on the 15th
    assert await scheduler.tick(night) is None
    morning = datetime(2027, 6, 15, 1, 30, tzinfo=UTC)  # 08:30 in Bangkok
    await scheduler.tick(morning)
    await scheduler.tick(morning + timedelta(minutes=1))
    assert calls == [morning]
    assert [r.person_id for r in await outbox_rows(db, f"reminder:{deadline.id}:")] == [member.id]
