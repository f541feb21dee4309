"""Per-chat flags a channel keeps between deliveries (Telegram: a reply keyboard is showing and should go).

They live in the database, not in a channel object, so that every worker process delivering to the chat sees
the same answer. A flag is a row while it is on.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, delete, select

from storage.db import Database, insert_ignore
from storage.models import ChatFlag


def _the(channel: str, chat: str, flag: str) -> ColumnElement[bool]:
    return and_(ChatFlag.channel == channel, ChatFlag.chat_id == chat, ChatFlag.flag == flag)


class ChatFlags:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def has(self, channel: str, chat: str, flag: str) -> bool:
        async with self.db.read() as session:
            found = await session.scalar(select(ChatFlag.flag).where(_the(channel, chat, flag)))
        return found is not None

    async def set(self, channel: str, chat: str, flag: str, on: bool) -> None:
        async with self.db.write() as session:
            if on:
                insert = insert_ignore(session, ChatFlag, "channel", "chat_id", "flag")
                await session.execute(insert.values(channel=channel, chat_id=chat, flag=flag))
            else:
                await session.execute(delete(ChatFlag).where(_the(channel, chat, flag)))
