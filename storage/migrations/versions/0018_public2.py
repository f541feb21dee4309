"""Open311 media_url (issue 14): the http(s) address of a photo a client posted with a request, kept as given
(never fetched) and shown in public only with the reporter's photo consent

Revision ID: 0018_public2
Revises: 0017_programme2
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_public2"
down_revision: str | Sequence[str] | None = "0017_programme2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("complaints", sa.Column("media_url", sa.String(length=500), nullable=True))


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite 3.35+), not batch mode: rebuilding `complaints` would drop the tally and search
    # triggers of 0016 and, with foreign keys on, cascade-delete what refers to it.
    op.drop_column("complaints", "media_url")
