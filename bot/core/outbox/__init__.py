"""The outbox: every message to send is a row first (`enqueue`), then a sender delivers it (`OutboxSender`).

- `enqueue.py`: queueing rows in the caller's transaction, one by one or in bulk;
- `claim.py`: finding due rows and leasing them to one sender, each chat's rows in order;
- `records.py`: what a delivery's outcome writes, and the retry backoff;
- `sender.py`: the sender's pipeline (claim while delivering, record by group commit, stop gracefully).
"""

from bot.core.outbox.claim import LEASE
from bot.core.outbox.enqueue import Queued, enqueue, enqueue_many, enqueue_to, insert_rows, new_row
from bot.core.outbox.records import MAX_ATTEMPTS, backoff_seconds
from bot.core.outbox.sender import OutboxSender, to_message

__all__ = [
    "LEASE",
    "MAX_ATTEMPTS",
    "OutboxSender",
    "Queued",
    "backoff_seconds",
    "enqueue",
    "enqueue_many",
    "enqueue_to",
    "insert_rows",
    "new_row",
    "to_message",
]
