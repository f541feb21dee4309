"""What of a complaint the public may see (PDPA): the one rule every public page, download and the Open311 API use.

A complaint's text, its place and its photos are public only where the citizen consented to publication (photos:
to showing photos as well) and did not file anonymously; a place is rounded to about 100 m. Its ticket number,
subject, status, dates, district and agency are public for every complaint. Names, phone numbers and platform ids
are never public: nothing here reads them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, and_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import BANGKOK
from bot.domain.tickets import OPEN_STATUSES
from storage.models import (
    Agency,
    Agenda,
    Complaint,
    ComplaintCategory,
    ComplaintEvent,
    ComplaintPhoto,
    ComplaintStatus,
    ContactMode,
    District,
    Media,
    PhotoKind,
    Province,
)

POSITION_DECIMALS = 3  # 0.001° is about 111 m of latitude (less of longitude): "about 100 m"
AGENDA_PREFIX = "agenda-"
PHOTO_PATH = "/p/photos/"
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(name_en: str) -> str:
    """Chiang Rai -> chiang-rai: a province in a URL."""
    return _NOT_SLUG.sub("-", name_en.lower()).strip("-")


async def find_jurisdiction(session: AsyncSession, ref: str) -> Province | None:
    """A province by its code (CRI, any case) or its English name's slug (chiang-rai)."""
    ref = ref.strip()
    if not ref or len(ref) > 80:
        return None
    if len(ref) == 3 and ref.isalpha():
        found = await session.scalar(select(Province).where(Province.code == ref.upper()))
        if found is not None:
            return found
    wanted = slug(ref)
    provinces = (await session.scalars(select(Province).order_by(Province.id))).all()
    return next((p for p in provinces if slug(p.name_en) == wanted), None)


def public_status_url(public_base_url: str | None, ticket_no: str) -> str | None:
    """The ticket's public status page (/p/t/{ticket}), where the public address is known."""
    return f"{public_base_url}/p/t/{ticket_no}" if public_base_url else None


def photo_path(media_id: int) -> str:
    """A complaint photo's public address: served only while its complaint has photo consent (`consented_photo`),
    so a withdrawal applies to every page, download and API answer that ever linked it."""
    return f"{PHOTO_PATH}{media_id}"


async def consented_photo(session: AsyncSession, media_id: int) -> Media | None:
    """The photo, if it is a citizen's photo of a complaint that may be shown in public with its photos."""
    shown = (
        select(ComplaintPhoto.media_id)
        .join(Complaint, Complaint.id == ComplaintPhoto.complaint_id)
        .where(
            ComplaintPhoto.media_id == media_id,
            ComplaintPhoto.kind == PhotoKind.BEFORE.value,
            Complaint.photo_consent.is_(True),
            publishable(),
        )
    )
    return await session.scalar(select(Media).where(Media.id == media_id, Media.id.in_(shown)))


def is_publishable(complaint: Complaint) -> bool:
    return complaint.publish_consent and complaint.contact_mode != ContactMode.ANONYMOUS


def publishable() -> ColumnElement[bool]:
    """The SQL form of `is_publishable`. An equality, not IS TRUE: the indexes of migration 0016 serve it."""
    return and_(Complaint.publish_consent == true(), Complaint.contact_mode != ContactMode.ANONYMOUS.value)


def rounded(value: float | None) -> float | None:
    return None if value is None else round(value, POSITION_DECIMALS)


def is_open(status: str) -> bool:
    return ComplaintStatus(status) in OPEN_STATUSES


def service_code_of(category_code: str | None, agenda_id: int | None) -> str:
    """A complaint's subject as an Open311 service code: its agenda's (agenda-12), else its category's code."""
    if agenda_id is not None:
        return f"{AGENDA_PREFIX}{agenda_id}"
    return category_code or "other"


