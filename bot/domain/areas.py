"""How provinces and districts are named in a sentence.

Bangkok (กรุงเทพมหานคร) is a special administrative area, not a province in the everyday sense: it is never
"จังหวัดกรุงเทพมหานคร", and its districts are khet (เขต), not amphoe (อำเภอ). Thai sentences name a province
with its "จังหวัด" prefix ("ประเด็นนโยบายสำคัญของจังหวัดเชียงราย"); English ones by its name alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import localized
from storage.models import Agency, Province

BANGKOK_TH = "กรุงเทพมหานคร"
PROVINCE_WORD = "จังหวัด"
AMPHOE, KHET = "อำเภอ", "เขต"
PROVINCIAL_OFFICE = "provincial_office"
DAMRONGDHAMA_HOTLINE, BANGKOK_HOTLINE = "1567", "1555"


def is_bangkok(province_th: str) -> bool:
    return province_th == BANGKOK_TH


def province_title(name_th: str, name_en: str | None) -> str:
    """The province as a sentence names it: "จังหวัดเชียงราย", "กรุงเทพมหานคร"; "Chiang Rai" in English."""
    thai = name_th if is_bangkok(name_th) or name_th.startswith(PROVINCE_WORD) else PROVINCE_WORD + name_th
    return localized(thai, name_en)


def district_word(province_th: str) -> str:
    """เขต in Bangkok, อำเภอ elsewhere."""
    return KHET if is_bangkok(province_th) else AMPHOE


def district_title(province_th: str, district_th: str) -> str:
    """ "อำเภอเมืองเชียงราย", "เขตบางรัก" (district names are stored without the prefix)."""
    word = district_word(province_th)
    return district_th if district_th.startswith((AMPHOE, KHET)) else word + district_th


@dataclass(frozen=True)
class DataController:
    """Who holds a complaint's personal data (PDPA): the provincial office, or Bangkok's administration."""

    office: str
    contact: str | None  # the province's setting (provinces.data_contact); None: the complaint hotline
    hotline: str


async def data_controller(session: AsyncSession, province_id: int) -> DataController | None:
    province = await session.get(Province, province_id)
    if province is None:
        return None
    office = await session.scalar(
        select(Agency).where(
            Agency.province_id == province_id, Agency.district_id.is_(None), Agency.code == PROVINCIAL_OFFICE
        )
    )
    name = localized(office.name_th, office.name_en) if office else province_title(province.name_th, province.name_en)
    hotline = BANGKOK_HOTLINE if is_bangkok(province.name_th) else DAMRONGDHAMA_HOTLINE
    return DataController(name, province.data_contact, hotline)
