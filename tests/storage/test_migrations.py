"""Migrations go down and up again on both databases (SQLite's batch mode rebuilds tables; PostgreSQL alters)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import inspect, text

from storage import migrate, revisions
from storage.db import make_engine
from storage.migrate import downgrade, upgrade


def run_sql(url: str, statement: str, **params: Any) -> list[Any]:
    async def run() -> list[Any]:
        engine = make_engine(url, immediate=False)
        try:
            async with engine.begin() as conn:
                result = await conn.execute(text(statement), params)
                return list(result.all()) if result.returns_rows else []
        finally:
            await engine.dispose()

    return asyncio.run(run())


def schema(url: str) -> tuple[set[str], set[str]]:
    """The tables, and the outbox's columns."""

    async def read() -> tuple[set[str], set[str]]:
        engine = make_engine(url, immediate=False)
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(
                    lambda sync: (
                        set(inspect(sync).get_table_names()),
                        {column["name"] for column in inspect(sync).get_columns("outbox")},
                    )
                )
        finally:
            await engine.dispose()

    return asyncio.run(read())


def new_province(url: str, tag: str) -> int:
    """A province of its own for a test (the module's database is shared)."""
    return int(
        run_sql(
            url,
            "INSERT INTO provinces (code, name_th, name_en, is_pilot_2021, is_ceo_pilot_2024)"
            " VALUES (:code, :name, :name, false, false) RETURNING id",
            code=tag[:3].upper(),
            name=f"จังหวัด{tag}",
        )[0][0]
    )


def test_channel_state_migrates_down_and_up_keeping_the_outbox(database_url: str) -> None:
    tables, outbox = schema(database_url)
    assert "chat_flags" in tables and "parts_done" in outbox

    downgrade(database_url, "0006_progress_photos")
    tables, outbox = schema(database_url)
    assert "chat_flags" not in tables and "parts_done" not in outbox
    key = f"queued-before-{uuid.uuid4().hex[:8]}"  # a row queued by the version before
    run_sql(
        database_url,
        "INSERT INTO outbox (idempotency_key, channel, recipient, payload, is_group, status, attempts,"
        " used_reply_token) VALUES (:key, 'telegram', '42', '[]', false, 'pending', 1, false)",
        key=key,
    )

    upgrade(database_url)
    tables, outbox = schema(database_url)
    assert "chat_flags" in tables and "parts_done" in outbox
    rows = run_sql(database_url, "SELECT status, parts_done FROM outbox WHERE idempotency_key = :key", key=key)
    assert rows == [("pending", 0)]  # nothing of it was delivered


def test_kpi_kinds_migrate_existing_kpis_and_reports(database_url: str) -> None:
    """0008: yes/no becomes a milestone of one stage, a milestone takes its stages from its latest report, the
    rest are level KPIs but for the seeded ones (cumulative hotspots, flagged as examples); reports get periods."""
    downgrade(database_url, "0007_channel_state")
    tag = uuid.uuid4().hex[:6]
    province = new_province(database_url, tag)
    year = run_sql(
        database_url,
        "INSERT INTO fiscal_years (year_be, starts_on, ends_on) VALUES (:year, '2026-10-01', '2027-09-30')"
        " RETURNING id",
        year=3000 + int(tag[:3], 16) % 1000,  # any year_be: the migration reads the dates
    )[0][0]
    agenda = run_sql(
        database_url,
        "INSERT INTO agendas (province_id, fiscal_year_id, title_th, title_en, goal_th, goal_en, is_ceo_pilot,"
        " is_active) VALUES (:province, :year, 'วาระ', '', '', '', true, true) RETURNING id",
        province=province,
        year=year,
    )[0][0]

    def kpi(name: str, unit: str, cycle: str = "none", day: int | None = None) -> int:
        return run_sql(
            database_url,
            "INSERT INTO kpis (agenda_id, name_th, name_en, unit, unit_label_th, unit_label_en, target,"
            " higher_is_better, reporting_cycle, reporting_day) VALUES (:agenda, :name, '', :unit, '', '', 1, true,"
            " :cycle, :day) RETURNING id",
            agenda=agenda,
            name=name,
            unit=unit,
            cycle=cycle,
            day=day,
        )[0][0]

    yes_no, stages, plain = kpi("เปิดศูนย์", "yesno"), kpi("ก่อสร้าง", "milestone"), kpi("ผู้ใช้", "number", "monthly", 5)
    hotspots = kpi("จำนวนจุดความร้อน (Hotspot) สะสม", "number")
    for kpi_id, text_value, made in (
        (stages, "ขั้นที่ 2 จาก 5", "2026-12-20 03:00:00"),
        (plain, "40", "2026-12-03 03:00:00"),  # 10:00 on 3 Dec in Bangkok: November's window
        (plain, "45", "2026-12-06 03:00:00"),  # 6 Dec: December's
    ):
        run_sql(
            database_url,
            "INSERT INTO progress_reports (kpi_id, value, value_text, narrative, channel, superseded, created_at)"
            " VALUES (:kpi, 2, :text, '', 'line', false, :made)",
            kpi=kpi_id,
            text=text_value,
            made=datetime.fromisoformat(made).replace(tzinfo=UTC),
        )

    upgrade(database_url)
    rows = run_sql(
        database_url,
        "SELECT id, kind, unit, stages, target, is_example, reporting_cycle FROM kpis WHERE agenda_id = :agenda",
        agenda=agenda,
    )
    found = {row[0]: tuple(row[1:]) for row in rows}
    assert found[yes_no] == ("milestone", "number", 1, 1.0, False, "none")
    assert found[stages] == ("milestone", "number", 5, None, False, "none")
    assert found[plain] == ("level", "number", None, 1.0, False, "monthly")
    assert found[hotspots] == ("cumulative", "number", None, 1.0, True, "monthly")  # the seed's, with its cycle
    periods = run_sql(
        database_url, "SELECT period_on FROM progress_reports WHERE kpi_id = :kpi ORDER BY created_at", kpi=plain
    )
    assert [str(row[0])[:10] for row in periods] == ["2026-11-01", "2026-12-01"]


