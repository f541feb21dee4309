"""The secretariat's invite flow in chat: role, scope and expiry, then a single-use code to pass on."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.core.flow import Ctx, Flow, Outcome, StepFn, StepName, choices, finish, goto, stay
from bot.core.i18n import N_, _, format_datetime, localized
from bot.core.registry import MenuEntry, Registry
from bot.core.text import button_label
from bot.core.types import Choice, Reply
from bot.domain import scope
from bot.domain.invites import INVITE_ROLES, create_invite, invite_links
from bot.domain.places import agencies_for, find_district, find_province
from bot.domain.working_groups import group_named
from handlers import codes
from handlers.labels import agency_label, agency_name, legend
from handlers.replies import forbidden_reply
from storage.models import Person, Province, Role, WorkingGroup

EXPIRY_DAYS = (1, 7, 30)


class Step(StepName):
    ROLE = "role"
    GROUP = "group"
    PROVINCE = "province"
    DISTRICT = "district"
    AGENCY = "agency"
    EXPIRY = "expiry"


def _role_prompt(person: Person) -> Reply:
    roles = [
        (codes.INVITE_ROLE(Role.OFFICER), _("An officer")),
        (codes.INVITE_ROLE(Role.SECRETARIAT), _("A secretariat member")),
    ]
    if scope.is_national(person):  # the working groups advise provinces for the central team
        roles.append((codes.INVITE_ROLE(Role.WORKING_GROUP), _("Working group member")))
    return Reply(_("Whom would you like to invite?"), choices=choices(*roles))


async def enter(ctx: Ctx) -> Outcome:
    """Secretariat members only; everyone else is told so and nothing is created."""
    if not scope.can_invite(ctx.person):
        return finish(forbidden_reply())
    return goto(Step.ROLE, _role_prompt(ctx.person))


async def answer_role(ctx: Ctx) -> Outcome:
    role = codes.INVITE_ROLE.arg(ctx.choice)
    if role not in INVITE_ROLES or (role == Role.WORKING_GROUP and not scope.is_national(ctx.person)):
        return stay(ctx, _role_prompt(ctx.person))
    ctx.data["role"] = role
    if role == Role.WORKING_GROUP:
        return goto(Step.GROUP, await _group_prompt(ctx))
    if ctx.person.province_id is None:
        return goto(Step.PROVINCE, Reply(_("Which province? Type its name, for example เชียงราย.")))
    ctx.data["province_id"] = ctx.person.province_id
    return _after_province(ctx)


async def answer_province(ctx: Ctx) -> Outcome:
    province = await find_province(ctx.session, ctx.text) if ctx.text else None
    if province is None:
        return stay(ctx, Reply(_("I could not find that province. Please type its Thai name, for example เชียงราย.")))
    ctx.data["province_id"] = province.id
    return _after_province(ctx)


async def _group_prompt(ctx: Ctx) -> Reply:
    groups = (await ctx.session.scalars(select(WorkingGroup).order_by(WorkingGroup.position, WorkingGroup.id))).all()
    buttons = tuple(Choice(codes.INVITE_GROUP(g.code), button_label(localized(g.name_th, g.name_en))) for g in groups)
    names = legend([(button_label(localized(g.name_th, g.name_en)), localized(g.name_th, g.name_en)) for g in groups])
    return Reply(
        _("Which working group? It advises the provinces whose agendas it follows.") + "\n" + names, choices=buttons
    )


async def answer_group(ctx: Ctx) -> Outcome:
    group = await group_named(ctx.session, codes.INVITE_GROUP.arg(ctx.choice) or "")
    if group is None:
        return stay(ctx, await _group_prompt(ctx))
    ctx.data["working_group_id"], ctx.data["province_id"] = group.id, None
    return _ask_expiry()


def _after_province(ctx: Ctx) -> Outcome:
    if ctx.data["role"] == Role.SECRETARIAT:
        return _ask_expiry()
    return goto(
        Step.DISTRICT,
        Reply(
            _("Is the officer tied to one district? Type the district's name, or skip."),
            choices=choices((codes.SKIP, _("No particular district"))),
        ),
    )


async def answer_district(ctx: Ctx) -> Outcome:
    if ctx.choice == codes.SKIP:
        ctx.data["district_id"] = None
    else:
        district = await find_district(ctx.session, ctx.data["province_id"], ctx.text) if ctx.text else None
        if district is None:
            return stay(
                ctx,
                Reply(
                    _("I could not find that district in the province. Please type its name, or skip."),
                    choices=choices((codes.SKIP, _("No particular district"))),
                ),
            )
        ctx.data["district_id"] = district.id
    return await _ask_agency(ctx)


async def _ask_agency(ctx: Ctx) -> Outcome:
    agencies = await agencies_for(ctx.session, ctx.data["province_id"], ctx.data.get("district_id"))
    buttons = [Choice(codes.INVITE_AGENCY(a.id), agency_label(a)) for a in agencies]
    buttons.append(Choice(codes.INVITE_NO_AGENCY, _("No agency")))
    names = legend([(agency_label(a), agency_name(a)) for a in agencies])
    return goto(Step.AGENCY, Reply(_("Which agency does the officer work for?") + "\n" + names, choices=tuple(buttons)))


async def answer_agency(ctx: Ctx) -> Outcome:
    agency_id = codes.INVITE_AGENCY.number(ctx.choice)
    if agency_id is None and ctx.choice != codes.INVITE_NO_AGENCY:
        return await _ask_agency(ctx)
    ctx.data["agency_id"] = agency_id
    return _ask_expiry()


def _ask_expiry() -> Outcome:
    buttons = tuple(
        Choice(codes.INVITE_EXPIRY(days), _("{days} days", days=days) if days > 1 else _("1 day"))
        for days in EXPIRY_DAYS
    )
    return goto(Step.EXPIRY, Reply(_("How long should the code stay valid?"), choices=buttons))


async def answer_expiry(ctx: Ctx) -> Outcome:
    days = codes.INVITE_EXPIRY.number(ctx.choice)
    if days not in EXPIRY_DAYS:
        return _ask_expiry()
    province_id = ctx.data["province_id"]
    if not scope.can_invite_to(ctx.person, province_id):
        return finish(forbidden_reply())
    invite = await create_invite(
        ctx.session,
        role=ctx.data["role"],
        province_id=province_id,
        district_id=ctx.data.get("district_id"),
        agency_id=ctx.data.get("agency_id"),
        expires_at=ctx.now + timedelta(days=days),
        created_by_id=ctx.person.id,
        working_group_id=ctx.data.get("working_group_id"),
    )
    lines = [
        _("Invite code: {code}", code=invite.code),
        await _scope_line(ctx, invite.province_id, invite.working_group_id),
        _("Valid until {time}, for one person only.", time=format_datetime(invite.expires_at)),
        _('Pass it on privately. The person sends "ลงทะเบียน {code}" to this bot.', code=invite.code),
        *invite_links(invite.code, ctx.settings),
    ]
    return finish(Reply("\n".join(lines)))


async def _scope_line(ctx: Ctx, province_id: int | None, group_id: int | None) -> str:
    group = await ctx.session.get(WorkingGroup, group_id) if group_id is not None else None
    if group is not None:
        return _("Working group: {group}", group=localized(group.name_th, group.name_en))
    province = await ctx.session.get(Province, province_id) if province_id is not None else None
    return _("Province: {province}", province=localized(province.name_th, province.name_en) if province else "-")


def register(registry: Registry) -> None:
    steps: dict[str, StepFn] = {
        Step.ROLE: answer_role,
        Step.GROUP: answer_group,
        Step.PROVINCE: answer_province,
        Step.DISTRICT: answer_district,
        Step.AGENCY: answer_agency,
        Step.EXPIRY: answer_expiry,
    }
    # Anyone may start it: `enter` gives others the clear refusal, not a generic one.
    registry.add_flow(Flow(name=codes.INVITE_FLOW, enter=enter, steps=steps))
    registry.add_menu_entry(
        MenuEntry(codes.menu(codes.INVITE_FLOW), N_("Invite an officer"), 58, roles=scope.SECRETARIAT_ONLY)
    )
