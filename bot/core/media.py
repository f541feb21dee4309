"""Stored media (complaint photos, report photos, exports) and the links that serve them.

A photo a citizen sends is personal data; LINE still needs a public URL to show it. Each link carries its expiry
and an HMAC of the media id and that expiry, keyed by a secret every process of one installation shares
(SECRET_KEY, else the LINE channel secret or the Telegram token, else a random key the installation makes on its
first run and keeps in the database, so links outlive a restart): ids cannot be walked, and a link that leaks
(a forwarded message, a log) stops working within days. Channels read media through a `MediaStore` handed to
them, never through a database pool of their own.

Every stored photo has an owner, the person who sent it, so that "delete my data" and the retention job find it
(bot/domain/erasure.py).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from storage.db import Database, insert_ignore
from storage.models import InstallationSecret, Media, Person

log = logging.getLogger(__name__)

HOUR = 3600
# Links sent in chat: LINE fetches an image when the person opens the chat, which may be days later, and a
# download link (an export) is used within days. After that a link answers 404; asking again makes a new one.
CHAT_LINK_LIFETIME = timedelta(days=7)
# Links the simulator page shows: it loads them at once, and makes new ones each time it shows the history.
PAGE_LINK_LIFETIME = timedelta(days=1)


def _now() -> datetime:
    return datetime.now(UTC)


MEDIA_KEY_NAME = "media-links"


@dataclass
class MediaLinks:
    """Signed links to stored media that expire; `public_base_url` makes them absolute (LINE images), and a link
    in a message's text is absolute on `served_url` when no public URL is set (the simulator's downloads).

    A link is `/media/{id}/{expires}/{signature}`: `expires` in Unix seconds, rounded up to the hour so that the
    links made within one hour are the same (caches, a retried LINE message), and signed with the id.
    `stored_key`: no secret was configured, so the key is the installation's own, read at start-up
    (`use_stored_key`); until then it is a random one.
    """

    key: bytes
    public_base_url: str | None = None
    clock: Callable[[], datetime] = _now
    stored_key: bool = False
    served_url: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> MediaLinks:
        sources = (settings.secret_key, settings.line_channel_secret, settings.telegram_bot_token)
        source = next((value.get_secret_value() for value in sources if value is not None), None)
        if source is None:
            return cls(
                secrets.token_bytes(32), settings.public_base_url, stored_key=True, served_url=settings.served_url
            )
        key = hashlib.sha256(b"hpp-bot media links\0" + source.encode()).digest()
        return cls(key, settings.public_base_url, served_url=settings.served_url)

    async def use_stored_key(self, db: Database) -> None:
        """Sign with the installation's stored key when no secret is configured (at start-up, before serving)."""
        if not self.stored_key:
            return
        try:
            self.key = await installation_key(db, MEDIA_KEY_NAME)
        except (OSError, DBAPIError) as exc:  # the app starts anyway (/healthz says why); links last until a restart
            log.warning("database unreachable at start-up: media links use a temporary key (%s)", type(exc).__name__)

    def signature(self, media_id: int, expires: int) -> str:
        return hmac.new(self.key, f"media:{media_id}:{expires}".encode(), hashlib.sha256).hexdigest()[:32]

    def expiry(self, valid_for: timedelta) -> int:
        """The Unix time a link made now for `valid_for` stops working."""
        until = (self.clock() + valid_for).timestamp()
        return math.ceil(until / HOUR) * HOUR

    def path(self, media_id: int, valid_for: timedelta = CHAT_LINK_LIFETIME) -> str:
        expires = self.expiry(valid_for)
        return f"/media/{media_id}/{expires}/{self.signature(media_id, expires)}"

    def url(self, media_id: int, valid_for: timedelta = CHAT_LINK_LIFETIME) -> str | None:
        """The absolute link, when the public URL is known."""
        return f"{self.public_base_url}{self.path(media_id, valid_for)}" if self.public_base_url else None

    def link(self, media_id: int, valid_for: timedelta = CHAT_LINK_LIFETIME) -> str:
        """The link to write in a message: absolute, on the public URL or else the served address."""
        base = self.public_base_url or self.served_url or ""
        return f"{base}{self.path(media_id, valid_for)}"

    def seconds_left(self, media_id: int, expires: int, signature: str) -> int:
        """How long a link still works: 0 when it has expired or was not made with this key."""
        if not hmac.compare_digest(self.signature(media_id, expires), signature):
            return 0
        return max(0, expires - int(self.clock().timestamp()))


async def installation_key(db: Database, name: str) -> bytes:
    """The installation's random key called `name`: made and stored by the first process that asks, then the
    same for every process and every restart (a second process starting at once keeps the first one's)."""
    async with db.read() as session:
        value = await session.scalar(select(InstallationSecret.value).where(InstallationSecret.name == name))
    if value is None:
        log.info("SECRET_KEY not set: using a key made for this installation and kept in its database")
        async with db.write() as session:
            made = {"name": name, "value": secrets.token_hex(32), "created_at": _now()}
            await session.execute(insert_ignore(session, InstallationSecret, "name").values(made))
            value = await session.scalar(select(InstallationSecret.value).where(InstallationSecret.name == name))
    assert value is not None
    return bytes.fromhex(value)


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
    sent_by: tuple[str, str] | None = None,
) -> Media:
    """Keep a file in the caller's transaction; the same channel reference is stored once. The owner is
    `owner_id`, or the person with the (channel, platform user id) `sent_by`, if they are known yet (someone's
    very first message has no person row: that photo is never used and goes with the unowned, see prune)."""
    if ref is not None:
        existing = await session.scalar(select(Media).where(Media.ref == ref))
        if existing is not None:
            return existing
    if owner_id is None and sent_by is not None:
        channel, user = sent_by
        owner_id = await session.scalar(
            select(Person.id).where(Person.channel == channel, Person.platform_user_id == user)
        )
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
    sent_by: tuple[str, str] | None = None,
) -> int:
    """Keep a file in a transaction of its own; returns its id."""
    async with db.write() as session:
        media = await add_media(
            session, data, content_type, ref=ref, filename=filename, owner_id=owner_id, sent_by=sent_by
        )
        return media.id