def test_the_start_up_check_reads_the_missing_migrations_as_alembic_does(database_url: str) -> None:
    """`hpp-bot serve` checks the schema without loading Alembic (storage/revisions.py): the same answer."""

    def missing(url: str) -> tuple[set[str], set[str]]:
        async def read() -> tuple[set[str], set[str]]:
            engine = make_engine(url, immediate=False)
            try:
                async with engine.connect() as conn:
                    light = await conn.run_sync(revisions.missing_revisions)
                    return light, await conn.run_sync(migrate.missing_revisions)
            finally:
                await engine.dispose()

        return asyncio.run(read())

    assert missing(database_url) == (set(), set())
    downgrade(database_url, "0012_thai_labels")
    light, alembic = missing(database_url)
    assert light == alembic and light != set()
    upgrade(database_url)
    assert missing(database_url) == (set(), set())


def test_0017_removes_the_step_deadlines_the_seed_copied_into_later_years(database_url: str) -> None:
    """Issue 12: later fiscal years copied FY 2565's dates as if they were official. The copies go; FY 2565's own,
    a province's own, one entered by hand, and one a province already handed in against stay."""
    downgrade(database_url, "0014_programme")
    tag = uuid.uuid4().hex[:6]
    number = int(tag[:4], 16)
    province = new_province(database_url, tag)
    step = run_sql(
        database_url,
        "INSERT INTO programme_steps (code, name_th, name_en, position) VALUES (:code, 'ขั้น', 'step', 2) RETURNING id",
        code=f"step_{tag}",
    )[0][0]

    def year(year_be: int) -> int:
        return run_sql(
            database_url,
            "INSERT INTO fiscal_years (year_be, starts_on, ends_on) VALUES (:year, '2026-10-01', '2027-09-30')"
            " RETURNING id",
            year=year_be,
        )[0][0]

    early, later = year(1000 + number % 1000), year(7000 + number % 1000)  # before and after FY 2565

    def deadline(year_id: int, title: str, province_id: int | None = None) -> int:
        return run_sql(
            database_url,
            "INSERT INTO deadlines (fiscal_year_id, step_id, province_id, title_th, title_en, due_on)"
            " VALUES (:year, :step, :province, :title, '', '2026-12-17') RETURNING id",
            year=year_id,
            step=step,
            province=province_id,
            title=title,
        )[0][0]

    copied_proposal = deadline(later, "จัดส่งข้อเสนอประเด็นนโยบายสำคัญ ปีงบประมาณ พ.ศ. 2570")
    handed_in = deadline(later, "รายงานผลการดำเนินงานตามประเด็นนโยบายสำคัญ ปีงบประมาณ พ.ศ. 2570")
    run_sql(
        database_url,
        "INSERT INTO deadline_submissions (deadline_id, province_id) VALUES (:deadline, :province)",
        deadline=handed_in,
        province=province,
    )
    first_year = deadline(early, "จัดส่งข้อเสนอประเด็นนโยบายสำคัญ ปีงบประมาณ พ.ศ. 2565")
    own = deadline(later, "จัดส่งข้อเสนอประเด็นนโยบายสำคัญ ปีงบประมาณ พ.ศ. 2570", province)
    by_hand = deadline(later, "จัดส่งข้อเสนอประเด็นนโยบายสำคัญ")

    upgrade(database_url)
    left = {row[0] for row in run_sql(database_url, "SELECT id FROM deadlines WHERE step_id = :step", step=step)}
    assert left == {handed_in, first_year, own, by_hand} and copied_proposal not in left
    tables, _outbox = schema(database_url)
    assert {"step_handins", "joint_reviews", "joint_review_notes", "kpi_advice"} <= tables
