"""The public pages: /p (provinces side by side), /p/{province} (its agenda, complaint figures, latest resolved
complaints and map), /p/t/{ticket} (a ticket's public status). No sign-in; nothing personal."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import Response

from bot.core.i18n import localized, use_locale
from bot.domain.comparison import ComparisonFilter, PilotGroup, compare_provinces
from bot.domain.publication import consented_photo, find_jurisdiction, photo_path, slug, to_public
from bot.domain.tickets import find_ticket, history, normalise_ticket_no
from bot.domain.transparency import province_page
from bot.services import Services
from bot.web.public.render import MAX_AGE, locale_of, page, remembered


def services_of(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def sparkline(values: Sequence[float], width: int = 100, height: int = 24) -> str:
    """SVG polyline points of a KPI's reports (empty with fewer than two)."""
    if len(values) < 2:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = width / (len(values) - 1)
    return " ".join(f"{i * step:.1f},{height - (v - low) / span * height:.1f}" for i, v in enumerate(values))


def not_found(request: Request) -> Response:
    return page(request, "not_found.html", status=404)


@remembered
async def national(request: Request) -> Response:
    try:
        group = PilotGroup(request.query_params.get("group", PilotGroup.ALL.value))
    except ValueError:
        group = PilotGroup.ALL
    async with services_of(request).db.read() as session:
        comparison = await compare_provinces(session, datetime.now(UTC), ComparisonFilter(group))
    with use_locale(locale_of(request)):
        rows = [
            {
                "slug": slug(row.province.name_en),
                "name": localized(row.province.name_th, row.province.name_en),
                "on_time": row.on_time_share,
                "answered": row.answered,
                "rating": row.mean_rating,
                "progress": row.progress.mean,
                "kpis": row.progress.kpis,
                "unreported": row.progress.unreported,
            }
            for row in comparison.provinces
        ]
    return page(request, "national.html", rows=rows, group=group.value, year_be=comparison.year_be)


@remembered
async def province(request: Request) -> Response:
    async with services_of(request).db.read() as session:
        found = await find_jurisdiction(session, request.path_params["province"])
        if found is None:
            return not_found(request)
        gathered = await province_page(session, found, datetime.now(UTC))
    points = [
        {"t": p.ticket_no, "lat": p.latitude, "lng": p.longitude, "s": p.subject_th, "st": p.status}
        for p in gathered.points
    ]
    photos = {r.complaint.ticket_no: [photo_path(m) for m in r.complaint.photo_ids] for r in gathered.resolved}
    return page(
        request,
        "province.html",
        p=gathered,
        slug=slug(found.name_en),
        sparkline=sparkline,
        points_json=json.dumps(points, ensure_ascii=False),
        photos=photos,
    )


@remembered
async def ticket(request: Request) -> Response:
    number = normalise_ticket_no(request.path_params["ticket"][:40])
    if number is None:
        return not_found(request)
    async with services_of(request).db.read() as session:
        complaint = await find_ticket(session, number)
        if complaint is None:
            return not_found(request)
        [public] = await to_public(session, [complaint])
        events = [(e.status, e.created_at) for e in await history(session, complaint)]
    photos = [photo_path(m) for m in public.photo_ids]
    return page(request, "ticket.html", c=public, events=events, photos=photos)


async def photo(request: Request) -> Response:
    """A complaint photo, asked for consent at every request: a withdrawal hides it at once, whoever linked it (a
    page, a download, an Open311 answer); a visitor's cache keeps it at most a minute."""
    async with services_of(request).db.read() as session:
        found = await consented_photo(session, request.path_params["media_id"])
    if found is None:
        return Response("not found", status_code=404, media_type="text/plain", headers={"Cache-Control": "no-store"})
    headers = {"Cache-Control": f"public, max-age={MAX_AGE}", "X-Content-Type-Options": "nosniff"}
    return Response(found.data, media_type=found.content_type, headers=headers)
