"""The GeoReport v2 methods. Each checks the format and the rate limit, reads its parameters (a mistake is a 400
naming the parameter), asks the domain and answers in the format asked for."""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from functools import wraps
from typing import Any

from starlette.datastructures import FormData, QueryParams
from starlette.requests import Request
from starlette.responses import Response

from bot.core.i18n import BANGKOK, format_date
from bot.core.notify import Notifications
from bot.domain import open311
from bot.domain.apikeys import active_key
from bot.domain.publication import PublicComplaint, end_of_day, find_jurisdiction, photo_path
from bot.services import Services
from bot.web.open311.formats import FORMATS, answer, error
from bot.web.open311.limits import RateLimits
from handlers.notices import new_case_alert
from storage.models import Province

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-29T00:00:00Z"
MAX_IDS = 100  # service_request_id=a,b,c: more than this many is refused


class BadParameter(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


Handler = Callable[[Request, str], Awaitable[Response]]


def services_of(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def limits_of(request: Request) -> RateLimits:
    """The app's buckets, made on first use (a test may set its own on app.state first)."""
    state = request.app.state
    if not hasattr(state, "open311_limits"):
        state.open311_limits = RateLimits()
    limits: RateLimits = state.open311_limits
    return limits


def method(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """The format from the path (json or xml, else 404), the IP's rate limit, and a BadParameter as its error."""

    @wraps(handler)
    async def run(request: Request) -> Response:
        fmt = request.path_params["fmt"]
        if fmt not in FORMATS:
            return error("json", 404, "unknown format: use .json or .xml")
        wait = limits_of(request).wait_for(request.client.host if request.client else "-")
        if wait:
            return error(fmt, 429, "too many requests", {"Retry-After": str(wait)})
        try:
            return await handler(request, fmt)
        except BadParameter as problem:
            return error(fmt, problem.status, problem.description)

    return run


def iso(moment: datetime) -> str:
    return moment.astimezone(BANGKOK).isoformat(timespec="seconds")


def _text(params: QueryParams | FormData, name: str, limit: int = 200) -> str | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise BadParameter(400, f"{name}: too long or not text")
    return value


def _list(params: QueryParams, name: str) -> tuple[str, ...]:
    values = [part.strip() for raw in params.getlist(name) for part in raw.split(",") if part.strip()]
    if len(values) > MAX_IDS or any(len(v) > 60 for v in values):
        raise BadParameter(400, f"{name}: at most {MAX_IDS} values")
    return tuple(values)


def _moment(params: QueryParams, name: str) -> datetime | None:
    value = _text(params, name, 40)
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BadParameter(400, f"{name}: not an ISO 8601 date and time") from None
    if not 1900 <= moment.year <= 9000:  # far dates overflow on the way to UTC
        raise BadParameter(400, f"{name}: a year between 1900 and 9000")
    return moment.replace(tzinfo=BANGKOK) if moment.tzinfo is None else moment


def _number(params: QueryParams | FormData, name: str, low: float, high: float) -> float | None:
    value = _text(params, name, 40)
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        raise BadParameter(400, f"{name}: not a number") from None
    if not low <= number <= high:
        raise BadParameter(400, f"{name}: between {low:g} and {high:g}")
    return number


async def _jurisdiction(request: Request, params: QueryParams | FormData, required: bool) -> Province | None:
    ref = _text(params, "jurisdiction_id", 80)
    if ref is None:
        if required:
            raise BadParameter(400, "jurisdiction_id is required: a province code (CRI) or name (chiang-rai)")
        return None
    async with services_of(request).db.read() as session:
        province = await find_jurisdiction(session, ref)
    if province is None:
        raise BadParameter(404, f"jurisdiction_id not found: {ref}")
    return province


async def not_found(request: Request) -> Response:
    """Any other path under /open311/v2/: a GeoReport error rather than a bare 404 page."""
    fmt = "xml" if request.url.path.endswith(".xml") else "json"
    return error(fmt, 404, "no such method")


# ---------------------------------------------------------------- discovery and services


@method
async def discovery(request: Request, fmt: str) -> Response:
    base = str(request.base_url).rstrip("/") + "/open311/v2/"
    data = {
        "changeset": CHANGESET,
        "contact": "สำนักงานจังหวัด กลุ่มงานยุทธศาสตร์และข้อมูลเพื่อการพัฒนาจังหวัด / the provincial office",
        "key_service": "ขอ API key จากฝ่ายเลขานุการจังหวัด / ask the province's secretariat for an API key",
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
    return answer(fmt, "discovery", data)


@method
async def services(request: Request, fmt: str) -> Response:
    province = await _jurisdiction(request, request.query_params, required=False)
    async with services_of(request).db.read() as session:
        found = await open311.list_services(session, province)
    data = [
        {
            "service_code": s.code,
            "service_name": s.name_th,
            "description": f"{s.name_en}. {s.description}" if s.description != s.name_en else s.name_en,
            "metadata": True,
            "type": "realtime",
            "keywords": s.name_en,
            "group": s.group,
        }
        for s in found
    ]
    return answer(fmt, "services", data)


@method
async def service_definition(request: Request, fmt: str) -> Response:
    province = await _jurisdiction(request, request.query_params, required=False)
    code = request.path_params["service_code"]
    async with services_of(request).db.read() as session:
        service = await open311.find_service(session, code, province)
        attributes = await open311.service_attributes(session) if service else []
    if service is None:
        raise BadParameter(404, f"service_code not found: {code[:60]}")
    data = {
        "service_code": service.code,
        "attributes": [
            {
                "variable": a.variable,
                "code": a.code,
                "datatype": a.datatype,
                "required": a.required,
                "datatype_description": None,
                "order": a.order,
                "description": a.description,
                "values": [{"key": v.key, "name": v.name} for v in a.values],
            }
            for a in attributes
        ],
    }
    return answer(fmt, "service_definition", data)


# ---------------------------------------------------------------- requests


def request_data(request: Request, item: PublicComplaint) -> dict[str, Any]:
    """One service request as GeoReport has it; the private parts of `item` are already None."""
    address = " ".join(p for p in (item.district_th, f"จังหวัด{item.province_th}") if p)
    return {
        "service_request_id": item.ticket_no,
        "status": "open" if item.is_open else "closed",
        "status_notes": item.status,
        "service_name": item.subject_th,
        "service_code": item.service_code,
        "description": item.description,
        "agency_responsible": item.agency_th,
        "service_notice": None,
        "requested_datetime": iso(item.requested_at),
        "updated_datetime": iso(item.updated_at),
        "expected_datetime": iso(end_of_day(item.due_on)),
        "address": address,
        "address_id": None,
        "zipcode": None,
        "lat": item.latitude,
        "long": item.longitude,
        "media_url": media_url(request, item),
    }


def media_url(request: Request, item: PublicComplaint) -> str | None:
    """The request's first photo (its public address, served while the photo consent lasts), else the address the
    client posted; both only with photo consent (`item` has neither without)."""
    if item.photo_ids:
        return f"{services_of(request).settings.public_base_url or ''}{photo_path(item.photo_ids[0])}"
    return item.media_url


async def requests(request: Request) -> Response:
    return await (post_request if request.method == "POST" else list_requests)(request)


@method
async def list_requests(request: Request, fmt: str) -> Response:
    params = request.query_params
    province = await _jurisdiction(request, params, required=False)
    statuses = _list(params, "status")
    if any(s not in ("open", "closed") for s in statuses):
        raise BadParameter(400, "status: open or closed")
    ids = _list(params, "service_request_id")
    start, end = _moment(params, "start_date"), _moment(params, "end_date")
    if not ids and start is None and end is None:
        start = datetime.now(UTC) - timedelta(days=open311.DEFAULT_WINDOW_DAYS)
    page = _number(params, "page", 1, 1_000_000) or 1
    size = _number(params, "page_size", 1, open311.MAX_PAGE_SIZE) or open311.DEFAULT_PAGE_SIZE
    query = open311.RequestQuery(
        province_id=province.id if province else None,
        ticket_nos=tuple(i.upper() for i in ids),
        service_codes=_list(params, "service_code"),
        start=start,
        end=end,
        statuses=statuses,
        page=int(page),
        page_size=int(size),
    )
    async with services_of(request).db.read() as session:
        found = await open311.find_requests(session, query)
    return answer(fmt, "service_requests", [request_data(request, item) for item in found])


@method
async def one_request(request: Request, fmt: str) -> Response:
    ticket = request.path_params["service_request_id"].upper()[:40]
    province = await _jurisdiction(request, request.query_params, required=False)
    query = open311.RequestQuery(province_id=province.id if province else None, ticket_nos=(ticket,), page_size=1)
    async with services_of(request).db.read() as session:
        found = await open311.find_requests(session, query)
    if not found:
        raise BadParameter(404, f"service_request_id not found: {ticket}")
    return answer(fmt, "service_requests", [request_data(request, found[0])])


@method
async def token(request: Request, fmt: str) -> Response:
    value = request.path_params["token"][:60]
    async with services_of(request).db.read() as session:
        complaint = await open311.find_by_token(session, value)
    if complaint is None:
        raise BadParameter(404, "token not found")
    return answer(fmt, "service_requests", [{"service_request_id": complaint.ticket_no, "token": value}])


# ---------------------------------------------------------------- posting a request


def _posted(form: FormData) -> open311.PostedRequest:
    code = _text(form, "service_code", 60)
    if code is None:
        raise BadParameter(400, "service_code is required")
    attributes: dict[str, str] = {}
    for name, value in form.multi_items():
        if name.startswith("attribute[") and name.endswith("]") and isinstance(value, str):
            attributes[name[len("attribute[") : -1]] = value[:60]
    return open311.PostedRequest(
        service_code=code,
        description=_text(form, "description", 2000) or "",
        latitude=_number(form, "lat", -90, 90),
        longitude=_number(form, "long", -180, 180),
        address=_text(form, "address_string", 200),
        phone=_text(form, "phone", 40),
        media_url=_text(form, "media_url", 2000),
        attributes=attributes,
    )


@method
async def post_request(request: Request, fmt: str) -> Response:
    try:
        form = await request.form(max_files=0, max_fields=50)
    except Exception:
        raise BadParameter(400, "the body must be application/x-www-form-urlencoded") from None
    secret = _text(form, "api_key", 100)
    wait = limits_of(request).per_key.take(secret) if secret else 0
    if wait:
        return error(fmt, 429, "too many requests for this api_key", {"Retry-After": str(math.ceil(wait))})
    province = await _jurisdiction(request, form, required=True)
    assert province is not None
    posted = _posted(form)
    services = services_of(request)
    now = datetime.now(UTC)
    try:
        async with services.db.write() as session:
            key = await active_key(session, secret) if secret else None
            if key is None:
                raise BadParameter(403, "api_key is missing, unknown or revoked")
            if key.province_id is not None and key.province_id != province.id:
                raise BadParameter(403, f"this api_key may not post to {province.code}")
            staff = Notifications()  # the officers and secretariat who handle it hear of it, as from chat
            complaint = await open311.file_request(
                session, key, province, posted, now=now, settings=services.settings, alert=new_case_alert(staff.notify)
            )
            await staff.queue(session)
            ticket, due, api_token = complaint.ticket_no, complaint.due_on, complaint.api_token
    except open311.RequestProblem as problem:
        raise BadParameter(400, str(problem)) from None
    notice = f"จะตอบภายใน {format_date(due, locale='th')} / to be answered by {due.isoformat()}"
    data = [{"service_request_id": ticket, "token": api_token, "service_notice": notice, "account_id": None}]
    return answer(fmt, "service_requests", data)
