"""What a person may say about themselves (issue 12): their partner sector, declared once (in "My data", at
officer registration, or by the invite), and, for a citizen, their province: the one they last filed a complaint
in, or the one they chose. The province decides which province-wide broadcasts reach them, together with the
"province news" consent (bot/domain/consents.py)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import PartnerSector, Person, Province, Role


async def declare_sector(session: AsyncSession, person: Person, sector_id: int) -> bool:
    """Set the person's sector; False when they declared one before or there is no such sector."""
    if person.sector_id is not None or await session.get(PartnerSector, sector_id) is None:
        return False
    person.sector_id = sector_id
    return True


async def choose_province(session: AsyncSession, person: Person, province_id: int) -> bool:
    """A citizen's own choice of province; False for staff (their scope is the secretariat's) or no such one."""
    if person.role != Role.CITIZEN or await session.get(Province, province_id) is None:
        return False
    person.province_id = province_id
    return True
