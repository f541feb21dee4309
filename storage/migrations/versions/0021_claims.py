"""claims (issue 11): an index the sender's claim walks in queue order.

The claim looks for the first due row of each chat on a channel. Through `ix_outbox_due` (status, time) it read
every pending row of every channel, checked each one's chat, and sorted them all: with Telegram paced at 30
messages a second, a burst leaves thousands of Telegram rows waiting, and each claim, dozens a second, took ~15 ms
in the reader's thread. `ix_outbox_claim` (status, channel, broadcast_id, id) gives a channel's conversation
rows, then its broadcasts, in queue order: the claim stops once it has as many as it has room for. It replaces
`ix_outbox_due`, which SQLite's planner kept choosing for the claim; what else used it (the prune, by status)
finds the status at the head of the new one.

Revision ID: 0021_claims
Revises: 0020_national
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021_claims"
down_revision: str | Sequence[str] | None = "0020_national"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_outbox_claim", "outbox", ["status", "channel", "broadcast_id", "id"])
    op.drop_index("ix_outbox_due", table_name="outbox")


def downgrade() -> None:
    op.create_index("ix_outbox_due", "outbox", ["status", "next_attempt_at"])
    op.drop_index("ix_outbox_claim", table_name="outbox")
