"""The Open311 GeoReport v2 side of the domain: our categories and agendas as services, a posted request filed
exactly as one filed in chat (routed, numbered and given its answer date by `file_complaint`), and the query
behind GET requests. The web layer (bot/web/open311) only reads parameters and writes JSON or XML."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.alerts import Alert
from bot.domain.complaints.answers import description_problem, normalise_phone
from bot.domain.complaints.filing import Draft, file_complaint
from bot.domain.places import LocationProblem, find_district, locate, located_ids
from bot.domain.publication import AGENDA_PREFIX, PublicComplaint, to_public
from bot.domain.tickets import OPEN_STATUSES
from bot.settings import Settings
from storage.models import Agenda, ApiKey, Complaint, ComplaintCategory, ContactMode, PartnerSector, Province

CHANNEL = "open311"
SECTOR = "sector"  # attribute: the partner sector the reporter speaks for
PUBLISH = "publish_consent"  # attribute: may the text and the rounded place be shown in public
PHONE_CONSENT = "contact_phone_consent"  # attribute: may the agency phone the number given
PHOTO_CONSENT = "photo_consent"  # attribute: may the photo (media_url) be shown in public, with the description
MEDIA_URL_MAX = 500
YES, NO = "yes", "no"
MAX_PAGE_SIZE = 1000  # the spec's "first 1000 requests"
DEFAULT_PAGE_SIZE = 100
DEFAULT_WINDOW_DAYS = 90  # the spec's default span


class RequestProblem(ValueError):
    """What a client sent cannot be filed; the message is the GeoReport error's description."""


@dataclass(frozen=True)
class Service:
    code: str
    name_th: str
    name_en: str
    description: str
    group: str  # "category" or "agenda"


@dataclass(frozen=True)
class AttributeValue:
    key: str
    name: str


@dataclass(frozen=True)
class Attribute:
    code: str
    description: str
    required: bool
    order: int
    values: tuple[AttributeValue, ...]
    datatype: str = "singlevaluelist"
    variable: bool = True


async def list_services(session: AsyncSession, province: Province | None) -> list[Service]:
    """The general categories, then the province's active agendas (none without a province)."""
    categories = (await session.scalars(select(ComplaintCategory).order_by(ComplaintCategory.position))).all()
    services = [Service(c.code, c.name_th, c.name_en, c.name_en, "category") for c in categories]
    if province is not None:
        agendas = (
            await session.scalars(
                select(Agenda).where(Agenda.province_id == province.id, Agenda.is_active.is_(True)).order_by(Agenda.id)
            )
        ).all()
        services += [
            Service(f"{AGENDA_PREFIX}{a.id}", a.title_th, a.title_en or a.title_th, a.goal_th or a.title_th, "agenda")
            for a in agendas
        ]
    return services


async def find_service(session: AsyncSession, code: str, province: Province | None) -> Service | None:
    return next((s for s in await list_services(session, province) if s.code == code), None)


async def service_attributes(session: AsyncSession) -> list[Attribute]:
    sectors = (await session.scalars(select(PartnerSector).order_by(PartnerSector.position))).all()
    yes_no = (AttributeValue(YES, "ใช่ / yes"), AttributeValue(NO, "ไม่ / no"))
    return [
        Attribute(
            SECTOR,
            "ภาคีเครือข่ายที่ผู้แจ้งสังกัด / the partner sector the reporter belongs to",
            False,
            1,
            tuple(AttributeValue(s.code, f"{s.name_th} / {s.name_en}") for s in sectors),
        ),
        Attribute(
            PUBLISH,
            "ยินยอมให้แสดงรายละเอียดและตำแหน่งโดยประมาณต่อสาธารณะ (ไม่แสดงชื่อ) / "
            "consent to show the description and the approximate place in public (never the name)",
            False,
            2,
            yes_no,
        ),
        Attribute(
            PHOTO_CONSENT,
            "ยินยอมให้แสดงภาพ (media_url) ต่อสาธารณะพร้อมรายละเอียด / consent to show the photo (media_url) in "
            "public with the description; without publish_consent it is never shown",
            False,
            4,
            yes_no,
        ),
        Attribute(
            PHONE_CONSENT,
            "ยินยอมให้หน่วยงานโทรติดต่อที่หมายเลขที่ให้ไว้ / consent to be phoned by the agency at the number given; "
            "without it the number is not kept",
            False,
            3,
            yes_no,
        ),
    ]


