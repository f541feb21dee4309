"""Broadcasts on the desk (secretariat only): compose with the audience filters, a live count of recipients and
a preview on LINE and Telegram (htmx, as the filters change), send now or schedule, then a progress bar that
polls until the final report. Everything goes through bot/domain/broadcasts.py, as the chat's broadcast does, and
the broadcast worker sends it through the outbox."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData, QueryParams
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.core.i18n import BANGKOK, _
from bot.domain import scope, signin
from bot.domain.broadcasts import (
    MAX_TEXT,
    StatusChat,
    Target,
    broadcast_report,
    cancel_scheduled,
    count_audience,
    create_broadcast,
    recent_broadcasts,
    schedule_allowed,
)
from bot.web.desk.auth import Desk, action, page
from bot.web.desk.places import (
    OutOfScope,
    agency_in,
    district_in,
    form_context,
    form_province,
    number,
    picked_province,
)
from bot.web.desk.render import render
from bot.web.desk.ticket import not_found
from storage.models import Broadcast, BroadcastStatus, PartnerSector, Person, Role

AUDIENCE_ROLES = (Role.CITIZEN.value, Role.OFFICER.value, Role.SECRETARIAT.value)
POLL_SECONDS = 1


def role_labels() -> list[tuple[str, str]]:
    return [
        ("", _("Everyone")),
        (Role.CITIZEN.value, _("Citizens")),
        (Role.OFFICER.value, _("Officers")),
        (Role.SECRETARIAT.value, _("Secretariat")),
    ]


@dataclass
class Draft:
    """What the compose form holds, and what is wrong with it."""

    text: str = ""
    target: Target = field(default_factory=Target)
    when: str = "now"
    at: str = ""
    errors: list[str] = field(default_factory=list)


async def read_target(session: AsyncSession, person: Person, values: QueryParams | FormData) -> Target:
    """The audience the form asks for, within the person's scope; OutOfScope for a province, district or agency
    that is not theirs (and for a sector that does not exist)."""
    province_id = form_province(person, values)
    if not scope.runs_province(person, province_id):
        raise OutOfScope(province_id)
    role = str(values.get("role", ""))
    sector_id = number(values.get("sector"))
    if sector_id is not None and await session.get(PartnerSector, sector_id) is None:
        raise OutOfScope(sector_id)
    agency = await agency_in(session, number(values.get("agency")), province_id)
    return Target(
        role=role if role in AUDIENCE_ROLES else None,
        province_id=province_id,
        district_id=await district_in(session, number(values.get("district")), province_id),
        agency_id=agency.id if agency else None,
        sector_id=sector_id,
    )


def read_schedule(draft: Draft, now: datetime) -> datetime | None:
    """The time chosen for a scheduled broadcast (Bangkok time), or None to send now; adds an error if wrong."""
    if draft.when != "later":
        return None
    try:
        at = datetime.fromisoformat(draft.at).replace(tzinfo=BANGKOK)
    except ValueError:
        draft.errors.append(_("Please choose the date and time to send it."))
        return None
    if not schedule_allowed(at, now):
        draft.errors.append(_("Please choose a time in the coming year, after now."))
    return at


def check_text(draft: Draft) -> None:
    if not draft.text:
        draft.errors.append(_("Please type the message."))
    elif len(draft.text) > MAX_TEXT:
        draft.errors.append(_("The message is too long: at most {n} characters.", n=format(MAX_TEXT, ",")))


async def compose_page(desk: Desk, draft: Draft, *, status: int = 200, cancelled: bool = False) -> Response:
    province_id = draft.target.province_id
    async with desk.services.db.read() as session:
        shown = await form_context(session, desk.person, province_id)
        listed = await recent_broadcasts(session, None if scope.is_national(desk.person) else province_id)
    return render(
        "broadcasts.html",
        desk.context(
            draft=draft,
            **shown,
            roles=role_labels(),
            listed=listed,
            max_text=MAX_TEXT,
            cancelled=cancelled,
        ),
        status=status,
    )


@page
async def broadcasts_page(request: Request, desk: Desk) -> Response:
    if not scope.is_secretariat(desk.person):
        return not_found(desk)
    province_id = picked_province(desk.person, request.query_params)
    cancelled = "cancelled" in request.query_params
    return await compose_page(desk, Draft(target=Target(province_id=province_id)), cancelled=cancelled)


@page
async def audience_preview(request: Request, desk: Desk) -> Response:
    """The htmx part under the form: how many people the filters reach, and the message as each app shows it."""
    if not scope.is_secretariat(desk.person):
        return not_found(desk)
    async with desk.services.db.read() as session:
        try:
            target = await read_target(session, desk.person, request.query_params)
        except OutOfScope:
            return not_found(desk)
        audience = await count_audience(session, target)
    text = request.query_params.get("text", "")[: MAX_TEXT + 1]
    return render("broadcast_preview.html", desk.context(audience=audience, text=text, max_text=MAX_TEXT))


@action
async def create(request: Request, desk: Desk, form: FormData) -> Response:
    if not scope.is_secretariat(desk.person):
        return not_found(desk)
    now = desk.now()
    draft = Draft(text=str(form.get("text", "")).strip(), when=str(form.get("when", "now")), at=str(form.get("at", "")))
    async with desk.services.db.write() as session:
        try:
            draft.target = await read_target(session, desk.person, form)
        except OutOfScope:
            return not_found(desk)
        check_text(draft)
        at = read_schedule(draft, now)
        if not draft.errors and (await count_audience(session, draft.target)).total == 0:
            draft.errors.append(_("No one matches that choice. Please choose again."))
        if draft.errors:
            broadcast = None
        else:
            broadcast = await create_broadcast(
                session,
                text=draft.text,
                target=draft.target,
                created_by_id=desk.person.id,
                scheduled_at=at,
                status_chat=StatusChat.of(desk.person),
            )
            signin.audit(
                session,
                desk.person,
                "broadcast_create",
                f"broadcast:{broadcast.id}",
                page=desk.page(form),
                now=now,
                detail={"target": draft.target.to_json(), "total": broadcast.total, "scheduled": draft.at or None},
            )
    if broadcast is None:
        return await compose_page(desk, draft, status=400)
    return RedirectResponse(f"/desk/broadcasts/{broadcast.id}", status_code=303)


async def broadcast_in_scope(session: AsyncSession, person: Person, broadcast_id: int) -> Broadcast | None:
    broadcast = await session.get(Broadcast, broadcast_id)
    if broadcast is None or not scope.runs_province(person, Target.from_json(broadcast.target).province_id):
        return None
    return broadcast


async def progress_context(desk: Desk, broadcast_id: int) -> dict[str, Any] | None:
    async with desk.services.db.read() as session:
        broadcast = await broadcast_in_scope(session, desk.person, broadcast_id)
        if broadcast is None:
            return None
        report = await broadcast_report(session, broadcast.id)
    done = broadcast.status == BroadcastStatus.DONE
    percent = 100 if done or not report.total else round(report.done * 100 / report.total)
    return desk.context(broadcast=broadcast, report=report, done=done, percent=percent, poll=POLL_SECONDS)


@page
async def broadcast_page(request: Request, desk: Desk) -> Response:
    found = await progress_context(desk, request.path_params["broadcast_id"])
    return render("broadcast.html", found) if found else not_found(desk)


@page
async def broadcast_progress(request: Request, desk: Desk) -> Response:
    found = await progress_context(desk, request.path_params["broadcast_id"])
    return render("broadcast_progress.html", found) if found else not_found(desk)


@action
async def cancel(request: Request, desk: Desk, form: FormData) -> Response:
    """Take back a scheduled broadcast before it starts; once it is sending, the page just shows its progress."""
    now = desk.now()
    async with desk.services.db.write() as session:
        broadcast = await broadcast_in_scope(session, desk.person, request.path_params["broadcast_id"])
        if broadcast is None:
            return not_found(desk)
        cancelled = await cancel_scheduled(session, broadcast.id)
        if cancelled:
            signin.audit(
                session, desk.person, "broadcast_cancel", f"broadcast:{broadcast.id}", page=desk.page(form), now=now
            )
    if not cancelled:
        return RedirectResponse(f"/desk/broadcasts/{broadcast.id}", status_code=303)
    return RedirectResponse("/desk/broadcasts?cancelled=1", status_code=303)
