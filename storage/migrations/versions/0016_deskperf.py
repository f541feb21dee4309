"""deskperf (issues 13 and 14): complaint tallies kept by the database, so that the desk's overview and the public
pages read a few thousand rows instead of a million complaints; an index for open complaints; text search indexes
(PostgreSQL: pg_trgm's GIN index of the descriptions; SQLite: an FTS5 trigram table).

- `complaint_tallies`: per province, Bangkok month of filing and dimension (every complaint, or per category,
  district or agency), how many were received, answered, answered on time and rated (with the ratings' sum); and
  per province and Bangkok week of filing (dimension 'week') the same, for the weekly trend.
- `complaint_answer_days`: per province, month and dimension (every complaint, or per agency), how many answered
  complaints took each whole number of days (rounded): the medians come from these histograms.
Triggers on `complaints` keep both, in the same transaction as the change, whatever writes it (the chat, the desk,
Open311, bulk loads, erasure). `hpp-bot tallies rebuild` (bot/domain/tallies.py) recomputes them from scratch with
the same rules; bot/domain/tallies.py's docstring states the rules, and tests hold the two to each other.

Revision ID: 0016_deskperf
Revises: 0015_sim
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_deskperf"
down_revision: str | Sequence[str] | None = "0015_sim"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ANSWERED = "('resolved', 'closed')"
OPEN = "('accepted', 'forwarded', 'in_progress', 'received')"  # bot/domain/stats.py OPEN, in its sorted order
# The columns a tally depends on: an update of any other column (a consent, an alert mark) costs nothing.
WATCHED = (
    "province_id",
    "created_at",
    "status",
    "resolved_at",
    "updated_at",
    "due_on",
    "rating",
    "category_id",
    "district_id",
    "agency_id",
)


TALLY_INDEX = ["dim", "period", "province_id", "dim_id", "received", "answered", "on_time", "rating_sum", "ratings"]
ANSWER_DAYS_INDEX = ["dim", "period", "province_id", "dim_id", "days", "answered"]
# A province's public page: its latest resolved complaints, and the newest for the map, among those published.
PUBLISHED_INDEXES = {
    "ix_complaints_published_resolved": ["province_id", "publish_consent", "resolved_at"],
    "ix_complaints_published_created": ["province_id", "publish_consent", "created_at"],
}


def upgrade() -> None:
    _tables()
    op.create_index(
        "ix_complaints_open",
        "complaints",
        ["status", "province_id", "due_on", "category_id", "district_id", "agency_id"],
    )
    for name, columns in PUBLISHED_INDEXES.items():
        op.create_index(name, "complaints", columns)
    # The list of open complaints by answer date, every province's: the page's ids from the index alone.
    op.drop_index("ix_complaints_status_due", table_name="complaints")
    op.create_index("ix_complaints_status_due", "complaints", ["status", "due_on", "id"])
    if op.get_bind().dialect.name == "postgresql":
        _postgres_triggers()
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_complaints_description_trgm ON complaints USING gin (description gin_trgm_ops)")
    else:
        _sqlite_triggers()
        for statement in SQLITE_SEARCH:
            op.execute(statement)
    _fill()


def _key() -> list[sa.Column[object]]:
    return [
        sa.Column("province_id", sa.Integer(), sa.ForeignKey("provinces.id"), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("dim", sa.String(length=8), nullable=False),
        sa.Column("dim_id", sa.Integer(), nullable=False),
    ]


def _tables() -> None:
    op.create_table(
        "complaint_tallies",
        *_key(),
        sa.Column("received", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("answered", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("on_time", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("rating_sum", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("ratings", sa.Integer(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("province_id", "period", "dim", "dim_id"),
    )
    # Covering: every province's figures of a period are read from the index alone.
    op.create_index("ix_complaint_tallies_dim_period", "complaint_tallies", TALLY_INDEX)
    op.create_table(
        "complaint_answer_days",
        *_key(),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("province_id", "period", "dim", "dim_id", "days"),
    )
    op.create_index("ix_complaint_answer_days_dim_period", "complaint_answer_days", ANSWER_DAYS_INDEX)


# ---------------------------------------------------------------- SQLite

# Thai has no spaces between words: a person searches for a part of a word, so the index is of trigrams (FTS5's
# trigram tokenizer, SQLite 3.34+), kept by triggers, of the descriptions (an external-content table: no copy).
SQLITE_SEARCH = (
    "CREATE VIRTUAL TABLE complaint_search USING fts5("
    "description, content='complaints', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER complaints_search_insert AFTER INSERT ON complaints BEGIN"
    " INSERT INTO complaint_search (rowid, description) VALUES (NEW.id, NEW.description); END",
    "CREATE TRIGGER complaints_search_delete AFTER DELETE ON complaints BEGIN"
    " INSERT INTO complaint_search (complaint_search, rowid, description) VALUES ('delete', OLD.id, OLD.description);"
    " END",
    "CREATE TRIGGER complaints_search_update AFTER UPDATE OF description ON complaints BEGIN"
    " INSERT INTO complaint_search (complaint_search, rowid, description) VALUES ('delete', OLD.id, OLD.description);"
    " INSERT INTO complaint_search (rowid, description) VALUES (NEW.id, NEW.description); END",
    "INSERT INTO complaint_search (complaint_search) VALUES ('rebuild')",
)


def _sqlite_row(row: str, sign: int) -> str:
    """One complaint's contribution (`row` is NEW or OLD), with the sign it is added with."""
    answered = f"{row}.status IN {ANSWERED}"
    answer_at = f"coalesce({row}.resolved_at, {row}.updated_at)"
    return (
        f"SELECT {row}.province_id AS province_id, {sign} AS sign,"
        f" date({row}.created_at, '+7 hours', 'start of month') AS month,"
        f" date({row}.created_at, '+7 hours', '-6 days', 'weekday 1') AS week,"
        f" ({answered}) AS answered,"
        f" ({answered} AND date({answer_at}, '+7 hours') <= {row}.due_on) AS on_time,"
        f" coalesce({row}.rating, 0) AS rating_sum, ({row}.rating IS NOT NULL) AS rated,"
        f" max(0, CAST(julianday({answer_at}) - julianday({row}.created_at) + 0.5 AS INTEGER)) AS days,"
        f" coalesce({row}.category_id, 0) AS category_id, coalesce({row}.district_id, 0) AS district_id,"
        f" coalesce({row}.agency_id, 0) AS agency_id"
    )


