"""channel state in the database (several worker processes): how many parts of an outbox row are delivered,
and flags a channel keeps per chat (Telegram: a reply keyboard is showing)

Revision ID: 0007_channel_state
Revises: 0006_progress_photos
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_channel_state"
down_revision: str | Sequence[str] | None = "0006_progress_photos"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parts_done", sa.Integer(), server_default=sa.text("0"), nullable=False))
    op.create_table(
        "chat_flags",
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("chat_id", sa.String(length=100), nullable=False),
        sa.Column("flag", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("channel", "chat_id", "flag", name=op.f("pk_chat_flags")),
    )


def downgrade() -> None:
    op.drop_table("chat_flags")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("parts_done")
