"""What the composition root hands every channel adapter: the stored media, signed links to it, and the per-chat
flags. A channel keeps nothing about chats or messages in memory: what must outlive one delivery is here."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.chatflags import ChatFlags
from bot.core.media import DatabaseMediaStore, MediaLinks, MediaStore
from storage.db import Database


@dataclass(frozen=True)
class ChannelKit:
    media: MediaStore
    links: MediaLinks
    flags: ChatFlags

    @classmethod
    def from_database(cls, db: Database, links: MediaLinks) -> ChannelKit:
        return cls(DatabaseMediaStore(db), links, ChatFlags(db))
