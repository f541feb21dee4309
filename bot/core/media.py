"""Links to stored media (complaint photos, exports) that cannot be guessed.

A photo a citizen sends is personal data; LINE still needs a public URL to show it. Each link carries an HMAC
of the media id, keyed by a secret every process of one installation shares (SECRET_KEY, else the LINE channel
secret or the Telegram token), so ids cannot be walked.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets

from bot.settings import Settings

log = logging.getLogger(__name__)

_key = secrets.token_bytes(32)  # until configured: links are valid in this process only


def configure_media_links(settings: Settings) -> None:
    global _key
    sources = (settings.secret_key, settings.line_channel_secret, settings.telegram_bot_token)
    source = next((value.get_secret_value() for value in sources if value is not None), None)
    if source is None:
        log.info("SECRET_KEY not set: media links are valid until this process restarts")
        return
    _key = hashlib.sha256(b"hpp-bot media links\0" + source.encode()).digest()


def _signature(media_id: int) -> str:
    return hmac.new(_key, f"media:{media_id}".encode(), hashlib.sha256).hexdigest()[:32]


def media_path(media_id: int) -> str:
    return f"/media/{media_id}/{_signature(media_id)}"


def media_url(public_base_url: str | None, media_id: int) -> str | None:
    """The absolute link (for LINE's image messages and download links), when the public URL is known."""
    return f"{public_base_url}{media_path(media_id)}" if public_base_url else None


def valid_signature(media_id: int, signature: str) -> bool:
    return hmac.compare_digest(_signature(media_id), signature)
