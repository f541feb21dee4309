"""chatqueue (issue 11): the claim finds a chat's unfinished rows by the chat, not by walking the channel.

The claim takes the first due row of each chat: for each candidate it asks whether an earlier row of the same
chat is still unfinished. With only `ix_outbox_claim` (status, channel, …) and the single-column recipient index,
PostgreSQL's planner, whose statistics still described the table as nearly empty, answered that question by
walking every unfinished row of the channel, for every candidate: in a burst, with 5,000 Telegram rows waiting
for their pace, one claim took 2.3 s, and the one sender of both channels delivered LINE's replies 100 per 16 s
(2,357 of 6,000 still waiting a minute after the burst, their reply tokens gone). This partial index holds only
unfinished rows, keyed by chat and queue order: each question is one short index probe, whatever the planner
believes about the table.

Revision ID: 0022_chatqueue
Revises: 0021_claims
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022_chatqueue"
down_revision: str | Sequence[str] | None = "0021_claims"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNFINISHED = sa.text("status IN ('pending', 'sending')")


def upgrade() -> None:
    op.create_index(
        "ix_outbox_chat_unfinished",
        "outbox",
        ["channel", "recipient", "id"],
        postgresql_where=UNFINISHED,
        sqlite_where=UNFINISHED,
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_chat_unfinished", table_name="outbox")
