"""desk (issue 13): the web desk's sign-in links, sessions and audit log; indexes for its figures and lists
over a million complaints (bot/domain/stats.py)

Revision ID: 0010_desk
Revises: 0009_privacy
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_desk"
down_revision: str | Sequence[str] | None = "0009_privacy"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
NOW = sa.text("(CURRENT_TIMESTAMP)")
COMPLAINT_INDEXES = {
    "ix_complaints_created": ["created_at"],
    "ix_complaints_province_created": ["province_id", "created_at"],
    "ix_complaints_province_status_due": ["province_id", "status", "due_on"],
    "ix_complaints_status_due": ["status", "due_on"],
    "ix_complaints_agency_created": ["agency_id", "created_at"],
    "ix_complaints_district_created": ["district_id", "created_at"],
}


def _person_column(nullable: bool = False) -> sa.Column[int]:
    return sa.Column("person_id", BIG_ID, nullable=nullable)


def _token_table(name: str, *extra: sa.Column[object]) -> None:
    op.create_table(
        name,
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        _person_column(),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        *extra,
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f(f"fk_{name}_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint("token_hash", name=op.f(f"uq_{name}_token_hash")),
    )
    op.create_index(op.f(f"ix_{name}_person_id"), name, ["person_id"], unique=False)


def upgrade() -> None:
    _token_table("desk_links", sa.Column("used_at", sa.DateTime(timezone=True), nullable=True))
    _token_table("desk_sessions", sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "audit_log",
        sa.Column("id", BIG_ID, nullable=False),
        _person_column(nullable=True),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("target", sa.String(length=120), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("page", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_audit_log_person_id_people"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_person_id"), "audit_log", ["person_id"], unique=False)
    for name, columns in COMPLAINT_INDEXES.items():
        op.create_index(name, "complaints", columns, unique=False)


def downgrade() -> None:
    for name in COMPLAINT_INDEXES:
        op.drop_index(name, table_name="complaints")
    op.drop_index(op.f("ix_audit_log_person_id"), table_name="audit_log")
    op.drop_table("audit_log")
    for name in ("desk_sessions", "desk_links"):
        op.drop_index(op.f(f"ix_{name}_person_id"), table_name=name)
        op.drop_table(name)
