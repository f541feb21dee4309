"""Stored media (complaint photos, report photos, exports) and the links that serve them.

A photo a citizen sends is personal data; LINE still needs a public URL to show it. Each link carries an HMAC
of the media id, keyed by a secret every process of one installation shares (SECRET_KEY, else the LINE channel
secret or the Telegram token), so ids cannot be walked. Channels read media through a `MediaStore` handed to
them, never through a database pool of their own.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from storage.db import Database
from storage.models import Media

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MediaLinks:
    """Signed links to stored media; `public_base_url` makes them absolute (LINE image messages, downloads)."""

    key: bytes
    public_base_url: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> MediaLinks:
        sources = (settings.secret_key, settings.line_channel_secret, settings.telegram_bot_token)
        source = next((value.get_secret_value() for value in sources if value is not None), None)
        if source is None:
            log.info("SECRET_KEY not set: media links are valid until this process restarts")
            return cls(secrets.token_bytes(32), settings.public_base_url)
        return cls(hashlib.sha256(b"hpp-bot media links\0" + source.encode()).digest(), settings.public_base_url)

    def signature(self, media_id: int) -> str:
        return hmac.new(self.key, f"media:{media_id}".encode(), hashlib.sha256).hexdigest()[:32]

    def path(self, media_id: int) -> str:
        return f"/media/{media_id}/{self.signature(media_id)}"

    def url(self, media_id: int) -> str | None:
        """The absolute link, when the public URL is known."""
        return f"{self.public_base_url}{self.path(media_id)}" if self.public_base_url else None

    def link(self, media_id: int) -> str:
        """The absolute link where possible, else the path."""
        return self.url(media_id) or self.path(media_id)

    def valid(self, media_id: int, signature: str) -> bool:
        return hmac.compare_digest(self.signature(media_id), signature)


class MediaStore(Protocol):
    """What a channel needs to send a stored picture or file."""

    async def load(self, media_id: int) -> tuple[bytes, str, str | None]:
        """(content, content type, file name); LookupError when there is no such media."""
        ...


class DatabaseMediaStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def load(self, media_id: int) -> tuple[bytes, str, str | None]:
        async with self.db.read() as session:
            media = await session.scalar(select(Media).where(Media.id == media_id))
        if media is None:
            raise LookupError(f"media {media_id} is not stored")
        return media.data, media.content_type, media.filename


async def add_media(
    session: AsyncSession,
    data: bytes,
    content_type: str,
    *,
    ref: str | None = None,
    filename: str | None = None,
    owner_id: int | None = None,
) -> Media:
    """Keep a file in the caller's transaction; the same channel reference is stored once."""
    if ref is not None:
        existing = await session.scalar(select(Media).where(Media.ref == ref))
        if existing is not None:
            return existing
    media = Media(
        ref=ref,
        sha256=hashlib.sha256(data).hexdigest(),
        content_type=content_type,
        size=len(data),
        filename=filename,
        data=data,
        owner_id=owner_id,
    )
    session.add(media)
    await session.flush()
    return media


async def store_media(
    db: Database,
    data: bytes,
    content_type: str,
    *,
    ref: str | None = None,
    filename: str | None = None,
    owner_id: int | None = None,
) -> int:
    """Keep a file in a transaction of its own; returns its id."""
    async with db.write() as session:
        media = await add_media(session, data, content_type, ref=ref, filename=filename, owner_id=owner_id)
        return media.id
