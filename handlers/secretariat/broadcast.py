"""Compose a broadcast in chat (secretariat): text, optional picture, audience, preview, send now or later."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.core.flow import Ctx, Flow, Outcome, StepFn, StepName, finish, goto, stay
from bot.core.i18n import N_, _, format_datetime, localized
from bot.core.registry import MenuEntry, Registry
from bot.core.text import shorten
from bot.core.types import Ask, Choice, Reply
from bot.domain import scope
from bot.domain.broadcasts import (
    StatusChat,
    Target,
    cancel_scheduled,
    count_audience,
    create_broadcast,
    schedule_allowed,
    scheduled_broadcasts,
)
from bot.domain.places import find_district, find_province
from bot.domain.values import BadValue
from bot.domain.when import PastTime, parse_when
from handlers import codes
from handlers.labels import agency_label
from handlers.secretariat.common import ask_province, unknown_province, working_province
from storage.models import Agency, PartnerSector, Role

EVERYONE = "all"
ROLES = (Role.OFFICER.value, Role.SECRETARIAT.value, Role.CITIZEN.value, EVERYONE)


class Step(StepName):
    TEXT = "text"
    IMAGE = "image"
    PROVINCE = "province"
    ROLE = "role"
    SCOPE = "scope"
    DISTRICT = "district"
    AGENCY = "agency"
    SECTOR = "sector"
    CONFIRM = "confirm"
    WHEN = "when"
    SCHEDULED = "scheduled"


def _role_label(role: str) -> str:
    labels = {
        Role.OFFICER: _("Officers"),
        Role.SECRETARIAT: _("Secretariat"),
        Role.CITIZEN: _("Citizens"),
        EVERYONE: _("Everyone"),
    }
    return labels[role]


async def enter(ctx: Ctx) -> Outcome:
    """Ask for the message; the broadcasts already scheduled are a button away."""
    return goto(Step.TEXT, await _text_prompt(ctx))


async def _text_prompt(ctx: Ctx) -> Reply:
    waiting = await scheduled_broadcasts(ctx.session, ctx.person)
    if not waiting:
        return Reply(_("Type the message to broadcast."))
    label = _("Scheduled ({count})", count=len(waiting))
    text = _('Type the message to broadcast, or choose "{label}" to see or cancel those waiting.', label=label)
    return Reply(text, choices=(Choice(codes.BROADCAST_SCHEDULED, label),))


async def on_text(ctx: Ctx) -> Outcome:
    if ctx.choice == codes.BROADCAST_SCHEDULED:
        return await _list_scheduled(ctx)
    if not ctx.text or ctx.choice is not None:
        return stay(ctx, Reply(_("Please type the message as text.")))
    ctx.data["text"] = ctx.text
    return goto(Step.IMAGE, _image_prompt())


def _image_prompt() -> Reply:
    return Reply(
        _("Send a picture to go with it, or choose “No picture”."),
        choices=(Choice(codes.BROADCAST_NO_IMAGE, _("No picture")),),
        ask=Ask.PHOTO,
    )


async def on_image(ctx: Ctx) -> Outcome:
    if ctx.choice == codes.BROADCAST_NO_IMAGE:
        ctx.data["media_id"] = None
    elif ctx.inbound.media_id is not None:
        ctx.data["media_id"] = ctx.inbound.media_id
    elif ctx.inbound.extra.get("media_error"):
        return stay(ctx, Reply(_("That picture could not be used. Please send a JPEG or PNG photo.")), _image_prompt())
    else:
        return stay(ctx, _image_prompt())
    if ctx.person.province_id is None:
        return goto(Step.PROVINCE, _province_prompt())
    return goto(Step.ROLE, _role_prompt())


def _province_prompt() -> Reply:
    reply = ask_province()
    return Reply(reply.text, choices=(Choice(codes.BROADCAST_ALL_PROVINCES, _("All provinces")),))


async def on_province(ctx: Ctx) -> Outcome:
    """National members choose a province or the whole country."""
    if ctx.choice == codes.BROADCAST_ALL_PROVINCES:
        ctx.data["province_id"] = None
        return goto(Step.ROLE, _role_prompt())
    province = await find_province(ctx.session, ctx.text)
    if province is None:
        return stay(ctx, unknown_province(ctx.text), _province_prompt())
    ctx.data["province_id"] = province.id
    return goto(Step.ROLE, _role_prompt())


def _role_prompt() -> Reply:
    return Reply(
        _("Who should receive it?"), choices=tuple(Choice(codes.BROADCAST_ROLE(r), _role_label(r)) for r in ROLES)
    )


async def on_role(ctx: Ctx) -> Outcome:
    role = codes.BROADCAST_ROLE.arg(ctx.choice)
    if role not in ROLES:
        return stay(ctx, _role_prompt())
    ctx.data["role"] = None if role == EVERYONE else role
    if _province(ctx) is None:
        return await _preview(ctx)
    return goto(Step.SCOPE, _scope_prompt())


def _province(ctx: Ctx) -> int | None:
    return working_province(ctx) if "province_id" not in ctx.data else ctx.data["province_id"]


def _scope_prompt() -> Reply:
    return Reply(
        _("Narrow it down?"),
        choices=(
            Choice(codes.BROADCAST_SCOPE("province"), _("The whole province")),
            Choice(codes.BROADCAST_SCOPE("district"), _("One district")),
            Choice(codes.BROADCAST_SCOPE("agency"), _("One agency")),
            Choice(codes.BROADCAST_SCOPE("sector"), _("One partner sector")),
        ),
    )


async def on_scope(ctx: Ctx) -> Outcome:
    chosen = codes.BROADCAST_SCOPE.arg(ctx.choice)
    if chosen == "province":
        return await _preview(ctx)
    if chosen == "district":
        return goto(Step.DISTRICT, Reply(_("Type the district's name, e.g. เมืองเชียงราย.")))
    if chosen == "agency":
        return goto(Step.AGENCY, await _agency_prompt(ctx))
    if chosen == "sector":
        return goto(Step.SECTOR, await _sector_prompt(ctx))
    return stay(ctx, _scope_prompt())


async def on_district(ctx: Ctx) -> Outcome:
    province_id = _province(ctx)
    district = await find_district(ctx.session, province_id, ctx.text) if province_id is not None else None
    if district is None:
        name = ctx.text.removeprefix("อำเภอ").strip()
        return stay(ctx, Reply(_("There is no district “{name}” in this province. Please type it again.", name=name)))
    ctx.data["district_id"] = district.id
    return await _preview(ctx)


async def _agency_prompt(ctx: Ctx) -> Reply:
    agencies = (
        await ctx.session.scalars(
            select(Agency)
            .where(Agency.province_id == _province(ctx), Agency.district_id.is_(None))
            .order_by(Agency.id)
            .limit(12)
        )
    ).all()
    choices = tuple(Choice(codes.BROADCAST_AGENCY(a.id), agency_label(a)) for a in agencies)
    return Reply(_("Which agency?"), choices=choices)


async def on_agency(ctx: Ctx) -> Outcome:
    agency_id = codes.BROADCAST_AGENCY.number(ctx.choice)
    agency = await ctx.session.get(Agency, agency_id) if agency_id is not None else None
    if agency is None or agency.province_id != _province(ctx):
        return stay(ctx, await _agency_prompt(ctx))
    ctx.data["agency_id"] = agency.id
    return await _preview(ctx)


async def _sector_prompt(ctx: Ctx) -> Reply:
    sectors = (await ctx.session.scalars(select(PartnerSector).order_by(PartnerSector.position))).all()
    return Reply(
        _("Which partner sector?"),
        choices=tuple(Choice(codes.BROADCAST_SECTOR(s.code), localized(s.name_th, s.name_en)) for s in sectors),
    )


async def on_sector(ctx: Ctx) -> Outcome:
    code = codes.BROADCAST_SECTOR.arg(ctx.choice)
    sector = await ctx.session.scalar(select(PartnerSector).where(PartnerSector.code == code)) if code else None
    if sector is None:
        return stay(ctx, await _sector_prompt(ctx))
    ctx.data["sector_id"] = sector.id
    return await _preview(ctx)


def _target(ctx: Ctx) -> Target:
    return Target(
        role=ctx.data.get("role"),
        province_id=_province(ctx),
        district_id=ctx.data.get("district_id"),
        agency_id=ctx.data.get("agency_id"),
        sector_id=ctx.data.get("sector_id"),
    )


async def _preview(ctx: Ctx) -> Outcome:
    """How many people it reaches, then send now, later, or cancel."""
    audience = await count_audience(ctx.session, _target(ctx))
    if audience.total == 0:
        return goto(Step.ROLE, Reply(_("No one matches that choice. Please choose again.")), _role_prompt())
    text = _(
        "This message will go to {total} people ({unreachable} of them cannot be reached and will be skipped). "
        "Send it?",
        total=audience.total,
        unreachable=audience.unreachable,
    )
    choices = (
        Choice(codes.BROADCAST_SEND, _("Send now")),
        Choice(codes.BROADCAST_LATER, _("Schedule")),
        Choice(codes.CANCEL, _("Cancel")),
    )
    return goto(Step.CONFIRM, Reply(ctx.data["text"], image_media_id=ctx.data.get("media_id")), Reply(text, choices))


async def on_confirm(ctx: Ctx) -> Outcome:
    if ctx.choice == codes.BROADCAST_SEND:
        return await _create(ctx, None)
    if ctx.choice == codes.BROADCAST_LATER:
        return goto(Step.WHEN, _when_prompt())
    return stay(ctx, Reply(_("Please choose “Send now”, “Schedule” or “Cancel”.")))


def _when_prompt() -> Reply:
    return Reply(
        _(
            "When should it go? Type it as you would say it, in Bangkok time: พรุ่งนี้ 8 โมงเช้า, วันศุกร์ 16:00, "
            "บ่ายสองโมง, 30 พ.ย. 09:00 or 5/1/2570 09:00 (tomorrow 8am, friday 4pm)."
        )
    )


async def on_when(ctx: Ctx) -> Outcome:
    try:
        at = parse_when(ctx.text, ctx.now)
    except PastTime as past:
        text = _(
            "{when} has already passed (it is now {now}). Please type a time after now, e.g. พรุ่งนี้ 8 โมงเช้า.",
            when=format_datetime(past.at),
            now=format_datetime(ctx.now),
        )
        return stay(ctx, Reply(text))
    except BadValue:
        return stay(ctx, Reply(_("Sorry, that time was not understood.")), _when_prompt())
    if not schedule_allowed(at, ctx.now):
        return stay(ctx, Reply(_("Please choose a time in the coming year, after now.")))
    return await _create(ctx, at)


# ---------------------------------------------------------------- the scheduled ones: see and cancel


async def _list_scheduled(ctx: Ctx) -> Outcome:
    waiting = await scheduled_broadcasts(ctx.session, ctx.person)
    if not waiting:
        return finish(Reply(_("No broadcast is waiting to be sent.")))
    lines = [_("Scheduled broadcasts, soonest first:")]
    for broadcast in waiting[:10]:
        assert broadcast.scheduled_at is not None
        lines.append(
            _(
                "#{id} {when}, to {total} people: {text}",
                id=broadcast.id,
                when=format_datetime(broadcast.scheduled_at),
                total=broadcast.total,
                text=shorten(broadcast.text, 60),
            )
        )
    buttons = tuple(Choice(codes.BROADCAST_CANCEL(b.id), _("Cancel #{id}", id=b.id)) for b in waiting[:10])
    return goto(Step.SCHEDULED, Reply("\n".join(lines), choices=buttons))


async def on_scheduled(ctx: Ctx) -> Outcome:
    """A "Cancel #12" button calls that broadcast off."""
    broadcast_id = codes.BROADCAST_CANCEL.number(ctx.choice)
    if broadcast_id is None:
        return stay(ctx, Reply(_('Please choose the broadcast to cancel, or type "menu".')))
    waiting = {b.id for b in await scheduled_broadcasts(ctx.session, ctx.person)}
    if broadcast_id not in waiting or not await cancel_scheduled(ctx.session, broadcast_id):
        return finish(
            Reply(_("Broadcast #{id} is no longer waiting: it has started or was cancelled.", id=broadcast_id))
        )
    return finish(Reply(_("Broadcast #{id} is cancelled. Nobody received it.", id=broadcast_id)))


async def _create(ctx: Ctx, at: datetime | None) -> Outcome:
    broadcast = await create_broadcast(
        ctx.session,
        text=ctx.data["text"],
        media_id=ctx.data.get("media_id"),
        target=_target(ctx),
        created_by_id=ctx.person.id,
        scheduled_at=at,
        status_chat=StatusChat.of(ctx.person),
    )
    if at is None:
        text = _(
            "Broadcast #{id} is queued for {total} people. I will tell you here when it is done.",
            id=broadcast.id,
            total=broadcast.total,
        )
    else:
        text = _("Broadcast #{id} is scheduled for {when}.", id=broadcast.id, when=format_datetime(at))
    return finish(Reply(text))


def register(registry: Registry) -> None:
    steps: dict[str, StepFn] = {
        Step.TEXT: on_text,
        Step.IMAGE: on_image,
        Step.PROVINCE: on_province,
        Step.ROLE: on_role,
        Step.SCOPE: on_scope,
        Step.DISTRICT: on_district,
        Step.AGENCY: on_agency,
        Step.SECTOR: on_sector,
        Step.CONFIRM: on_confirm,
        Step.WHEN: on_when,
        Step.SCHEDULED: on_scheduled,
    }
    registry.add_flow(Flow(name=codes.BROADCAST_FLOW, enter=enter, steps=steps, roles=scope.SECRETARIAT_ONLY))
    registry.add_menu_entry(
        MenuEntry(codes.menu(codes.BROADCAST_FLOW), N_("Broadcast a message"), 60, roles=scope.SECRETARIAT_ONLY)
    )
