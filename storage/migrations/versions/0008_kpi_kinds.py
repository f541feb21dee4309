"""KPI kinds (issue 12): cumulative, level or milestone with stages; example figures; the period of each report

Existing rows: a yes/no KPI becomes a milestone of one stage (its reports of 1 and 0 are stage 1 and 0); a
milestone KPI stays one, with as many stages as its latest report's "N จาก M" says (else one); every other KPI
is a level KPI (its reports were read as the latest value) except the seeded CEO-agenda KPIs, whose kinds and
cycles are known (storage/data/ceo_agendas.py) and which are flagged as example figures. Each report gets the
period whose report window holds the day it was made (bot/domain/periods.py). `hpp-bot db upgrade` then works
every KPI's figures out again under the new rules.

Revision ID: 0008_kpi_kinds
Revises: 0007_channel_state
"""

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta, timezone

import sqlalchemy as sa
from alembic import op

revision: str = "0008_kpi_kinds"
down_revision: str | Sequence[str] | None = "0007_channel_state"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BANGKOK = timezone(timedelta(hours=7))  # no daylight saving
STEP_OF = re.compile(r"(\d+)\s*(?:จาก|/|of)\s*(\d+)")
# The seeded CEO-agenda KPIs as 0008 found them: Thai name -> (kind, reporting cycle and day to set, or None).
SEEDED: dict[str, tuple[str, tuple[str, int] | None]] = {
    "มูลค่าการค้าชายแดนผ่านด่านช่องเม็ก": ("cumulative", None),
    "จำนวนผู้ประกอบการรายใหม่ที่ได้รับการส่งเสริมการค้าชายแดน": ("cumulative", ("quarterly", 10)),
    "เปิดศูนย์บริการการค้าชายแดนแบบเบ็ดเสร็จ ณ ด่านช่องเม็ก": ("milestone", None),
    "ร้อยละของลูกหนี้นอกระบบที่ลงทะเบียนและได้รับการไกล่เกลี่ย": ("level", None),
    "มูลหนี้นอกระบบที่ไกล่เกลี่ยสำเร็จ": ("cumulative", ("quarterly", 10)),
    "จำนวนลูกหนี้ที่ได้รับสินเชื่อในระบบแทนหนี้นอกระบบ": ("cumulative", ("quarterly", 10)),
    "ร้อยละของบริการภาครัฐระดับจังหวัดที่ให้บริการผ่านระบบออนไลน์ (e-Service)": ("level", None),
    "จำนวนผู้ใช้งานแอปพลิเคชันบริการประชาชนของจังหวัด": ("level", None),
    "เปิดใช้ระบบข้อมูลเปิด (Open Data) ของจังหวัด": ("milestone", None),
    "จำนวนวันที่ค่าฝุ่นละออง PM2.5 เกินค่ามาตรฐาน": ("cumulative", None),
    "จำนวนจุดความร้อน (Hotspot) สะสม": ("cumulative", ("monthly", 5)),
    "พื้นที่เผาไหม้สะสม": ("cumulative", ("monthly", 5)),
    "ปริมาณขยะมูลฝอยที่นำกลับมาใช้ประโยชน์": ("cumulative", None),
    "ร้อยละของขยะมูลฝอยที่ได้รับการกำจัดอย่างถูกต้อง": ("level", None),
    "ปริมาณขยะมูลฝอยตกค้าง": ("level", None),
}
SEEDED_STAGES = {"เปิดศูนย์บริการการค้าชายแดนแบบเบ็ดเสร็จ ณ ด่านช่องเม็ก": 4}