def end_of_day(day: date) -> datetime:
    """The answer date as a moment: the end of that day in Bangkok."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=BANGKOK).astimezone(UTC)


@dataclass(frozen=True)
class PublicComplaint:
    """A complaint as the public sees it: the private parts are already left out (None)."""

    ticket_no: str
    status: str
    service_code: str
    subject_th: str
    subject_en: str
    province_code: str
    province_th: str
    district_th: str | None
    agency_th: str | None
    agency_en: str | None
    requested_at: datetime
    updated_at: datetime
    due_on: date
    resolved_at: datetime | None
    rating: int | None
    description: str | None  # only with publication consent
    latitude: float | None  # rounded; only with publication consent
    longitude: float | None
    photo_ids: tuple[int, ...] = ()  # only with photo consent as well
    media_url: str | None = None  # the photo address an Open311 client gave; only with photo consent as well

    @property
    def is_open(self) -> bool:
        return is_open(self.status)

    @property
    def days_taken(self) -> int | None:
        if self.resolved_at is None:
            return None
        return max(0, (self.resolved_at - self.requested_at).days)


async def to_public(session: AsyncSession, complaints: Sequence[Complaint]) -> list[PublicComplaint]:
    """The public form of `complaints`, their names looked up in a few queries whatever their number."""
    if not complaints:
        return []
    names = await _Names.load(session, complaints)
    return [names.public(c) for c in complaints]


@dataclass
class _Names:
    categories: dict[int, ComplaintCategory]
    agendas: dict[int, Agenda]
    districts: dict[int, District]
    agencies: dict[int, Agency]
    provinces: dict[int, Province]
    photos: dict[int, list[int]]

    @classmethod
    async def load(cls, session: AsyncSession, complaints: Sequence[Complaint]) -> _Names:
        async def by_id(model: type[Any], ids: set[int | None]) -> dict[int, Any]:
            wanted = {i for i in ids if i is not None}
            if not wanted:
                return {}
            return {row.id: row for row in (await session.scalars(select(model).where(model.id.in_(wanted)))).all()}

        photo_ids: dict[int, list[int]] = {}
        shown = [c.id for c in complaints if c.photo_consent and is_publishable(c)]
        if shown:
            rows = await session.execute(
                select(ComplaintPhoto.complaint_id, ComplaintPhoto.media_id)
                .where(ComplaintPhoto.complaint_id.in_(shown), ComplaintPhoto.kind == PhotoKind.BEFORE.value)
                .order_by(ComplaintPhoto.id)
            )
            for complaint_id, media_id in rows:
                photo_ids.setdefault(complaint_id, []).append(media_id)
        return cls(
            categories=await by_id(ComplaintCategory, {c.category_id for c in complaints}),
            agendas=await by_id(Agenda, {c.agenda_id for c in complaints}),
            districts=await by_id(District, {c.district_id for c in complaints}),
            agencies=await by_id(Agency, {c.agency_id for c in complaints}),
            provinces=await by_id(Province, {c.province_id for c in complaints}),
            photos=photo_ids,
        )

    def public(self, c: Complaint) -> PublicComplaint:
        category = self.categories.get(c.category_id) if c.category_id else None
        agenda = self.agendas.get(c.agenda_id) if c.agenda_id else None
        agency = self.agencies.get(c.agency_id) if c.agency_id else None
        district = self.districts.get(c.district_id) if c.district_id else None
        province = self.provinces[c.province_id]
        shown = is_publishable(c)
        return PublicComplaint(
            ticket_no=c.ticket_no,
            status=c.status,
            service_code=service_code_of(category.code if category else None, agenda.id if agenda else None),
            subject_th=agenda.title_th if agenda else (category.name_th if category else "-"),
            subject_en=(agenda.title_en or agenda.title_th) if agenda else (category.name_en if category else "-"),
            province_code=province.code,
            province_th=province.name_th,
            district_th=district.name_th if district else None,
            agency_th=agency.name_th if agency else None,
            agency_en=agency.name_en if agency else None,
            requested_at=c.created_at,
            updated_at=c.updated_at,
            due_on=c.due_on,
            resolved_at=c.resolved_at,
            rating=c.rating,
            description=c.description if shown else None,
            latitude=rounded(c.latitude) if shown else None,
            longitude=rounded(c.longitude) if shown else None,
            photo_ids=tuple(self.photos.get(c.id, ())),
            media_url=c.media_url if shown and c.photo_consent else None,
        )


async def closing_notes(session: AsyncSession, complaints: Sequence[Complaint]) -> dict[int, str]:
    """The agency's note with each ticket's latest resolution, by complaint id."""
    ids = [c.id for c in complaints]
    if not ids:
        return {}
    rows = await session.execute(
        select(ComplaintEvent.complaint_id, ComplaintEvent.note)
        .where(ComplaintEvent.complaint_id.in_(ids), ComplaintEvent.status == ComplaintStatus.RESOLVED.value)
        .order_by(ComplaintEvent.id)
    )
    return {complaint_id: note for complaint_id, note in rows if note}
