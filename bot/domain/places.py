"""Places: a shared location turned into province, district and subdistrict; a typed province or district name
(fuzzy, for citizens); and the exact look-ups of provinces, districts and agencies staff and scripts type.

The subdistrict centroids (storage/data/thai_admin_areas.csv, from `thaiaddress`, Apache-2.0, (c) 2020 Titipat
Achakulvisut) and the country outlines (storage/data/country_outlines.csv, Natural Earth, public domain) are read-only
reference data: they are loaded once per process and looked up in memory. Only the final names are resolved to
database ids, by their natural keys, so the cache never holds ids of one particular database.
"""

from __future__ import annotations

import csv
import difflib
import enum
import math
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.numbers import parse_id
from bot.domain.local_government import LOCAL_GOVERNMENT
from storage.models import Agency, Agenda, Complaint, District, Person, Province, Subdistrict
from storage.seed import DATA_DIR, read_admin_areas, read_provinces

OUTLINES_CSV = DATA_DIR / "country_outlines.csv"
EARTH_RADIUS_KM = 6371.0
MAX_CENTROID_KM = 60.0  # farther than this from every subdistrict centre is not in Thailand
THAILAND_BOX = (5.6, 20.5, 97.3, 105.7)  # south, north, west, east
THAILAND = "TH"
MAX_MATCHES = 12
MAX_SUGGESTIONS = 5
_PREFIXES = ("จังหวัด", "จ.", "อำเภอ", "อ.", "เขต", "changwat", "province", "amphoe", "amphur", "district")
_SUFFIXES = ("province", "district")
_MUEANG = ("mueang", "muang", "mueng", "muaeng")
DISTRICT_PREFIXES = ("อำเภอ", "อ.", "เขต")
PROVINCE_PREFIXES = ("จังหวัด", "จ.")


class LocationProblem(enum.StrEnum):
    OUT_OF_RANGE = "out_of_range"  # not a latitude/longitude at all
    OUTSIDE_THAILAND = "outside_thailand"


@dataclass(frozen=True)
class Centroid:
    province: str
    district: str
    subdistrict: str
    postcode: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Located:
    """The subdistrict whose centre is nearest to a shared location."""

    centroid: Centroid
    distance_km: float


@dataclass(frozen=True)
class PlaceIds:
    province_id: int
    district_id: int | None = None
    subdistrict_id: int | None = None


@dataclass(frozen=True)
class PlaceName:
    """A province, or a district of a province, by Thai names."""

    province: str
    district: str | None = None


@dataclass(frozen=True)
class PlaceSearch:
    matches: list[PlaceName]  # what the typed text names (one: take it; several: let the person choose)
    suggestions: list[PlaceName]  # close spellings, when nothing matched


# ---------------------------------------------------------------- reference data, loaded once


@cache
def centroids() -> tuple[Centroid, ...]:
    """Every subdistrict with a known centre (137 have none and are left out)."""
    return tuple(
        Centroid(r.province, r.district, r.subdistrict, r.postcode, r.latitude, r.longitude)
        for r in read_admin_areas()
        if r.latitude is not None and r.longitude is not None
    )


@cache
def outlines() -> dict[str, tuple[tuple[tuple[float, float], ...], ...]]:
    """Country code -> rings of (longitude, latitude)."""
    rings: dict[str, dict[int, list[tuple[float, float]]]] = defaultdict(lambda: defaultdict(list))
    with OUTLINES_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            rings[row["country"]][int(row["ring"])].append((float(row["longitude"]), float(row["latitude"])))
    return {country: tuple(tuple(ring) for ring in by_index.values()) for country, by_index in rings.items()}


@dataclass(frozen=True)
class _Names:
    provinces: dict[str, tuple[str, str, str]]  # Thai name -> (Thai, English, code)
    districts: dict[str, tuple[str, ...]]  # province Thai name -> its district names


@cache
def _names() -> _Names:
    provinces = {p["name_th"]: (p["name_th"], p["name_en"], p["code"]) for p in read_provinces()}
    districts: dict[str, list[str]] = defaultdict(list)
    for row in read_admin_areas():
        if row.district not in districts[row.province]:
            districts[row.province].append(row.district)
    return _Names(provinces, {name: tuple(items) for name, items in districts.items()})


# ---------------------------------------------------------------- a shared location


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def nearest_centroid(latitude: float, longitude: float) -> Located:
    best = min(centroids(), key=lambda c: _rough_distance(latitude, longitude, c))
    return Located(best, haversine_km(latitude, longitude, best.latitude, best.longitude))