# ---------------------------------------------------------------- posting a request


@dataclass
class PostedRequest:
    """The fields of POST requests we use. A name or an e-mail address is not kept: chat keeps neither."""

    service_code: str
    description: str
    latitude: float | None = None
    longitude: float | None = None
    address: str | None = None
    phone: str | None = None
    media_url: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)


async def file_request(
    session: AsyncSession,
    key: ApiKey,
    province: Province,
    posted: PostedRequest,
    *,
    now: datetime,
    settings: Settings,
    alert: Alert | None = None,
) -> Complaint:
    """File a posted request as a complaint; raises RequestProblem for what cannot be filed. `alert` tells the
    staff who handle it, as for a complaint filed in chat."""
    service = await find_service(session, posted.service_code, province)
    if service is None:
        raise RequestProblem(f"unknown service_code {posted.service_code!r} in {province.code}")
    problem = description_problem(posted.description)
    if problem is not None:
        raise RequestProblem(f"description: {problem.value} (10 to 800 characters)")
    draft = Draft(province_id=province.id, description=posted.description.strip())
    await _place(session, draft, province, posted)
    await _subject(session, draft, service)
    await _answers(session, draft, posted)
    draft.media_url = checked_media_url(posted.media_url) if posted.media_url else None
    complaint = await file_complaint(session, None, draft, channel=CHANNEL, now=now, settings=settings, alert=alert)
    complaint.api_key_id = key.id
    complaint.api_token = secrets.token_urlsafe(16)
    return complaint


async def _place(session: AsyncSession, draft: Draft, province: Province, posted: PostedRequest) -> None:
    if posted.latitude is not None and posted.longitude is not None:
        located = locate(posted.latitude, posted.longitude)
        if isinstance(located, LocationProblem):
            raise RequestProblem(f"lat/long: {located.value}")
        ids = await located_ids(session, located)
        if ids is None or ids.province_id != province.id:
            raise RequestProblem(f"lat/long is not in jurisdiction {province.code}")
        draft.district_id, draft.subdistrict_id = ids.district_id, ids.subdistrict_id
        draft.latitude, draft.longitude = posted.latitude, posted.longitude
    elif posted.address:
        district = await find_district(session, province.id, posted.address)
        draft.district_id = district.id if district else None
    else:
        raise RequestProblem("a location is required: lat and long, or address_string")


async def _subject(session: AsyncSession, draft: Draft, service: Service) -> None:
    if service.group == "agenda":
        draft.agenda_id = int(service.code.removeprefix(AGENDA_PREFIX))
    else:
        draft.category_id = await session.scalar(
            select(ComplaintCategory.id).where(ComplaintCategory.code == service.code)
        )


async def _answers(session: AsyncSession, draft: Draft, posted: PostedRequest) -> None:
    sector = posted.attributes.get(SECTOR)
    if sector:
        draft.sector_id = await session.scalar(select(PartnerSector.id).where(PartnerSector.code == sector))
        if draft.sector_id is None:
            raise RequestProblem(f"attribute[{SECTOR}]: unknown value {sector!r}")
    for code in (PUBLISH, PHOTO_CONSENT, PHONE_CONSENT):
        if posted.attributes.get(code, NO) not in (YES, NO):
            raise RequestProblem(f"attribute[{code}]: yes or no")
    draft.publish, draft.show_photos = _said_yes(posted, PUBLISH), _said_yes(posted, PHOTO_CONSENT)
    phone = normalise_phone(posted.phone) if posted.phone else None
    if posted.phone and phone is None:
        raise RequestProblem("phone: not a Thai phone number")
    # As in chat: a number is kept only where the person agreed to be phoned. Otherwise the answer is given where
    # the request was filed (the API's status, as chat answers in chat): not "anonymous", which the person chooses.
    if phone is not None and _said_yes(posted, PHONE_CONSENT):
        draft.contact_mode, draft.phone = ContactMode.PHONE, phone
    else:
        draft.contact_mode, draft.phone = ContactMode.CHAT, None


