"""People (secretariat only): officers and secretariat members with their scopes, role changes, and invite codes
created with a QR code of their LINE or Telegram link, or revoked. Every change is in the audit log."""

from __future__ import annotations

from datetime import timedelta

import segno
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.core.i18n import _
from bot.domain import scope, signin
from bot.domain.invites import INVITE_ROLES, create_invite, invite_links
from bot.domain.people import ROLES, change_role, invite_state, invites_of, revoke_invite, staff_of
from bot.domain.values import BadValue
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
from storage.models import Invite, Person, Role

EXPIRY_DAYS = (1, 7, 30)
QR_SCALE = 5


def role_names() -> dict[str, str]:
    return {
        Role.OFFICER.value: _("Officer"),
        Role.SECRETARIAT.value: _("Secretariat"),
        Role.CITIZEN.value: _("Citizen (leaves the staff)"),
    }


def qr_data_uri(link: str) -> str:
    """The link as a QR code (SVG), drawn here: nothing is fetched from elsewhere."""
    return str(segno.make(link, error="m").svg_data_uri(scale=QR_SCALE, border=2))


async def people_page(desk: Desk, province_id: int | None, *, error: str | None = None, status: int = 200) -> Response:
    now = desk.now()
    async with desk.services.db.read() as session:
        staff = await staff_of(session, province_id)
        invites = await invites_of(session, province_id)
        shown = await form_context(session, desk.person, province_id)
    return render(
        "people.html",
        desk.context(
            staff=staff,
            invites=[(invite, invite_state(invite, now)) for invite in invites],
            **shown,
            roles=role_names(),
            invite_roles=INVITE_ROLES,
            expiry_days=EXPIRY_DAYS,
            error=error,
            may_manage=lambda person: scope.can_manage(desk.person, person),
        ),
        status=status,
    )


@page
async def people(request: Request, desk: Desk) -> Response:
    if not scope.is_secretariat(desk.person):
        return not_found(desk)
    return await people_page(desk, picked_province(desk.person, request.query_params))


@action
async def new_invite(request: Request, desk: Desk, form: FormData) -> Response:
    try:
        province_id = form_province(desk.person, form)
    except OutOfScope:
        return not_found(desk)
    role = str(form.get("role", ""))
    days = number(form.get("days")) or 7
    if not scope.can_invite_to(desk.person, province_id):
        return not_found(desk)
    if role == Role.OFFICER and province_id is None:
        error = _("An officer serves one province: please pick the province first.")
        return await people_page(desk, province_id, error=error, status=400)
    if role not in INVITE_ROLES or days not in EXPIRY_DAYS:
        return await people_page(
            desk, province_id, error=_("Please choose the role and how long the code lasts."), status=400
        )
    now = desk.now()
    async with desk.services.db.write() as session:
        try:
            district_id = await district_in(session, number(form.get("district")), province_id)
            agency = await agency_in(session, number(form.get("agency")), province_id)
        except OutOfScope:
            return not_found(desk)
        invite = await create_invite(
            session,
            role=role,
            province_id=province_id,
            district_id=agency.district_id if agency else district_id,
            agency_id=agency.id if agency else None,
            expires_at=now + timedelta(days=days),
            created_by_id=desk.person.id,
        )
        signin.audit(
            session,
            desk.person,
            "invite_create",
            f"invite:{invite.id}",
            page=desk.page(form),
            now=now,
            detail={"role": role, "province_id": province_id, "days": days},
        )
    return RedirectResponse(f"/desk/invites/{invite.id}", status_code=303)


async def invite_in_scope(desk: Desk, invite_id: int) -> Invite | None:
    async with desk.services.db.read() as session:
        invite = await session.get(Invite, invite_id)
    return invite if invite is not None and scope.can_invite_to(desk.person, invite.province_id) else None


@page
async def invite_page(request: Request, desk: Desk) -> Response:
    invite = await invite_in_scope(desk, request.path_params["invite_id"])
    if invite is None:
        return not_found(desk)
    links = invite_links(invite.code, desk.services.settings)
    return render(
        "invite.html",
        desk.context(
            invite=invite,
            state=invite_state(invite, desk.now()),
            links=[(link, qr_data_uri(link)) for link in links],
            roles=role_names(),
        ),
    )


@action
async def revoke(request: Request, desk: Desk, form: FormData) -> Response:
    now = desk.now()
    async with desk.services.db.write() as session:
        invite = await session.get(Invite, request.path_params["invite_id"])
        if invite is None or not scope.can_invite_to(desk.person, invite.province_id):
            return not_found(desk)
        try:
            revoke_invite(invite, now)
        except BadValue:
            used = True
        else:
            used = False
            signin.audit(session, desk.person, "invite_revoke", f"invite:{invite.id}", page=desk.page(form), now=now)
    if used:
        return await people_page(
            desk, invite.province_id, error=_("That code has been used: change the person's role instead."), status=400
        )
    return RedirectResponse(f"/desk/invites/{invite.id}", status_code=303)


@action
async def role_change(request: Request, desk: Desk, form: FormData) -> Response:
    role = str(form.get("role", ""))
    now = desk.now()
    async with desk.services.db.write() as session:
        person = await session.get(Person, request.path_params["person_id"])
        if person is None or not scope.can_manage(desk.person, person):
            return not_found(desk)
        try:
            agency = await agency_in(session, number(form.get("agency")), person.province_id)
        except OutOfScope:
            return not_found(desk)
        province_id = person.province_id
        if role not in ROLES or (role == Role.OFFICER and province_id is None):
            error = _("Please choose one of the roles offered.")
        else:
            error = None
            old = change_role(person, role, agency=agency)
            signin.audit(
                session,
                desk.person,
                "role_change",
                f"person:{person.id}",
                page=desk.page(form),
                now=now,
                detail={"from": old, "to": role, "agency_id": person.agency_id},
            )
    shown = picked_province(desk.person, form)
    if error:
        return await people_page(desk, shown, error=error, status=400)
    back = f"/desk/people?province={shown}" if scope.is_national(desk.person) and shown else "/desk/people"
    return RedirectResponse(back, status_code=303)
