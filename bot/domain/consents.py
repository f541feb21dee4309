"""Consents (PDPA B.E. 2562): handling a complaint is the province's public task and needs none; anything beyond
it does, each purpose on its own and freely refusable. Every answer is a `Consent` row with its time; a
withdrawal is a new row (`granted` false), so the history of what the person agreed to, and when, is kept."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Consent, Person

CONTACT_PHONE = "contact_phone"  # the agency may phone the complainant
PUBLISH_PHOTO = "publish_photo"  # complaint photos may be shown publicly, without a name
PURPOSE_CODES = (CONTACT_PHONE, PUBLISH_PHOTO)  # asked in the first-contact notice
# Asked on its own under "My data", never with the notice: a citizen gets the province's broadcasts only with it.
PROVINCE_NEWS = "province_news"
ALL_PURPOSES = (*PURPOSE_CODES, PROVINCE_NEWS)
RETENTION_YEARS = 5  # personal data is kept this long after the person's last ticket is closed


async def record_consent(session: AsyncSession, person: Person, purpose: str, granted: bool, now: datetime) -> Consent:
    if purpose not in ALL_PURPOSES:
        raise ValueError(f"unknown consent purpose {purpose!r}")
    consent = Consent(person_id=person.id, purpose=purpose, granted=granted, created_at=now)
    session.add(consent)
    await session.flush()
    return consent


async def withdraw_consent(session: AsyncSession, person: Person, purpose: str, now: datetime) -> Consent:
    """Record the withdrawal of a consent (a new row: the earlier grant stays in the history)."""
    return await record_consent(session, person, purpose, False, now)


async def current_consents(session: AsyncSession, person: Person) -> dict[str, bool]:
    """Each purpose's latest answer; a purpose never answered counts as not given."""
    state = dict.fromkeys(ALL_PURPOSES, False)
    for row in await consent_history(session, person):
        if row.purpose in state:
            state[row.purpose] = row.granted
    return state


async def consent_history(session: AsyncSession, person: Person) -> Sequence[Consent]:
    """Every answer and withdrawal, oldest first."""
    rows = await session.scalars(
        select(Consent).where(Consent.person_id == person.id).order_by(Consent.created_at, Consent.id)
    )
    return rows.all()


async def granted_purposes(session: AsyncSession, person: Person) -> list[str]:
    """The purposes the person has agreed to and not withdrawn."""
    return [purpose for purpose, granted in (await current_consents(session, person)).items() if granted]


def consented(purpose: str) -> Select[int]:
    """The ids of the people whose latest answer for `purpose` is a grant (for audience queries)."""
    latest = (
        select(Consent.person_id, func.max(Consent.id).label("last_id"))
        .where(Consent.purpose == purpose)
        .group_by(Consent.person_id)
        .subquery()
    )
    return select(Consent.person_id).join(latest, Consent.id == latest.c.last_id).where(Consent.granted.is_(True))