def checked_media_url(url: str) -> str:
    """An http(s) address of a photo, kept as given: never fetched here (no request of ours goes where a client
    points), so only its form is checked. No user name or password in it, no spaces, at most MEDIA_URL_MAX."""
    url = url.strip()
    problem = f"media_url: an http or https address of at most {MEDIA_URL_MAX} characters"
    if len(url) > MEDIA_URL_MAX or any(ch.isspace() or not ch.isprintable() for ch in url):
        raise RequestProblem(problem)
    try:
        parts = urlsplit(url)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        raise RequestProblem(problem) from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or not port_ok:
        raise RequestProblem(problem)
    if parts.username is not None or parts.password is not None:
        raise RequestProblem("media_url: an address with a user name or password is not accepted")
    return url


def _said_yes(posted: PostedRequest, code: str) -> bool:
    return posted.attributes.get(code) == YES


# ---------------------------------------------------------------- finding requests


@dataclass(frozen=True)
class RequestQuery:
    province_id: int | None = None
    ticket_nos: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: tuple[str, ...] = ()  # open, closed
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE


async def find_requests(session: AsyncSession, query: RequestQuery) -> list[PublicComplaint]:
    """Newest first. Asked by ticket numbers, the date window does not apply (as the spec has it)."""
    where: list[ColumnElement[bool]] = []
    if query.province_id is not None:
        where.append(Complaint.province_id == query.province_id)
    if query.ticket_nos:
        where.append(Complaint.ticket_no.in_(query.ticket_nos))
    else:
        if query.start is not None:
            where.append(Complaint.created_at >= query.start)
        if query.end is not None:
            where.append(Complaint.created_at <= query.end)
    if query.service_codes:
        where.append(await _services_clause(session, query.service_codes))
    open_values = [str(s) for s in OPEN_STATUSES]
    if query.statuses and set(query.statuses) != {"open", "closed"}:
        is_open = query.statuses == ("open",)
        where.append(Complaint.status.in_(open_values) if is_open else Complaint.status.not_in(open_values))
    rows = await session.scalars(
        select(Complaint)
        .where(*where)
        .order_by(Complaint.created_at.desc(), Complaint.id.desc())
        .limit(query.page_size)
        .offset((query.page - 1) * query.page_size)
    )
    return await to_public(session, rows.all())


async def _services_clause(session: AsyncSession, codes: Sequence[str]) -> ColumnElement[bool]:
    agenda_ids = [int(c.removeprefix(AGENDA_PREFIX)) for c in codes if _is_agenda_code(c)]
    categories = [c for c in codes if not c.startswith(AGENDA_PREFIX)]
    category_ids = (
        (await session.scalars(select(ComplaintCategory.id).where(ComplaintCategory.code.in_(categories)))).all()
        if categories
        else []
    )
    by_category = Complaint.category_id.in_(category_ids) & Complaint.agenda_id.is_(None)
    return or_(by_category, Complaint.agenda_id.in_(agenda_ids))


def _is_agenda_code(code: str) -> bool:
    number = code.removeprefix(AGENDA_PREFIX)
    return code.startswith(AGENDA_PREFIX) and number.isdigit() and len(number) < 10


async def find_by_token(session: AsyncSession, token: str) -> Complaint | None:
    return await session.scalar(select(Complaint).where(Complaint.api_token == token))
