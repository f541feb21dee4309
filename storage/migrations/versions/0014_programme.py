"""programme (issue 12): new-complaint alerts (instant or a twice-daily digest) and overdue alerts for staff;
citizens following a subdistrict or a category; the officer's photo of a status change, kept with its event;
the secretariat's status and reply on each comment or proposal; polls on candidate agendas (step 1); the partner
sector an invite gives

Revision ID: 0014_programme
Revises: 0013_public_api
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_programme"
down_revision: str | Sequence[str] | None = "0013_public_api"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN, not SQLite's batch mode: a batch rebuild of `people` or `complaints` would drop the table,
    # and with foreign keys on that deletes what refers to it (ON DELETE CASCADE).
    op.add_column("people", sa.Column("alert_mode", sa.String(length=16), server_default="instant", nullable=False))
    op.add_column("people", sa.Column("alerts_digested_until", sa.DateTime(timezone=True), nullable=True))
    op.add_column("complaints", sa.Column("overdue_alerted_at", sa.DateTime(timezone=True), nullable=True))
    _add_reference("complaint_events", "media_id", "media", sa.BigInteger(), "SET NULL")
    _feedback_answers()
    _polls()
    _add_reference("invites", "sector_id", "partner_sectors", sa.Integer())
    # A ticket already overdue today was in the secretariat's digest: no alert for it after the upgrade.
    op.execute("UPDATE complaints SET overdue_alerted_at = escalated_at WHERE escalated_at IS NOT NULL")
    op.create_table(
        "area_watches",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("province_id", sa.Integer(), nullable=False),
        sa.Column("subdistrict_id", sa.Integer(), nullable=True),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("summarised_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_area_watches_person_id_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["province_id"], ["provinces.id"], name=op.f("fk_area_watches_province_id_provinces")),
        sa.ForeignKeyConstraint(
            ["subdistrict_id"], ["subdistricts.id"], name=op.f("fk_area_watches_subdistrict_id_subdistricts")
        ),
        sa.ForeignKeyConstraint(
            ["category_id"], ["complaint_categories.id"], name=op.f("fk_area_watches_category_id_complaint_categories")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area_watches")),
    )
    op.create_index(op.f("ix_area_watches_person_id"), "area_watches", ["person_id"], unique=False)


def _add_reference(
    table: str, column: str, target: str, kind: sa.types.TypeEngine[int], ondelete: str | None = None
) -> None:
    """A nullable column referring to `target`.id: SQLite takes the reference inline in ADD COLUMN (it cannot add
    a constraint later), PostgreSQL as a named constraint."""
    if op.get_bind().dialect.name == "sqlite":
        action = f" ON DELETE {ondelete}" if ondelete else ""
        op.execute(f"ALTER TABLE {table} ADD COLUMN {column} INTEGER REFERENCES {target} (id){action}")
        return
    op.add_column(table, sa.Column(column, kind, nullable=True))
    name = op.f(f"fk_{table}_{column}_{target}")
    op.create_foreign_key(name, table, target, [column], ["id"], ondelete=ondelete)


def _drop_reference(table: str, column: str, target: str) -> None:
    if op.get_bind().dialect.name != "sqlite":  # SQLite keeps the reference inline: it goes with the column
        op.drop_constraint(op.f(f"fk_{table}_{column}_{target}"), table, type_="foreignkey")
    op.drop_column(table, column)


def _feedback_answers() -> None:
    # feedback.status itself came with the web desk (0011_desk)
    op.add_column("feedback", sa.Column("reply", sa.Text(), nullable=True))
    op.add_column("feedback", sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True))
    _add_reference("feedback", "answered_by_id", "people", sa.BigInteger(), "SET NULL")


def _polls() -> None:
    person_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    op.create_table(
        "polls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("province_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", person_id, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["province_id"], ["provinces.id"], name=op.f("fk_polls_province_id_provinces")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["people.id"], name=op.f("fk_polls_created_by_id_people"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_polls")),
    )
    op.create_index(op.f("ix_polls_province_id"), "polls", ["province_id"], unique=False)
    op.create_table(
        "poll_options",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["poll_id"], ["polls.id"], name=op.f("fk_poll_options_poll_id_polls"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_options")),
    )
    op.create_index(op.f("ix_poll_options_poll_id"), "poll_options", ["poll_id"], unique=False)
    op.create_table(
        "poll_votes",
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("person_id", person_id, nullable=False),
        sa.Column("option_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["poll_id"], ["polls.id"], name=op.f("fk_poll_votes_poll_id_polls"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_poll_votes_person_id_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["option_id"], ["poll_options.id"], name=op.f("fk_poll_votes_option_id_poll_options"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("poll_id", "person_id", name=op.f("pk_poll_votes")),
    )


def downgrade() -> None:
    _drop_reference("invites", "sector_id", "partner_sectors")
    op.drop_table("poll_votes")
    op.drop_index(op.f("ix_poll_options_poll_id"), table_name="poll_options")
    op.drop_table("poll_options")
    op.drop_index(op.f("ix_polls_province_id"), table_name="polls")
    op.drop_table("polls")
    _drop_reference("feedback", "answered_by_id", "people")
    for column in ("answered_at", "reply"):
        op.drop_column("feedback", column)
    op.drop_index(op.f("ix_area_watches_person_id"), table_name="area_watches")
    op.drop_table("area_watches")
    # SQLite 3.35+ drops a column in place; a batch rebuild would cascade deletes (see upgrade).
    op.drop_column("complaints", "overdue_alerted_at")
    _drop_reference("complaint_events", "media_id", "media")
    op.drop_column("people", "alerts_digested_until")
    op.drop_column("people", "alert_mode")