def _sqlite_statements(rows: str) -> list[str]:
    """Add the contributions `rows` to both tables (two statements)."""
    tallies = f"""
    INSERT INTO complaint_tallies (province_id, period, dim, dim_id, received, answered, on_time, rating_sum, ratings)
    SELECT c.province_id, CASE d.dim WHEN 'week' THEN c.week ELSE c.month END, d.dim,
           CASE d.dim WHEN 'category' THEN c.category_id WHEN 'district' THEN c.district_id
                      WHEN 'agency' THEN c.agency_id ELSE 0 END,
           c.sign, c.sign * c.answered, c.sign * c.on_time, c.sign * c.rating_sum, c.sign * c.rated
    FROM ({rows}) AS c,
         (SELECT 'all' AS dim UNION ALL SELECT 'category' UNION ALL SELECT 'district'
          UNION ALL SELECT 'agency' UNION ALL SELECT 'week') AS d
    WHERE true
    ON CONFLICT (province_id, period, dim, dim_id) DO UPDATE SET
        received = received + excluded.received, answered = answered + excluded.answered,
        on_time = on_time + excluded.on_time, rating_sum = rating_sum + excluded.rating_sum,
        ratings = ratings + excluded.ratings
    """
    answer_days = f"""
    INSERT INTO complaint_answer_days (province_id, period, dim, dim_id, days, answered)
    SELECT c.province_id, c.month, d.dim, CASE d.dim WHEN 'agency' THEN c.agency_id ELSE 0 END, c.days, c.sign
    FROM ({rows}) AS c, (SELECT 'all' AS dim UNION ALL SELECT 'agency') AS d
    WHERE c.answered
    ON CONFLICT (province_id, period, dim, dim_id, days) DO UPDATE SET answered = answered + excluded.answered
    """
    return [tallies, answer_days]


def _sqlite_body(rows: str) -> str:
    return "".join(f"{statement};" for statement in _sqlite_statements(rows))


def _sqlite_triggers() -> None:
    changed = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in WATCHED)
    both = f"{_sqlite_row('OLD', -1)} UNION ALL {_sqlite_row('NEW', 1)}"
    op.execute(
        f"CREATE TRIGGER complaints_tally_insert AFTER INSERT ON complaints BEGIN"
        f" {_sqlite_body(_sqlite_row('NEW', 1))} END"
    )
    op.execute(
        f"CREATE TRIGGER complaints_tally_update AFTER UPDATE OF {', '.join(WATCHED)} ON complaints"
        f" WHEN {changed} BEGIN {_sqlite_body(both)} END"
    )
    op.execute(
        f"CREATE TRIGGER complaints_tally_delete AFTER DELETE ON complaints BEGIN"
        f" {_sqlite_body(_sqlite_row('OLD', -1))} END"
    )