def upgrade() -> None:
    # Plain ALTER TABLE, not SQLite's batch mode: a batch rebuild drops the old table, and with foreign keys on
    # dropping `kpis` deletes every progress report, deadline and comment of it (ON DELETE CASCADE).
    op.add_column("kpis", sa.Column("kind", sa.String(length=16), server_default="level", nullable=False))
    op.add_column("kpis", sa.Column("stages", sa.Integer(), nullable=True))
    op.add_column("kpis", sa.Column("latest_period_on", sa.Date(), nullable=True))
    op.add_column("kpis", sa.Column("is_example", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("progress_reports", sa.Column("period_on", sa.Date(), nullable=True))
    connection = op.get_bind()
    _kinds_from_units(connection)
    _seeded_kpis(connection)
    _report_periods(connection)


def _kinds_from_units(connection: sa.Connection) -> None:
    connection.execute(sa.text("UPDATE kpis SET kind = 'milestone', stages = 1, unit = 'number' WHERE unit = 'yesno'"))
    milestones = connection.execute(sa.text("SELECT id FROM kpis WHERE unit = 'milestone'")).scalars().all()
    for kpi_id in milestones:
        latest = connection.execute(
            sa.text(
                "SELECT value_text FROM progress_reports WHERE kpi_id = :id AND superseded = :no"
                " ORDER BY created_at DESC, id DESC LIMIT 1"
            ),
            {"id": kpi_id, "no": False},
        ).scalar()
        match = STEP_OF.search(latest or "")
        stages = int(match.group(2)) if match and 1 <= int(match.group(2)) <= 12 else 1
        connection.execute(
            sa.text("UPDATE kpis SET kind = 'milestone', stages = :stages, unit = 'number', target = NULL WHERE id = :id"),
            {"stages": stages, "id": kpi_id},
        )


def _seeded_kpis(connection: sa.Connection) -> None:
    """The CEO-agenda KPIs the seed wrote: their kinds, and their reporting cycles where the seed now has one."""
    rows = connection.execute(
        sa.text(
            "SELECT kpis.id, kpis.name_th, kpis.reporting_cycle FROM kpis JOIN agendas ON agendas.id = kpis.agenda_id"
            " WHERE agendas.is_ceo_pilot = :yes"
        ),
        {"yes": True},
    ).all()
    for kpi_id, name, cycle in rows:
        if name not in SEEDED:
            continue
        kind, new_cycle = SEEDED[name]
        values = {"id": kpi_id, "kind": kind, "stages": SEEDED_STAGES.get(name, 1) if kind == "milestone" else None}
        connection.execute(
            sa.text("UPDATE kpis SET kind = :kind, stages = :stages, is_example = :yes WHERE id = :id"),
            values | {"yes": True},
        )
        if kind == "milestone":
            connection.execute(sa.text("UPDATE kpis SET target = NULL, baseline = NULL WHERE id = :id"), values)
        if new_cycle is not None and cycle == "none":
            connection.execute(
                sa.text("UPDATE kpis SET reporting_cycle = :cycle, reporting_day = :day WHERE id = :id"),
                {"id": kpi_id, "cycle": new_cycle[0], "day": new_cycle[1]},
            )


def _report_periods(connection: sa.Connection) -> None:
    """Each report's period: the period whose report window (the day after the previous period's due date to
    its own) holds the day it was made, within its agenda's fiscal year."""
    rows = connection.execute(
        sa.text(
            "SELECT progress_reports.id, progress_reports.created_at, kpis.reporting_cycle, kpis.reporting_day,"
            " fiscal_years.starts_on FROM progress_reports JOIN kpis ON kpis.id = progress_reports.kpi_id"
            " JOIN agendas ON agendas.id = kpis.agenda_id"
            " LEFT JOIN fiscal_years ON fiscal_years.id = agendas.fiscal_year_id"
        )
    ).all()
    for report_id, created_at, cycle, day, starts_on in rows:
        made = _as_datetime(created_at).astimezone(BANGKOK).date()
        first = _as_date(starts_on) if starts_on is not None else _year_start(made)
        connection.execute(
            sa.text("UPDATE progress_reports SET period_on = :period WHERE id = :id"),
            {"period": _period_on(made, first, cycle, day), "id": report_id},
        )


def _as_datetime(value: datetime | str) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _year_start(day: date) -> date:
    return date(day.year if day.month >= 10 else day.year - 1, 10, 1)


def _month(first: date, offset: int) -> date:
    index = first.year * 12 + first.month - 1 + offset
    return date(index // 12, index % 12 + 1, 1)


def _period_on(made: date, first: date, cycle: str, day: int | None) -> date:
    months = {"monthly": 1, "quarterly": 3}.get(cycle)
    if months is None:
        return first
    starts = [_month(first, offset) for offset in range(0, 12, months)]
    for start in starts:
        after = _month(start, months)
        due = after + timedelta(days=min(day or 31, _days_in(after)) - 1)
        if made <= due:
            return start
    return starts[-1]


def _days_in(month_start: date) -> int:
    return (_month(month_start, 1) - month_start).days


def downgrade() -> None:
    connection = op.get_bind()
    connection.execute(sa.text("UPDATE kpis SET unit = 'yesno', target = 1 WHERE kind = 'milestone' AND stages = 1"))
    connection.execute(sa.text("UPDATE kpis SET unit = 'milestone' WHERE kind = 'milestone' AND stages > 1"))
    op.drop_column("progress_reports", "period_on")  # SQLite 3.35+ drops a column in place (see upgrade)
    for column in ("is_example", "latest_period_on", "stages", "kind"):
        op.drop_column("kpis", column)
