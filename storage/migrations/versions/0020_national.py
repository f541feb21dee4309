"""national (issue 13): each agency's answer-day histogram per fiscal year, so that the national league's medians
read some 17,000 rows in November and 38,000 in September, not the sum of twelve months' (up to 170,000 rows).

`complaint_answer_days` gains the dimension 'fyagency': per province, fiscal year (`period` is its 1 October, by
the Bangkok month of filing) and agency (0: none), how many answered complaints took each whole number of days.
Triggers keep it beside the monthly rows of migration 0016, with the same rules (bot/domain/tallies.py); the rows
are filled here by adding up the monthly agency rows already there. The same triggers count, per province, every
change they make to these histograms (`answer_day_marks`): a figure worked out from them can be kept in memory for
as long as the marks it was worked out under have not moved.

Revision ID: 0020_national
Revises: 0019_thaichat
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_national"
down_revision: str | Sequence[str] | None = "0019_thaichat"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ANSWERED = "('resolved', 'closed')"
DIM = "fyagency"
# The columns the fiscal-year histogram depends on (an update of any other column costs nothing).
WATCHED = ("province_id", "created_at", "status", "resolved_at", "updated_at", "agency_id")
UPSERT = (
    "ON CONFLICT (province_id, period, dim, dim_id, days) DO UPDATE SET answered = {table}.answered + excluded.answered"
)


def upgrade() -> None:
    op.create_table(
        "answer_day_marks",
        sa.Column("province_id", sa.Integer(), sa.ForeignKey("provinces.id"), nullable=False),
        sa.Column("changes", sa.BigInteger(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("province_id"),
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgres_triggers()
        fiscal_year = "CAST(date_trunc('year', period - interval '9 months') + interval '9 months' AS date)"
    else:
        _sqlite_triggers()
        fiscal_year = "date(period, '-9 months', 'start of year', '+9 months')"
    op.execute(
        "INSERT INTO complaint_answer_days (province_id, period, dim, dim_id, days, answered)"
        f" SELECT province_id, {fiscal_year}, '{DIM}', dim_id, days, sum(answered) FROM complaint_answer_days"
        f" WHERE dim = 'agency' GROUP BY province_id, {fiscal_year}, dim_id, days"
    )


# ---------------------------------------------------------------- SQLite


def _sqlite_statement(row: str, sign: int) -> str:
    """Add one complaint (`row` is NEW or OLD), if answered, with `sign` to its fiscal year's histogram."""
    answer_at = f"coalesce({row}.resolved_at, {row}.updated_at)"
    return (
        "INSERT INTO complaint_answer_days (province_id, period, dim, dim_id, days, answered)"
        f" SELECT {row}.province_id,"
        f" date({row}.created_at, '+7 hours', 'start of month', '-9 months', 'start of year', '+9 months'),"
        f" '{DIM}', coalesce({row}.agency_id, 0),"
        f" max(0, CAST(julianday({answer_at}) - julianday({row}.created_at) + 0.5 AS INTEGER)), {sign}"
        f" WHERE {row}.status IN {ANSWERED} {UPSERT.format(table='complaint_answer_days')};"
    )


def _sqlite_mark(row: str) -> str:
    return (
        f"INSERT INTO answer_day_marks (province_id, changes) SELECT {row}.province_id, 1"
        f" WHERE {row}.status IN {ANSWERED} ON CONFLICT (province_id) DO UPDATE SET changes = answer_day_marks.changes + 1;"
    )


def _sqlite_triggers() -> None:
    changed = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in WATCHED)
    op.execute(
        f"CREATE TRIGGER complaints_fy_insert AFTER INSERT ON complaints BEGIN {_sqlite_statement('NEW', 1)} {_sqlite_mark('NEW')} END"
    )
    op.execute(
        f"CREATE TRIGGER complaints_fy_update AFTER UPDATE OF {', '.join(WATCHED)} ON complaints WHEN {changed}"
        f" BEGIN {_sqlite_statement('OLD', -1)} {_sqlite_statement('NEW', 1)} {_sqlite_mark('OLD')} {_sqlite_mark('NEW')}"
        " END"
    )
    op.execute(
        f"CREATE TRIGGER complaints_fy_delete AFTER DELETE ON complaints BEGIN {_sqlite_statement('OLD', -1)} {_sqlite_mark('OLD')} END"
    )


# ---------------------------------------------------------------- PostgreSQL


def _postgres_triggers() -> None:
    op.execute(
        f"""
        CREATE FUNCTION complaint_fy_days(c complaints, weight integer) RETURNS void LANGUAGE plpgsql AS $$
        DECLARE
            v_month timestamp := date_trunc('month', c.created_at AT TIME ZONE 'Asia/Bangkok');
            v_answer_at timestamptz := coalesce(c.resolved_at, c.updated_at);
            v_days integer := greatest(0, floor(EXTRACT(EPOCH FROM (v_answer_at - c.created_at)) / 86400.0 + 0.5));
        BEGIN
            IF c.status IN {ANSWERED} THEN
                INSERT INTO complaint_answer_days AS t (province_id, period, dim, dim_id, days, answered)
                VALUES (c.province_id,
                        CAST(date_trunc('year', v_month - interval '9 months') + interval '9 months' AS date),
                        '{DIM}', coalesce(c.agency_id, 0), v_days, weight)
                {UPSERT.format(table="t")};
                INSERT INTO answer_day_marks AS m (province_id, changes) VALUES (c.province_id, 1)
                ON CONFLICT (province_id) DO UPDATE SET changes = m.changes + 1;
            END IF;
        END $$
        """
    )
    changed = " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in WATCHED)
    op.execute(
        f"""
        CREATE FUNCTION complaints_fy_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'UPDATE' AND NOT ({changed}) THEN
                RETURN NULL;
            END IF;
            IF TG_OP IN ('UPDATE', 'DELETE') THEN
                PERFORM complaint_fy_days(OLD, -1);
            END IF;
            IF TG_OP IN ('UPDATE', 'INSERT') THEN
                PERFORM complaint_fy_days(NEW, 1);
            END IF;
            RETURN NULL;
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER complaints_fy AFTER INSERT OR UPDATE OR DELETE ON complaints"
        " FOR EACH ROW EXECUTE FUNCTION complaints_fy_trigger()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER complaints_fy ON complaints")
        op.execute("DROP FUNCTION complaints_fy_trigger()")
        op.execute("DROP FUNCTION complaint_fy_days(complaints, integer)")
    else:
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER complaints_fy_{event}")
    op.execute(f"DELETE FROM complaint_answer_days WHERE dim = '{DIM}'")
    op.drop_table("answer_day_marks")
