"""public pages and Open311 (issue 14): API keys; a complaint's consents to publication and to showing its photos
(not given until asked); the API key and token of a request filed through Open311

Revision ID: 0013_public_api
Revises: 0012_thai_labels
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_public_api"
down_revision: str | Sequence[str] | None = "0012_thai_labels"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("province_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["province_id"], ["provinces.id"], name=op.f("fk_api_keys_province_id_provinces")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_keys_key_hash")),
        sa.UniqueConstraint("name", name=op.f("uq_api_keys_name")),
    )
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.add_column(sa.Column("publish_consent", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("photo_consent", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("api_key_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("api_token", sa.String(length=40), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_complaints_api_key_id_api_keys"), "api_keys", ["api_key_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_unique_constraint(batch_op.f("uq_complaints_api_token"), ["api_token"])


def downgrade() -> None:
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_complaints_api_token"), type_="unique")
        batch_op.drop_constraint(batch_op.f("fk_complaints_api_key_id_api_keys"), type_="foreignkey")
        batch_op.drop_column("api_token")
        batch_op.drop_column("api_key_id")
        batch_op.drop_column("photo_consent")
        batch_op.drop_column("publish_consent")
    op.drop_table("api_keys")
