"""Looking up provinces, districts and agencies by what people type (Thai or English name, code or id)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Agency, District, Province

DISTRICT_PREFIXES = ("อำเภอ", "อ.", "เขต")
PROVINCE_PREFIXES = ("จังหวัด", "จ.")


def _strip_prefix(text: str, prefixes: tuple[str, ...]) -> str:
    text = text.strip()
    for prefix in prefixes:
        if text.startswith(prefix):
            return text[len(prefix) :].strip()
    return text


async def find_province(session: AsyncSession, text: str) -> Province | None:
    """By Thai name ("เชียงราย", "จังหวัดเชียงราย"), English name or three-letter code ("CRI")."""
    name = _strip_prefix(text, PROVINCE_PREFIXES)
    if not name:
        return None
    return await session.scalar(
        select(Province).where(
            or_(
                Province.name_th == name,
                func.lower(Province.name_en) == name.lower(),
                Province.code == name.upper(),
            )
        )
    )


async def find_district(session: AsyncSession, province_id: int, text: str) -> District | None:
    """A district of the province by Thai name, with or without "อำเภอ"."""
    name = _strip_prefix(text, DISTRICT_PREFIXES)
    if not name:
        return None
    return await session.scalar(select(District).where(District.province_id == province_id, District.name_th == name))


async def find_agency(
    session: AsyncSession, province_id: int, text: str, district_id: int | None = None
) -> Agency | None:
    """An agency of the province by id or by kind code ("natural_resources"; for "district_office", the one of
    `district_id`)."""
    text = text.strip()
    if text.isdigit():
        agency = await session.get(Agency, int(text))
        return agency if agency is not None and agency.province_id == province_id else None
    query = select(Agency).where(Agency.province_id == province_id, Agency.code == text)
    query = query.where(Agency.district_id == district_id if district_id else Agency.district_id.is_(None))
    return await session.scalar(query)


async def agencies_for(session: AsyncSession, province_id: int, district_id: int | None = None) -> Sequence[Agency]:
    """The provincial agencies of a province, and the district's own agencies when a district is given."""
    scope: ColumnElement[bool] = Agency.district_id.is_(None)
    if district_id is not None:
        scope = or_(scope, Agency.district_id == district_id)
    query = select(Agency).where(Agency.province_id == province_id, scope).order_by(Agency.district_id, Agency.id)
    return (await session.scalars(query)).all()
