"""Open311 media_url (issue 14): the http(s) address of a photo a client posted with a request, kept as given
(never fetched) and shown in public only with the reporter's photo consent

Revision ID: 0015_public2
Revises: 0014_programme
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_public2"
down_revision: str | Sequence[str] | None = "0014_programme"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("complaints", sa.Column("media_url", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_column("media_url")
