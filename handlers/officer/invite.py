"""The secretariat's invite flow in chat: role, scope and expiry, then a single-use code to pass on."""

from __future__ import annotations

from datetime import timedelta

from bot.core.flow import Ctx, Flow, Outcome, StepFn, StepName, choices, finish, goto, stay
from bot.core.i18n import N_, _, format_datetime, localized
from bot.core.registry import MenuEntry, Registry
from bot.core.types import Choice, Reply
from bot.domain import scope
from bot.domain.invites import INVITE_ROLES, create_invite, invite_links
from bot.domain.places import agencies_for, find_district, find_province
from handlers import codes
from handlers.labels import agency_label, agency_name, legend
from handlers.replies import forbidden_reply
from storage.models import Province, Role

EXPIRY_DAYS = (1, 7, 30)


class Step(StepName):
    ROLE = "role"
    PROVINCE = "province"
    DISTRICT = "district"
    AGENCY = "agency"
    EXPIRY = "expiry"


def _role_prompt() -> Reply:
    return Reply(
        _("Whom would you like to invite?"),
        choices=choices(
            (codes.INVITE_ROLE(Role.OFFICER), _("An officer")),
            (codes.INVITE_ROLE(Role.SECRETARIAT), _("A secretariat member")),
        ),
    )


async def enter(ctx: Ctx) -> Outcome:
    """Secretariat members only; everyone else is told so and nothing is created."""
    if not scope.can_invite(ctx.person):
        return finish(forbidden_reply())
    return goto(Step.ROLE, _role_prompt())


async def answer_role(ctx: Ctx) -> Outcome:
    role = codes.INVITE_ROLE.arg(ctx.choice)
    if role not in INVITE_ROLES:
        return stay(ctx, _role_prompt())
    ctx.data["role"] = role
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
    )
    province = await ctx.session.get(Province, province_id)
    lines = [
        _("Invite code: {code}", code=invite.code),
        _("Province: {province}", province=localized(province.name_th, province.name_en) if province else "-"),
        _("Valid until {time}, for one person only.", time=format_datetime(invite.expires_at)),
        _('Pass it on privately. The person sends "ลงทะเบียน {code}" to this bot.', code=invite.code),
        *invite_links(invite.code, ctx.settings),
    ]
    return finish(Reply("\n".join(lines)))


def register(registry: Registry) -> None:
    steps: dict[str, StepFn] = {
        Step.ROLE: answer_role,
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