# ---------------------------------------------------------------- PostgreSQL


def _postgres_tally_row(dim: str, dim_id: str) -> str:
    return (
        f"(c.province_id, v_month, '{dim}', {dim_id}, weight, weight * v_answered::int, weight * v_on_time::int,"
        f" weight * coalesce(c.rating, 0), weight * (c.rating IS NOT NULL)::int)"
    )


def _postgres_triggers() -> None:
    rows = ",\n".join(
        [
            _postgres_tally_row("all", "0"),
            _postgres_tally_row("category", "coalesce(c.category_id, 0)"),
            _postgres_tally_row("district", "coalesce(c.district_id, 0)"),
            _postgres_tally_row("agency", "coalesce(c.agency_id, 0)"),
            _postgres_tally_row("week", "0").replace("v_month", "v_week"),
        ]
    )
    op.execute(
        f"""
        CREATE FUNCTION complaint_tally(c complaints, weight integer) RETURNS void LANGUAGE plpgsql AS $$
        DECLARE
            v_month date := CAST(date_trunc('month', c.created_at AT TIME ZONE 'Asia/Bangkok') AS date);
            v_week date := CAST(date_trunc('week', c.created_at AT TIME ZONE 'Asia/Bangkok') AS date);
            v_answer_at timestamptz := coalesce(c.resolved_at, c.updated_at);
            v_answered boolean := c.status IN {ANSWERED};
            v_on_time boolean := v_answered AND CAST(v_answer_at AT TIME ZONE 'Asia/Bangkok' AS date) <= c.due_on;
            v_days integer := greatest(0, floor(EXTRACT(EPOCH FROM (v_answer_at - c.created_at)) / 86400.0 + 0.5));
        BEGIN
            INSERT INTO complaint_tallies AS t
                (province_id, period, dim, dim_id, received, answered, on_time, rating_sum, ratings)
            VALUES {rows}
            ON CONFLICT (province_id, period, dim, dim_id) DO UPDATE SET
                received = t.received + excluded.received, answered = t.answered + excluded.answered,
                on_time = t.on_time + excluded.on_time, rating_sum = t.rating_sum + excluded.rating_sum,
                ratings = t.ratings + excluded.ratings;
            IF v_answered THEN
                INSERT INTO complaint_answer_days AS t (province_id, period, dim, dim_id, days, answered)
                VALUES (c.province_id, v_month, 'all', 0, v_days, weight),
                       (c.province_id, v_month, 'agency', coalesce(c.agency_id, 0), v_days, weight)
                ON CONFLICT (province_id, period, dim, dim_id, days) DO UPDATE SET
                    answered = t.answered + excluded.answered;
            END IF;
        END $$
        """
    )
    changed = " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in WATCHED)
    op.execute(
        f"""
        CREATE FUNCTION complaints_tally_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'UPDATE' AND NOT ({changed}) THEN
                RETURN NULL;
            END IF;
            IF TG_OP IN ('UPDATE', 'DELETE') THEN
                PERFORM complaint_tally(OLD, -1);
            END IF;
            IF TG_OP IN ('UPDATE', 'INSERT') THEN
                PERFORM complaint_tally(NEW, 1);
            END IF;
            RETURN NULL;
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER complaints_tally AFTER INSERT OR UPDATE OR DELETE ON complaints"
        " FOR EACH ROW EXECUTE FUNCTION complaints_tally_trigger()"
    )


def _fill() -> None:
    """Tally the complaints already there: replay each one through the insert rule."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SELECT complaint_tally(c, 1) FROM complaints AS c")
    else:
        for statement in _sqlite_statements(f"{_sqlite_row('c0', 1)} FROM complaints AS c0"):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER complaints_tally ON complaints")
        op.execute("DROP FUNCTION complaints_tally_trigger()")
        op.execute("DROP FUNCTION complaint_tally(complaints, integer)")
        op.execute("DROP INDEX ix_complaints_description_trgm")
    else:
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER complaints_tally_{event}")
            op.execute(f"DROP TRIGGER complaints_search_{event}")
        op.execute("DROP TABLE complaint_search")
    op.drop_index("ix_complaints_open", table_name="complaints")
    op.drop_index("ix_complaints_status_due", table_name="complaints")
    op.create_index("ix_complaints_status_due", "complaints", ["status", "due_on"])
    for name in PUBLISHED_INDEXES:
        op.drop_index(name, table_name="complaints")
    op.drop_table("complaint_answer_days")
    op.drop_table("complaint_tallies")
