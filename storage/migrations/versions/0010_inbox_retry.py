"""inbox retry (issue 16): an event that failed waits before it is tried again, and is marked failed after a few
attempts, instead of being retried twice a second for ever

Revision ID: 0010_inbox_retry
Revises: 0009_privacy
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_inbox_retry"
down_revision: str | Sequence[str] | None = "0009_privacy"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("inbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("inbox", schema=None) as batch_op:
        batch_op.drop_column("next_attempt_at")
