"""How provinces and districts are named in a sentence.

Bangkok (กรุงเทพมหานคร) is a special administrative area, not a province in the everyday sense: it is never
"จังหวัดกรุงเทพมหานคร", and its districts are khet (เขต), not amphoe (อำเภอ). Thai sentences name a province
with its "จังหวัด" prefix ("ประเด็นนโยบายสำคัญของจังหวัดเชียงราย"); English ones by its name alone.
"""

from __future__ import annotations

from bot.core.i18n import localized

BANGKOK_TH = "กรุงเทพมหานคร"
PROVINCE_WORD = "จังหวัด"
AMPHOE, KHET = "อำเภอ", "เขต"


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
