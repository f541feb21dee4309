"""thai labels (issue 15): designed short forms for buttons (an agency's abbreviation, an agenda's short title)
and each province's contact for personal-data questions (the PDPA notice names the data controller)

Revision ID: 0012_thai_labels
Revises: 0011_desk
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_thai_labels"
down_revision: str | Sequence[str] | None = "0011_desk"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("provinces", schema=None) as batch_op:
        batch_op.add_column(sa.Column("data_contact", sa.String(length=200), nullable=True))
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("short_name_th", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("short_name_en", sa.String(length=20), nullable=True))
    with op.batch_alter_table("agendas", schema=None) as batch_op:
        batch_op.add_column(sa.Column("short_title_th", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("short_title_en", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("agendas", schema=None) as batch_op:
        batch_op.drop_column("short_title_en")
        batch_op.drop_column("short_title_th")
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.drop_column("short_name_en")
        batch_op.drop_column("short_name_th")
    with op.batch_alter_table("provinces", schema=None) as batch_op:
        batch_op.drop_column("data_contact")
