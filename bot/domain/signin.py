"""Signing in to the web desk from chat: no passwords, the chat identity is the proof.

A secretariat member or an officer asks in chat (or `hpp-bot dashboard link`) and gets a link with a random
token, valid `LINK_LIFETIME` and good once. Opening it (a POST from the page the link shows: chat apps fetch
links to preview them, and a preview must not use the link up) starts a session of `SESSION_LIFETIME`: the
browser keeps its token in a cookie. Only SHA-256 hashes of both tokens are stored, so a copy of the database
signs no one in. Every change made from the desk is written to the audit log.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.scope import is_officer, is_secretariat
from storage.models import AuditEntry, DeskLink, DeskSession, Person

LINK_LIFETIME = timedelta(minutes=10)
SESSION_LIFETIME = timedelta(hours=8)
SIGNIN_PATH = "/desk/signin/"


class NotStaff(PermissionError):
    """Only the secretariat and officers sign in to the desk."""


def may_use_desk(person: Person) -> bool:
    return is_secretariat(person) or is_officer(person)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def signin_url(public_base_url: str | None, token: str) -> str:
    """The link to send: absolute when the public URL is known."""
    return f"{public_base_url or ''}{SIGNIN_PATH}{token}"


async def new_link(session: AsyncSession, person: Person, now: datetime) -> str:
    """A fresh one-time sign-in token for `person` (kept as a hash); NotStaff for anyone else."""
    if not may_use_desk(person):
        raise NotStaff(f"person {person.id} is not staff")
    token = secrets.token_urlsafe(32)
    session.add(DeskLink(token_hash=token_hash(token), person_id=person.id, expires_at=now + LINK_LIFETIME))
    await session.flush()
    return token


@dataclass(frozen=True)
class Started:
    token: str  # for the cookie
    person: Person
    expires_at: datetime


async def redeem(session: AsyncSession, link_token: str, now: datetime) -> Started | None:
    """Use a link up and start a session; None when the link is unknown, used, expired, or its person may no
    longer use the desk. One UPDATE claims the link, so two tabs opening it at once start one session."""
    claimed = await session.scalar(
        update(DeskLink)
        .where(DeskLink.token_hash == token_hash(link_token), DeskLink.used_at.is_(None), DeskLink.expires_at > now)
        .values(used_at=now)
        .returning(DeskLink.person_id)
        .execution_options(synchronize_session=False)
    )
    person = await session.get(Person, claimed) if claimed is not None else None
    if person is None or not may_use_desk(person):
        return None
    token = secrets.token_urlsafe(32)
    expires_at = now + SESSION_LIFETIME
    session.add(DeskSession(token_hash=token_hash(token), person_id=person.id, expires_at=expires_at))
    await session.flush()
    return Started(token, person, expires_at)


async def session_person(session: AsyncSession, session_token: str, now: datetime) -> Person | None:
    """Who a session cookie signs in: None when it is unknown, ended, expired, or the person is no longer staff
    (a role taken away ends their sessions at once)."""
    found = await session.scalar(
        select(Person)
        .join(DeskSession, DeskSession.person_id == Person.id)
        .where(
            DeskSession.token_hash == token_hash(session_token),
            DeskSession.ended_at.is_(None),
            DeskSession.expires_at > now,
        )
    )
    return found if found is not None and may_use_desk(found) else None


async def end_session(session: AsyncSession, session_token: str, now: datetime) -> None:
    await session.execute(
        update(DeskSession)
        .where(DeskSession.token_hash == token_hash(session_token), DeskSession.ended_at.is_(None))
        .values(ended_at=now)
        .execution_options(synchronize_session=False)
    )


def csrf_token(key: bytes, session_token: str) -> str:
    """The token every form of a session carries: tied to the session, so another site cannot know it."""
    return hmac.new(key, b"desk csrf\0" + session_token.encode(), hashlib.sha256).hexdigest()


def csrf_matches(key: bytes, session_token: str, given: str) -> bool:
    return hmac.compare_digest(csrf_token(key, session_token), given)


def audit(
    session: AsyncSession,
    person: Person | None,
    action: str,
    target: str,
    *,
    page: str,
    now: datetime,
    detail: dict[str, Any] | None = None,
) -> None:
    """Write who did what, to what, from which page, in the caller's transaction."""
    session.add(
        AuditEntry(
            person_id=person.id if person else None,
            action=action,
            target=target,
            page=page[:300],
            detail=detail or {},
            created_at=now,
        )
    )
