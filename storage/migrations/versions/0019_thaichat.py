"""thaichat (issue 15): keywords that suggest a complaint category from typed text; KPI short names for buttons;
the local government (เทศบาล, อบต.) that serves a subdistrict

Revision ID: 0019_thaichat
Revises: 0018_public2
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_thaichat"
down_revision: str | Sequence[str] | None = "0018_public2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "category_keywords",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("word", sa.String(length=60), nullable=False),
        sa.Column("shipped", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["category_id"], ["complaint_categories.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("word"),
    )
    op.create_index("ix_category_keywords_category_id", "category_keywords", ["category_id"])
    op.create_table(
        "local_government_areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("subdistrict_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["subdistrict_id"], ["subdistricts.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("subdistrict_id"),
    )
    op.create_index("ix_local_government_areas_agency_id", "local_government_areas", ["agency_id"])
    # Plain ADD COLUMN, not SQLite's batch mode (see 0014): a rebuild of `kpis` would cascade to its reports.
    op.add_column("kpis", sa.Column("short_name_th", sa.String(length=20), nullable=True))
    op.add_column("kpis", sa.Column("short_name_en", sa.String(length=20), nullable=True))


def downgrade() -> None:
    op.drop_index("ix_local_government_areas_agency_id", table_name="local_government_areas")
    op.drop_table("local_government_areas")
    op.drop_column("kpis", "short_name_en")
    op.drop_column("kpis", "short_name_th")
    op.drop_index("ix_category_keywords_category_id", table_name="category_keywords")
    op.drop_table("category_keywords")
