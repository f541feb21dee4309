"""The places a page works on: the province picker of the national team, and the choices of a province's
districts, agencies and partner sectors that forms offer.

A provincial person always works on their own province; only the national secretariat picks one (`?province=`)
or none (the whole country)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData, QueryParams

from bot.core.i18n import localized
from bot.domain import scope
from storage.models import Agency, Complaint, District, PartnerSector, Person, Province

Choices = Sequence[tuple[int, str]]


def number(value: object) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() else None


def picked_province(person: Person, params: QueryParams | FormData) -> int | None:
    """The province a page shows: the person's own, or for the national team the one picked (None: all)."""
    if scope.is_national(person):
        return number(params.get("province"))
    return person.province_id


def form_province(person: Person, values: QueryParams | FormData) -> int | None:
    """The province a form acts for, as `picked_province`; a provincial person naming another is OutOfScope."""
    province_id = picked_province(person, values)
    asked = number(values.get("province"))
    if asked not in (None, province_id):
        raise OutOfScope(asked)
    return province_id


def complaints_where(person: Person, province_id: int | None) -> ColumnElement[bool]:
    """The person's complaints, narrowed to the picked province for the national team."""
    handled = scope.handled_by(person)
    if scope.is_national(person) and province_id is not None:
        return and_(handled, Complaint.province_id == province_id)
    return handled


async def province_choices(session: AsyncSession) -> Choices:
    provinces = (await session.scalars(select(Province).order_by(Province.name_th))).all()
    return [(p.id, localized(p.name_th, p.name_en)) for p in provinces]


async def province_name(session: AsyncSession, province_id: int | None) -> str:
    province = await session.get(Province, province_id) if province_id is not None else None
    return localized(province.name_th, province.name_en) if province else ""


@dataclass(frozen=True)
class AreaChoices:
    """What a form of one province offers (nothing but sectors when no province is chosen)."""

    districts: Choices
    agencies: Choices
    sectors: Choices


async def area_choices(session: AsyncSession, province_id: int | None) -> AreaChoices:
    sectors = (await session.scalars(select(PartnerSector).order_by(PartnerSector.position))).all()
    sector_choices = [(s.id, localized(s.name_th, s.name_en)) for s in sectors]
    if province_id is None:
        return AreaChoices([], [], sector_choices)
    districts = await session.scalars(
        select(District).where(District.province_id == province_id).order_by(District.name_th)
    )
    agencies = await session.scalars(
        select(Agency).where(Agency.province_id == province_id).order_by(Agency.district_id, Agency.name_th)
    )
    return AreaChoices(
        [(d.id, d.name_th) for d in districts.all()],
        [(a.id, localized(a.name_th, a.name_en)) for a in agencies.all()],
        sector_choices,
    )


async def form_context(session: AsyncSession, person: Person, province_id: int | None) -> dict[str, object]:
    """What a page with a province's forms shows: its name, the choices of its forms, and the national team's
    province picker."""
    return {
        "province_id": province_id,
        "area": await province_name(session, province_id),
        "choices": await area_choices(session, province_id),
        "provinces": await province_choices(session) if scope.is_national(person) else [],
    }


class OutOfScope(LookupError):
    """A district, agency or province that is not the person's to choose: answered 404 like a missing page."""


async def district_in(session: AsyncSession, district_id: int | None, province_id: int | None) -> int | None:
    if district_id is None:
        return None
    district = await session.get(District, district_id)
    if district is None or province_id is None or district.province_id != province_id:
        raise OutOfScope(district_id)
    return district.id


async def agency_in(session: AsyncSession, agency_id: int | None, province_id: int | None) -> Agency | None:
    if agency_id is None:
        return None
    agency = await session.get(Agency, agency_id)
    if agency is None or province_id is None or agency.province_id != province_id:
        raise OutOfScope(agency_id)
    return agency
