"""Which agency takes a complaint.

An agenda-subject complaint goes to the agenda's owner agency. A local road or waste complaint goes to the local
government (เทศบาล, อบต.) recorded as serving its subdistrict (bot/domain/local_government.py). Otherwise the agency
route for the category in the complaint's district, then the province-wide route for the category, and finally the
province's Damrongdhama centre (ศูนย์ดำรงธรรม), which takes every complaint no one else is set up for.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.local_government import LOCAL_CATEGORIES, local_government_of
from storage.models import Agency, AgencyRoute, Agenda, ComplaintCategory

DAMRONGDHAMA = "damrongdhama"


async def route_agency(
    session: AsyncSession,
    *,
    province_id: int,
    district_id: int | None,
    category_id: int | None,
    agenda_id: int | None = None,
    subdistrict_id: int | None = None,
) -> int | None:
    """The id of the agency a new complaint goes to (None only if the province has no Damrongdhama centre)."""
    if agenda_id is not None:
        owner = await session.scalar(select(Agenda.owner_agency_id).where(Agenda.id == agenda_id))
        if owner is not None:
            return int(owner)
    if category_id is not None and subdistrict_id is not None:
        code = await session.scalar(select(ComplaintCategory.code).where(ComplaintCategory.id == category_id))
        local = await local_government_of(session, subdistrict_id) if code in LOCAL_CATEGORIES else None
        if local is not None:
            return local.id
    if category_id is not None:
        routed = await _route(session, category_id, province_id, district_id)
        if routed is not None:
            return routed
    centre = await session.scalar(
        select(Agency.id).where(
            Agency.code == DAMRONGDHAMA, Agency.province_id == province_id, Agency.district_id.is_(None)
        )
    )
    return int(centre) if centre is not None else None


async def _route(session: AsyncSession, category_id: int, province_id: int, district_id: int | None) -> int | None:
    base = select(AgencyRoute.agency_id).where(
        AgencyRoute.category_id == category_id, AgencyRoute.province_id == province_id
    )
    if district_id is not None:
        found = await session.scalar(base.where(AgencyRoute.district_id == district_id))
        if found is not None:
            return int(found)
    found = await session.scalar(base.where(AgencyRoute.district_id.is_(None)))
    return int(found) if found is not None else None
