"""progress report photos (issue 6: officers attach photos to a KPI progress report)

Revision ID: 0006_progress_photos
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_progress_photos"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "progress_report_photos",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("report_id", BIG_ID, nullable=False),
        sa.Column("media_id", BIG_ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["progress_reports.id"],
            name=op.f("fk_progress_report_photos_report_id_progress_reports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["media_id"], ["media.id"], name=op.f("fk_progress_report_photos_media_id_media"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_report_photos")),
    )
    with op.batch_alter_table("progress_report_photos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_progress_report_photos_report_id"), ["report_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("progress_report_photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_progress_report_photos_report_id"))
    op.drop_table("progress_report_photos")
