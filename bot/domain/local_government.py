"""Local government (องค์กรปกครองส่วนท้องถิ่น): the เทศบาล or อบต. that serves a subdistrict repairs its local roads
and collects its waste, so those complaints go to it where the secretariat has recorded which one serves the
complaint's subdistrict. Recording them: `hpp-bot agency add-local` (bot/cli/agencies.py)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.values import BadValue
from storage.models import Agency, LocalGovernmentArea, Subdistrict

LOCAL_GOVERNMENT = "local_government"  # the agencies' code; they belong to a province, not to one district
LOCAL_CATEGORIES = frozenset({"roads", "waste"})  # the complaint categories that are local government's work


async def local_government_of(session: AsyncSession, subdistrict_id: int) -> Agency | None:
    query = (
        select(Agency)
        .join(LocalGovernmentArea, LocalGovernmentArea.agency_id == Agency.id)
        .where(LocalGovernmentArea.subdistrict_id == subdistrict_id)
    )
    return await session.scalar(query)


async def local_governments_near(
    session: AsyncSession, *, subdistrict_id: int | None, district_id: int | None
) -> Sequence[Agency]:
    """The local government of the subdistrict, else those serving the district's subdistricts (re-routing)."""
    query = select(Agency).join(LocalGovernmentArea, LocalGovernmentArea.agency_id == Agency.id)
    if subdistrict_id is not None and await local_government_of(session, subdistrict_id) is not None:
        query = query.where(LocalGovernmentArea.subdistrict_id == subdistrict_id)
    elif district_id is not None:
        query = query.join(Subdistrict, Subdistrict.id == LocalGovernmentArea.subdistrict_id).where(
            Subdistrict.district_id == district_id
        )
    else:
        return []
    return (await session.scalars(query.distinct().order_by(Agency.id))).all()


async def add_local_government(
    session: AsyncSession,
    *,
    province_id: int,
    name_th: str,
    name_en: str,
    short_th: str | None,
    subdistricts: Sequence[Subdistrict],
) -> Agency:
    """The local government of that name (added if new), serving `subdistricts`; BadValue, with nothing changed,
    when one of them is served by another already."""
    agency = await session.scalar(
        select(Agency).where(
            Agency.province_id == province_id, Agency.code == LOCAL_GOVERNMENT, Agency.name_th == name_th
        )
    )
    for subdistrict in subdistricts:
        serving = await local_government_of(session, subdistrict.id)
        if serving is not None and (agency is None or serving.id != agency.id):
            raise BadValue(f"ต.{subdistrict.name_th} is served by {serving.name_th} already")
    if agency is None:
        agency = Agency(
            code=LOCAL_GOVERNMENT,
            name_th=name_th,
            name_en=name_en or name_th,
            short_name_th=short_th,
            province_id=province_id,
            district_id=None,
        )
        session.add(agency)
        await session.flush()
    served = set(
        await session.scalars(
            select(LocalGovernmentArea.subdistrict_id).where(LocalGovernmentArea.agency_id == agency.id)
        )
    )
    session.add_all(
        LocalGovernmentArea(agency_id=agency.id, subdistrict_id=s.id) for s in subdistricts if s.id not in served
    )
    await session.flush()
    return agency
