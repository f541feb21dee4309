"""Invite codes: how officers and secretariat members join.

A code is 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L), so about 10^12 possibilities;
it is single use, expires, and is typed case-insensitively. Wrong codes are counted per person: after
`MAX_WRONG_CODES` within `THROTTLE_WINDOW`, further attempts are refused until the window has passed.
"""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from storage.models import FailedAttempt, Invite, Person, Role

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
MAX_WRONG_CODES = 5
THROTTLE_WINDOW = timedelta(minutes=15)
ATTEMPT_KIND = "invite_code"
DEFAULT_EXPIRY = timedelta(days=7)
INVITE_ROLES = (Role.OFFICER.value, Role.SECRETARIAT.value, Role.WORKING_GROUP.value)
REGISTER_WORD = "register"  # the command word in deep links (ASCII, so it survives URL encoding everywhere)
TELEGRAM_START_PREFIX = "register-"  # Telegram deep links: /start register-CODE


class RedeemStatus(enum.StrEnum):
    JOINED = "joined"
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    THROTTLED = "throttled"


@dataclass(frozen=True)
class RedeemResult:
    status: RedeemStatus
    invite: Invite | None = None
    retry_at: datetime | None = None  # when THROTTLED: the first moment a new attempt is accepted


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """What people type: any case, spaces or dashes in between."""
    return "".join(ch for ch in text.upper() if ch not in " -_\t")


def looks_like_code(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(ch in ALPHABET for ch in code)


async def create_invite(
    session: AsyncSession,
    *,
    role: str,
    province_id: int | None,
    district_id: int | None = None,
    agency_id: int | None = None,
    expires_at: datetime,
    created_by_id: int | None = None,
    sector_id: int | None = None,
    working_group_id: int | None = None,
) -> Invite:
    """A new unused code for this role and scope (a working-group member's scope is their group)."""
    if role not in INVITE_ROLES:
        raise ValueError(f"unknown role {role!r}")
    if (role == Role.WORKING_GROUP) != (working_group_id is not None):
        raise ValueError("a working-group invite, and only one, names its working group")
    code = new_code()
    while await session.scalar(select(Invite.id).where(Invite.code == code)) is not None:
        code = new_code()
    invite = Invite(
        code=code,
        role=role,
        province_id=province_id,
        district_id=district_id,
        agency_id=agency_id,
        expires_at=expires_at,
        created_by_id=created_by_id,
        sector_id=sector_id,
        working_group_id=working_group_id,
    )
    session.add(invite)
    await session.flush()
    return invite


async def throttled_until(session: AsyncSession, person: Person, now: datetime) -> datetime | None:
    """When the person may try a code again, or None if they may try now."""
    since = now - THROTTLE_WINDOW
    recent = select(func.count(), func.max(FailedAttempt.created_at)).where(
        FailedAttempt.person_id == person.id,
        FailedAttempt.kind == ATTEMPT_KIND,
        FailedAttempt.created_at > since,
    )
    count, latest = (await session.execute(recent)).one()
    if count < MAX_WRONG_CODES or latest is None:
        return None
    return latest + THROTTLE_WINDOW


async def redeem(session: AsyncSession, person: Person, typed: str, now: datetime) -> RedeemResult:
    """Use a code: the person takes the invite's role and scope. Only the first of two racing uses wins."""
    retry_at = await throttled_until(session, person, now)
    if retry_at is not None:
        return RedeemResult(RedeemStatus.THROTTLED, retry_at=retry_at)
    code = normalise_code(typed)
    invite = await session.scalar(select(Invite).where(Invite.code == code)) if looks_like_code(code) else None
    if invite is None:
        session.add(FailedAttempt(person_id=person.id, kind=ATTEMPT_KIND, created_at=now))
        return RedeemResult(RedeemStatus.UNKNOWN)
    if invite.used_at is not None:
        return RedeemResult(RedeemStatus.USED, invite)
    if invite.expires_at <= now:
        return RedeemResult(RedeemStatus.EXPIRED, invite)
    claimed = await session.execute(
        update(Invite)
        .where(Invite.id == invite.id, Invite.used_at.is_(None))
        .values(used_at=now, used_by_id=person.id)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount == 0:  # type: ignore[attr-defined]
        return RedeemResult(RedeemStatus.USED, invite)
    invite.used_at, invite.used_by_id = now, person.id
    apply_invite(person, invite)
    return RedeemResult(RedeemStatus.JOINED, invite)


def apply_invite(person: Person, invite: Invite) -> None:
    person.role = invite.role
    person.province_id = invite.province_id
    person.district_id = invite.district_id
    person.agency_id = invite.agency_id
    person.working_group_id = invite.working_group_id
    if invite.sector_id is not None and person.sector_id is None:  # a sector is declared once
        person.sector_id = invite.sector_id


async def appoint_secretariat(
    session: AsyncSession, channel: str, platform_user_id: str, province_id: int | None
) -> tuple[Person, bool]:
    """Make a chat user a secretariat member of a province (None: the national team), without a code and whether or
    not they have written to the bot yet: the installer's way in for the first members. Returns (person, created)."""
    person = await session.scalar(
        select(Person).where(Person.channel == channel, Person.platform_user_id == platform_user_id)
    )
    created = person is None
    if person is None:
        person = Person(
            channel=channel, platform_user_id=platform_user_id, chat_id=platform_user_id, locale="th", is_reachable=True
        )
        session.add(person)
    person.role = Role.SECRETARIAT
    person.province_id, person.district_id, person.agency_id = province_id, None, None
    await session.flush()
    return person, created


# ---------------------------------------------------------------- deep links


def line_link(code: str, basic_id: str | None) -> str | None:
    """A LINE link that opens the chat with "register CODE" typed in, if the bot's basic id is configured."""
    if not basic_id:
        return None
    return f"https://line.me/R/oaMessage/{quote(basic_id)}/?{quote(f'{REGISTER_WORD} {code}')}"


def telegram_link(code: str, username: str | None) -> str | None:
    """A Telegram link that starts the bot with the code as its start parameter."""
    username = (username or "").lstrip("@")
    if not username:
        return None
    return f"https://t.me/{username}?start={TELEGRAM_START_PREFIX}{code}"


def invite_links(code: str, settings: Settings) -> list[str]:
    links = (line_link(code, settings.line_bot_basic_id), telegram_link(code, settings.telegram_bot_username))
    return [link for link in links if link]
