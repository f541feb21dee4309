"""programme2 (issue 12 items 7 and 8): what a province hands in for steps 2 and 4 (a file or photo and a note),
step 3's joint reviews with a note per KPI, the working-group role (on people and invites) and its advice on KPIs;
the later fiscal years' step deadlines that the seed copied from FY 2565 are removed (they were never official)

Revision ID: 0017_programme2
Revises: 0016_deskperf
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_programme2"
down_revision: str | Sequence[str] | None = "0016_deskperf"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# The seed (before this revision) copied FY 2565's dates into later years under these titles; a copy that a
# province already handed in against, or whose date was changed, stays.
COPIED = """
DELETE FROM deadlines
WHERE province_id IS NULL AND kpi_id IS NULL AND step_id IS NOT NULL
  AND fiscal_year_id IN (SELECT id FROM fiscal_years WHERE year_be > 2565)
  AND (title_th LIKE 'จัดส่งข้อเสนอประเด็นนโยบายสำคัญ ปีงบประมาณ พ.ศ. %'
       OR title_th LIKE 'รายงานผลการดำเนินงานตามประเด็นนโยบายสำคัญ ปีงบประมาณ พ.ศ. %')
  AND id NOT IN (SELECT deadline_id FROM deadline_submissions)
"""


def upgrade() -> None:
    _add_reference("people", "working_group_id", "working_groups")
    _add_reference("invites", "working_group_id", "working_groups")
    _handins()
    _reviews()
    _advice()
    op.execute(COPIED)


def _add_reference(table: str, column: str, target: str) -> None:
    """A nullable integer column referring to `target`.id (SQLite takes it inline in ADD COLUMN; see 0014)."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE {table} ADD COLUMN {column} INTEGER REFERENCES {target} (id)")
        return
    op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
    op.create_foreign_key(op.f(f"fk_{table}_{column}_{target}"), table, target, [column], ["id"])


def _drop_reference(table: str, column: str, target: str) -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f(f"fk_{table}_{column}_{target}"), table, type_="foreignkey")
    op.drop_column(table, column)


def _handins() -> None:
    op.create_table(
        "step_handins",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("deadline_id", sa.Integer(), nullable=False),
        sa.Column("province_id", sa.Integer(), nullable=False),
        sa.Column("media_id", BIG_ID, nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("handed_in_by_id", BIG_ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["deadline_id"], ["deadlines.id"], name=op.f("fk_step_handins_deadline_id_deadlines"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["province_id"], ["provinces.id"], name=op.f("fk_step_handins_province_id_provinces")),
        sa.ForeignKeyConstraint(
            ["media_id"], ["media.id"], name=op.f("fk_step_handins_media_id_media"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["handed_in_by_id"], ["people.id"], name=op.f("fk_step_handins_handed_in_by_id_people"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_step_handins")),
    )
    op.create_index(op.f("ix_step_handins_deadline_id"), "step_handins", ["deadline_id"], unique=False)
    op.create_index(op.f("ix_step_handins_province_id"), "step_handins", ["province_id"], unique=False)


def _reviews() -> None:
    op.create_table(
        "joint_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("province_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("participants", sa.Text(), nullable=False),
        sa.Column("decisions", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", BIG_ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["province_id"], ["provinces.id"], name=op.f("fk_joint_reviews_province_id_provinces")),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["people.id"], name=op.f("fk_joint_reviews_recorded_by_id_people"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_joint_reviews")),
    )
    op.create_index(op.f("ix_joint_reviews_province_id"), "joint_reviews", ["province_id"], unique=False)
    op.create_table(
        "joint_review_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("kpi_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["review_id"], ["joint_reviews.id"], name=op.f("fk_joint_review_notes_review_id_joint_reviews"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["kpi_id"], ["kpis.id"], name=op.f("fk_joint_review_notes_kpi_id_kpis"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_joint_review_notes")),
        sa.UniqueConstraint("review_id", "kpi_id", name=op.f("uq_joint_review_notes_review_id")),
    )
    op.create_index(op.f("ix_joint_review_notes_review_id"), "joint_review_notes", ["review_id"], unique=False)
    op.create_index(op.f("ix_joint_review_notes_kpi_id"), "joint_review_notes", ["kpi_id"], unique=False)


def _advice() -> None:
    op.create_table(
        "kpi_advice",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("kpi_id", sa.Integer(), nullable=False),
        sa.Column("working_group_id", sa.Integer(), nullable=True),
        sa.Column("author_id", BIG_ID, nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["kpi_id"], ["kpis.id"], name=op.f("fk_kpi_advice_kpi_id_kpis"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["working_group_id"], ["working_groups.id"], name=op.f("fk_kpi_advice_working_group_id_working_groups")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["people.id"], name=op.f("fk_kpi_advice_author_id_people"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_advice")),
    )
    op.create_index(op.f("ix_kpi_advice_kpi_id"), "kpi_advice", ["kpi_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_kpi_advice_kpi_id"), table_name="kpi_advice")
    op.drop_table("kpi_advice")
    op.drop_index(op.f("ix_joint_review_notes_kpi_id"), table_name="joint_review_notes")
    op.drop_index(op.f("ix_joint_review_notes_review_id"), table_name="joint_review_notes")
    op.drop_table("joint_review_notes")
    op.drop_index(op.f("ix_joint_reviews_province_id"), table_name="joint_reviews")
    op.drop_table("joint_reviews")
    op.drop_index(op.f("ix_step_handins_province_id"), table_name="step_handins")
    op.drop_index(op.f("ix_step_handins_deadline_id"), table_name="step_handins")
    op.drop_table("step_handins")
    _drop_reference("invites", "working_group_id", "working_groups")
    _drop_reference("people", "working_group_id", "working_groups")