def _rough_distance(latitude: float, longitude: float, c: Centroid) -> float:
    """Squared equirectangular distance: orders points like the haversine does at this scale, much cheaper."""
    dx = (c.longitude - longitude) * math.cos(math.radians(latitude))
    return dx * dx + (c.latitude - latitude) ** 2


def _inside(latitude: float, longitude: float, rings: Sequence[Sequence[tuple[float, float]]]) -> bool:
    """Even-odd ray casting over all rings of a country."""
    inside = False
    for ring in rings:
        for (x1, y1), (x2, y2) in zip(ring, (ring[-1], *ring[:-1]), strict=True):
            if (y1 > latitude) != (y2 > latitude) and longitude < x1 + (latitude - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside


def in_neighbouring_country(latitude: float, longitude: float) -> bool:
    """Inside a neighbour's outline and not Thailand's (a point at sea off the coast is neither)."""
    shapes = outlines()
    if _inside(latitude, longitude, shapes[THAILAND]):
        return False
    return any(_inside(latitude, longitude, rings) for code, rings in shapes.items() if code != THAILAND)


def locate(latitude: float, longitude: float) -> Located | LocationProblem:
    """The subdistrict of a shared location, or why it cannot be used."""
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        return LocationProblem.OUT_OF_RANGE
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return LocationProblem.OUT_OF_RANGE
    south, north, west, east = THAILAND_BOX
    if not (south <= latitude <= north and west <= longitude <= east):
        return LocationProblem.OUTSIDE_THAILAND
    located = nearest_centroid(latitude, longitude)
    if located.distance_km > MAX_CENTROID_KM or in_neighbouring_country(latitude, longitude):
        return LocationProblem.OUTSIDE_THAILAND
    return located


async def place_ids(
    session: AsyncSession, province: str, district: str | None = None, subdistrict: tuple[str, str] | None = None
) -> PlaceIds | None:
    """Database ids of places named in Thai; `subdistrict` is (name, postcode)."""
    province_id = await session.scalar(select(Province.id).where(Province.name_th == province))
    if province_id is None:
        return None
    district_id = None
    if district is not None:
        district_id = await session.scalar(
            select(District.id).where(District.province_id == province_id, District.name_th == district)
        )
    subdistrict_id = None
    if district_id is not None and subdistrict is not None:
        subdistrict_id = await session.scalar(
            select(Subdistrict.id).where(
                Subdistrict.district_id == district_id,
                Subdistrict.name_th == subdistrict[0],
                Subdistrict.postcode == subdistrict[1],
            )
        )
    return PlaceIds(province_id, district_id, subdistrict_id)


async def located_ids(session: AsyncSession, located: Located) -> PlaceIds | None:
    c = located.centroid
    return await place_ids(session, c.province, c.district, (c.subdistrict, c.postcode))


# ---------------------------------------------------------------- typed names


def squash(text: str) -> str:
    """Lower case without a leading "จ."/"อ."/"province", spaces, dots or dashes: "อ. เมือง เชียงราย" ->
    "เมืองเชียงราย". Thai vowel and tone marks are kept (they are letters' marks, not punctuation)."""
    text = unicodedata.normalize("NFC", text).strip().casefold()
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES:
            if text.startswith(prefix):
                text, changed = text[len(prefix) :].lstrip(" .:"), True
        for suffix in _SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                text, changed = text[: -len(suffix)].rstrip(), True
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PZ")


def search_places(text: str, *, province: str | None = None) -> PlaceSearch:
    """Provinces and districts named by `text` (Thai or English province names, Thai district names).

    Exact names win; then names that contain the text; when nothing matches, the closest spellings are
    suggested. With `province`, only that province's districts are searched.
    """
    typed = squash(text)
    if not typed:
        return PlaceSearch([], [])
    index = _search_index(province)
    exact = [place for key, place in index if key == typed]
    exact += _mueang_of(typed, province)
    if exact:
        return PlaceSearch(_unique(exact)[:MAX_MATCHES], [])
    if len(typed) >= 2:
        partial = _unique([place for key, place in index if typed in key])
        if partial:
            partial.sort(key=lambda place: place.district is not None)  # provinces first
            return PlaceSearch(partial[:MAX_MATCHES], [])
    keys = [key for key, _place in index]
    close = difflib.get_close_matches(typed, keys, n=MAX_SUGGESTIONS * 2, cutoff=0.5)
    suggestions = _unique([place for key in close for k, place in index if k == key])
    return PlaceSearch([], suggestions[:MAX_SUGGESTIONS])


def _search_index(province: str | None) -> list[tuple[str, PlaceName]]:
    names = _names()
    entries: list[tuple[str, PlaceName]] = []
    for name_th, (_th, name_en, code) in names.provinces.items():
        if province is None:
            entries += [(squash(name_th), PlaceName(name_th)), (squash(name_en), PlaceName(name_th))]
            entries.append((code.casefold(), PlaceName(name_th)))
        if province is None or province == name_th:
            entries += [(squash(d), PlaceName(name_th, d)) for d in names.districts.get(name_th, ())]
    return entries


def _mueang_of(typed: str, province: str | None) -> list[PlaceName]:
    """ "Mueang Chiang Rai" (English) -> อ.เมืองเชียงราย."""
    for word in _MUEANG:
        if typed.startswith(word):
            rest = typed[len(word) :]
            for name_th, (_th, name_en, _code) in _names().provinces.items():
                district = f"เมือง{name_th}"
                wanted = province is None or province == name_th
                if wanted and squash(name_en) == rest and district in _names().districts.get(name_th, ()):
                    return [PlaceName(name_th, district)]
    return []


def _unique(places: list[PlaceName]) -> list[PlaceName]:
    return list(dict.fromkeys(places))


def province_names() -> dict[str, tuple[str, str, str]]:
    """Thai name -> (Thai, English, code) of the 77 provinces."""
    return _names().provinces


@dataclass(frozen=True)
class ProvinceSearch:
    matches: list[Province]  # names that contain what was typed
    suggestions: list[Province]  # close spellings, when nothing matched


async def search_provinces(session: AsyncSession, typed: str) -> ProvinceSearch:
    """Exact name or code first; then names containing the text; else the closest spellings (the same search
    as the complaint form's, provinces only)."""
    found = search_places(typed)
    by_name = {p.name_th: p for p in (await session.scalars(select(Province))).all()}

    def provinces(places: Sequence[PlaceName]) -> list[Province]:
        names = dict.fromkeys(place.province for place in places)  # a district named leads to its province
        return [by_name[name] for name in names if name in by_name]

    return ProvinceSearch(provinces(found.matches), provinces(found.suggestions))


async def home_province_id(session: AsyncSession, person: Person) -> int | None:
    """The person's province, or the province of their latest ticket."""
    if person.province_id is not None:
        return person.province_id
    return await session.scalar(
        select(Complaint.province_id)
        .where(Complaint.person_id == person.id)
        .order_by(Complaint.created_at.desc(), Complaint.id.desc())
        .limit(1)
    )


async def provinces_with_agendas(session: AsyncSession) -> Sequence[Province]:
    """Provinces that have an active agenda, by Thai name."""
    query = (
        select(Province)
        .where(Province.id.in_(select(Agenda.province_id).where(Agenda.is_active.is_(True))))
        .order_by(Province.name_th)
    )
    return (await session.scalars(query)).all()


# ---------------------------------------------------------------- exact look-ups (staff, scripts, imports)


def _strip_prefix(text: str, prefixes: tuple[str, ...]) -> str:
    text = text.strip()
    for prefix in prefixes:
        if text.startswith(prefix):
            return text[len(prefix) :].strip()
    return text


async def find_province(session: AsyncSession, text: str) -> Province | None:
    """By Thai name ("เชียงราย", "จังหวัดเชียงราย"), English name (any case) or three-letter code ("CRI")."""
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
    agency_id = parse_id(text)
    if agency_id is not None:
        agency = await session.get(Agency, agency_id)
        return agency if agency is not None and agency.province_id == province_id else None
    query = select(Agency).where(Agency.province_id == province_id, Agency.code == text)
    query = query.where(Agency.district_id == district_id if district_id else Agency.district_id.is_(None))
    return await session.scalar(query)


async def agencies_for(session: AsyncSession, province_id: int, district_id: int | None = None) -> Sequence[Agency]:
    """The provincial agencies of a province, and the district's own agencies when a district is given (local
    governments, many to a province, are offered by the subdistricts they serve: bot/domain/local_government.py)."""
    scope: ColumnElement[bool] = Agency.district_id.is_(None)
    if district_id is not None:
        scope = or_(scope, Agency.district_id == district_id)
    query = (
        select(Agency)
        .where(Agency.province_id == province_id, scope, Agency.code != LOCAL_GOVERNMENT)
        .order_by(Agency.district_id, Agency.id)
    )
    return (await session.scalars(query)).all()
