"""privacy (issue 16): the platforms this installation uses, so the web simulator cannot switch itself on in a
process that merely lacks their credentials; media found by owner ("delete my data", retention)

Revision ID: 0009_privacy
Revises: 0008_kpi_kinds
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_privacy"
down_revision: str | Sequence[str] | None = "0008_kpi_kinds"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PLATFORMS = ("line", "telegram")


def upgrade() -> None:
    op.create_table(
        "platforms_in_use",
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.PrimaryKeyConstraint("channel", name=op.f("pk_platforms_in_use")),
    )
    # A database that already has people from a platform has been used with it, whatever started it.
    op.execute(
        sa.text(
            "INSERT INTO platforms_in_use (channel, since) SELECT channel, MIN(created_at) FROM people"
            " WHERE channel IN :platforms GROUP BY channel"
        ).bindparams(sa.bindparam("platforms", PLATFORMS, expanding=True))
    )
    with op.batch_alter_table("media", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_media_owner_id"), ["owner_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("media", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_media_owner_id"))
    op.drop_table("platforms_in_use")
