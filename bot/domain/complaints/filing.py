"""Filing a complaint: everything is written in the step's one transaction, or nothing is.

The flow keeps the answers in its own state until the person confirms; `file_complaint` then writes the
complaint, its photos, the first history row (received), the ticket number, the due date and the routed agency.

Anonymous complaints keep `person_id`, so that the citizen can still follow the ticket and be told of every
change; "anonymous" means the agency is not shown the person's name or contact (contact_mode = anonymous, no
phone). Deleting one's data (the "my data" flow) removes the link altogether.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import BANGKOK
from bot.domain.alerts import Alert, alert_new_complaint
from bot.domain.complaints.answers import description_hash
from bot.domain.complaints.disclosure import consents
from bot.domain.complaints.numbering import allocate_ticket_no
from bot.domain.complaints.routing import route_agency
from bot.domain.tickets import record_status
from bot.settings import Settings
from storage.models import (
    Complaint,
    ComplaintPhoto,
    ComplaintStatus,
    ContactMode,
    Media,
    Person,
    PhotoKind,
    Province,
    Role,
)


@dataclass
class Draft:
    """The answers so far (the flow's JSON state)."""

    province_id: int | None = None
    district_id: int | None = None
    subdistrict_id: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    category_id: int | None = None
    agenda_id: int | None = None
    description: str | None = None
    photos: list[int] = field(default_factory=list)
    contact_mode: str = ContactMode.CHAT
    phone: str | None = None
    sector_id: int | None = None
    publish: bool = False  # may the description and rounded place be shown in public (asked; default no)
    show_photos: bool = False  # and the photos (asked only after a yes to `publish`)
    media_url: str | None = None  # a photo's address an Open311 client gave (validated, never fetched)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Draft:
        known = {k: v for k, v in data.get("draft", {}).items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def save(self, data: dict[str, Any]) -> None:
        data["draft"] = {k: getattr(self, k) for k in self.__dataclass_fields__}

    @property
    def has_place(self) -> bool:
        return self.province_id is not None

    @property
    def has_subject(self) -> bool:
        return self.category_id is not None or self.agenda_id is not None


def bangkok_today(now: datetime) -> date:
    return now.astimezone(BANGKOK).date()


def due_date(province: Province, now: datetime, settings: Settings) -> date:
    days = province.answer_days or settings.answer_days_default
    return bangkok_today(now) + timedelta(days=days)


async def file_complaint(
    session: AsyncSession,
    person: Person | None,
    draft: Draft,
    *,
    channel: str,
    now: datetime,
    settings: Settings,
    alert: Alert | None = None,
) -> Complaint:
    """Write the complaint and everything that belongs to it; raises if the draft is incomplete. `person` is None
    for a request an Open311 client posted: no chat identity follows it. `alert` tells the staff who handle it
    (bot/domain/alerts.py; the instant-mode ones at once)."""
    if draft.province_id is None or draft.description is None:
        raise ValueError("a complaint needs a province and a description")
    province = await session.get(Province, draft.province_id)
    if province is None:
        raise ValueError(f"no province {draft.province_id}")
    agency_id = await route_agency(
        session,
        province_id=province.id,
        district_id=draft.district_id,
        category_id=draft.category_id,
        agenda_id=draft.agenda_id,
        subdistrict_id=draft.subdistrict_id,
    )
    publish, show_photos = consents(
        publish=draft.publish,
        photos=draft.show_photos,
        anonymous=draft.contact_mode == ContactMode.ANONYMOUS,
        has_photos=bool(draft.photos or draft.media_url),
    )
    complaint = Complaint(
        ticket_no=await allocate_ticket_no(session, province, bangkok_today(now)),
        person_id=person.id if person else None,
        province_id=province.id,
        district_id=draft.district_id,
        subdistrict_id=draft.subdistrict_id,
        latitude=draft.latitude,
        longitude=draft.longitude,
        category_id=draft.category_id,
        agenda_id=draft.agenda_id,
        agency_id=agency_id,
        description=draft.description,
        description_hash=description_hash(draft.description),
        contact_mode=draft.contact_mode,
        contact_phone=draft.phone if draft.contact_mode == ContactMode.PHONE else None,
        sector_id=draft.sector_id,
        channel=channel,
        status=ComplaintStatus.RECEIVED,
        due_on=due_date(province, now, settings),
        publish_consent=publish,
        photo_consent=show_photos,
        media_url=draft.media_url,
        created_at=now,
        updated_at=now,
    )
    session.add(complaint)
    await session.flush()
    session.add_all(ComplaintPhoto(complaint_id=complaint.id, media_id=m, kind=PhotoKind.BEFORE) for m in draft.photos)
    if draft.photos and person is not None:  # the photos are the person's data: "my data" finds them by owner
        await session.execute(update(Media).where(Media.id.in_(draft.photos)).values(owner_id=person.id))
    await record_status(session, complaint, ComplaintStatus.RECEIVED, actor=person, now=now)
    if (
        person is not None and person.role == Role.CITIZEN
    ):  # a citizen's province is the one they last filed in (they may change it)
        person.province_id = province.id
    if alert is not None:
        await alert_new_complaint(session, complaint, alert, filed_by=person)
    return complaint
