"""The secretariat's invite flow in chat: role, scope and expiry, then a single-use code to pass on."""

from __future__ import annotations

from datetime import timedelta

from bot.core.flow import Ctx, Flow, Outcome, StepName, choices, finish, goto, stay
from bot.core.i18n import N_, _, format_datetime
from bot.core.types import Choice, Reply
from handlers import router
from handlers.officer import scope
from handlers.officer.invites import create_invite, invite_links
from handlers.officer.places import agencies_for, find_district, find_province
from handlers.tickets import localized
from storage.models import Province, Role

FLOW = "invite"
SKIP = "skip"
NO_AGENCY = "ag:none"
AGENCY_PREFIX = "ag:"
EXPIRY_DAYS = (1, 7, 30)

router.add_menu_entry(router.MenuEntry(f"m:{FLOW}", N_("Invite an officer"), 58, roles=scope.SECRETARIAT_ONLY))


class Step(StepName):
    ROLE = "role"
    PROVINCE = "province"
    DISTRICT = "district"
    AGENCY = "agency"
    EXPIRY = "expiry"


def _role_prompt() -> Reply:
    return Reply(
        _("Whom would you like to invite?"),
        choices=choices(("r:officer", _("An officer")), ("r:secretariat", _("A secretariat member"))),
    )


async def enter(ctx: Ctx) -> Outcome:
    """Secretariat members only; everyone else is told so and nothing is created."""
    if not scope.can_invite(ctx.person):
        return finish(scope.forbidden_reply())
    return goto(Step.ROLE, _role_prompt())


async def answer_role(ctx: Ctx) -> Outcome:
    if ctx.choice not in ("r:officer", "r:secretariat"):
        return stay(ctx, _role_prompt())
    ctx.data["role"] = ctx.choice.removeprefix("r:")
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
            choices=choices((SKIP, _("No particular district"))),
        ),
    )


async def answer_district(ctx: Ctx) -> Outcome:
    if ctx.choice == SKIP:
        ctx.data["district_id"] = None
    else:
        district = await find_district(ctx.session, ctx.data["province_id"], ctx.text) if ctx.text else None
        if district is None:
            return stay(
                ctx,
                Reply(
                    _("I could not find that district in the province. Please type its name, or skip."),
                    choices=choices((SKIP, _("No particular district"))),
                ),
            )
        ctx.data["district_id"] = district.id
    return await _ask_agency(ctx)


async def _ask_agency(ctx: Ctx) -> Outcome:
    agencies = await agencies_for(ctx.session, ctx.data["province_id"], ctx.data.get("district_id"))
    buttons = [Choice(f"{AGENCY_PREFIX}{a.id}", localized(a.name_th, a.name_en)) for a in agencies]
    buttons.append(Choice(NO_AGENCY, _("No agency")))
    return goto(Step.AGENCY, Reply(_("Which agency does the officer work for?"), choices=tuple(buttons)))


async def answer_agency(ctx: Ctx) -> Outcome:
    code = ctx.choice or ""
    if not code.startswith(AGENCY_PREFIX):
        return await _ask_agency(ctx)
    ctx.data["agency_id"] = None if code == NO_AGENCY else int(code.removeprefix(AGENCY_PREFIX))
    return _ask_expiry()


def _ask_expiry() -> Outcome:
    buttons = tuple(
        Choice(f"e:{days}", _("{days} days", days=days) if days > 1 else _("1 day")) for days in EXPIRY_DAYS
    )
    return goto(Step.EXPIRY, Reply(_("How long should the code stay valid?"), choices=buttons))


async def answer_expiry(ctx: Ctx) -> Outcome:
    days = int(ctx.choice.removeprefix("e:")) if ctx.choice and ctx.choice.startswith("e:") else None
    if days not in EXPIRY_DAYS:
        return _ask_expiry()
    province_id = ctx.data["province_id"]
    if not scope.can_invite_to(ctx.person, province_id):
        return finish(scope.forbidden_reply())
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


router.register(
    Flow(
        name=FLOW,
        enter=enter,
        steps={
            Step.ROLE: answer_role,
            Step.PROVINCE: answer_province,
            Step.DISTRICT: answer_district,
            Step.AGENCY: answer_agency,
            Step.EXPIRY: answer_expiry,
        },
        roles=None,  # checked in `enter`, so that others get the clear refusal, not a generic one
    )
)
