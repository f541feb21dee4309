"""API keys of Open311 clients: issued once (the secret is shown then and never again), kept as a SHA-256, revoked
by name. A key may be bound to one province: it then posts requests there only."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ApiKey, Province

KEY_PREFIX = "hpp_"


def key_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


async def create_api_key(
    session: AsyncSession, name: str, province: Province | None, now: datetime
) -> tuple[ApiKey, str]:
    """A new key and its secret (to hand to the client; only its hash is stored)."""
    secret = KEY_PREFIX + secrets.token_urlsafe(24)
    key = ApiKey(name=name, key_hash=key_hash(secret), province_id=province.id if province else None, created_at=now)
    session.add(key)
    await session.flush()
    return key, secret


async def find_key_by_name(session: AsyncSession, name: str) -> ApiKey | None:
    return await session.scalar(select(ApiKey).where(ApiKey.name == name))


async def revoke_api_key(session: AsyncSession, key: ApiKey, now: datetime) -> None:
    if key.revoked_at is None:
        key.revoked_at = now


async def active_key(session: AsyncSession, secret: str) -> ApiKey | None:
    """The unrevoked key with this secret, if any."""
    if not secret.startswith(KEY_PREFIX):
        return None
    return await session.scalar(select(ApiKey).where(ApiKey.key_hash == key_hash(secret), ApiKey.revoked_at.is_(None)))
