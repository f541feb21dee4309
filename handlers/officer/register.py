"""Sign-up with an invite code: "ลงทะเบียน CODE", "/register CODE", or a deep link's start parameter."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.flow import Ctx, Flow, Outcome, StepFn, StepName, finish, goto, stay
from bot.core.i18n import _, format_datetime, localized
from bot.core.registry import Registry
from bot.core.types import Reply
from bot.domain.invites import REGISTER_WORD, RedeemResult, RedeemStatus, redeem
from bot.domain.profile import declare_sector
from handlers import codes
from handlers.replies import chosen_sector, sector_question
from storage.models import Agency, District, Person, Province, Role, WorkingGroup


class Step(StepName):
    CODE = "code"
    SECTOR = "sector"


async def enter(ctx: Ctx) -> Outcome:
    """Use the code given with the command, or ask for it."""
    if ctx.args:
        return await _use_code(ctx, ctx.args)
    return goto(Step.CODE, Reply(_("Please type the invite code you received from the secretariat.")))


async def answer_code(ctx: Ctx) -> Outcome:
    """The code, typed on its own."""
    if not ctx.text:
        return stay(ctx, Reply(_("Please type the invite code as text, for example ABCD2345.")))
    return await _use_code(ctx, ctx.text)


async def _use_code(ctx: Ctx, typed: str) -> Outcome:
    result = await redeem(ctx.session, ctx.person, typed, ctx.now)
    if result.status is RedeemStatus.JOINED:
        welcome = Reply(await welcome_text(ctx.session, ctx.person))
        if ctx.person.sector_id is None and ctx.person.role == Role.OFFICER:  # the invite did not say: ask
            return goto(Step.SECTOR, welcome, await sector_question(ctx.session, skippable=True))
        return finish(welcome)
    return finish(Reply(refusal_text(result)))


async def answer_sector(ctx: Ctx) -> Outcome:
    if ctx.choice == codes.SKIP:
        return finish(Reply(_("You can declare your sector later under “My data”.")))
    sector = await chosen_sector(ctx.session, ctx.choice)
    if sector is None or not await declare_sector(ctx.session, ctx.person, sector.id):
        return stay(
            ctx, Reply(_("Please choose one of the buttons.")), await sector_question(ctx.session, skippable=True)
        )
    return finish(Reply(_("Recorded: {sector}.", sector=localized(sector.name_th, sector.name_en))))


def refusal_text(result: RedeemResult) -> str:
    if result.status is RedeemStatus.THROTTLED and result.retry_at is not None:
        return _(
            "Too many wrong codes. For your security, please try again after {time}.",
            time=format_datetime(result.retry_at),
        )
    if result.status is RedeemStatus.USED:
        return _("This invite code has already been used. Please ask the secretariat for a new code.")
    if result.status is RedeemStatus.EXPIRED:
        return _("This invite code has expired. Please ask the secretariat for a new code.")
    return _("This invite code is not valid. Please check it and try again.")


async def welcome_text(session: AsyncSession, person: Person) -> str:
    if person.role == Role.WORKING_GROUP:
        group = await session.get(WorkingGroup, person.working_group_id) if person.working_group_id else None
        name = localized(group.name_th, group.name_en) if group else "-"
        return _(
            "Welcome! You are now registered as a member of the {group}. Choose “Advised provinces” in the menu "
            "to see their agendas and KPI progress and to leave advice.",
            group=name,
        )
    scope = await scope_text(session, person)
    if person.role == "secretariat":
        return _("Welcome! You are now registered as a secretariat member for {scope}.", scope=scope)
    return _("Welcome! You are now registered as an officer for {scope}.", scope=scope)


async def scope_text(session: AsyncSession, person: Person) -> str:
    """ "เชียงราย, อำเภอเมืองเชียงราย, สำนักงานทรัพยากรธรรมชาติฯ" or "the whole country"."""
    parts: list[str] = []
    province = await session.get(Province, person.province_id) if person.province_id else None
    district = await session.get(District, person.district_id) if person.district_id else None
    agency = await session.get(Agency, person.agency_id) if person.agency_id else None
    if province is not None:
        parts.append(localized(province.name_th, province.name_en))
    if district is not None:
        parts.append(district.name_th)
    if agency is not None:
        parts.append(localized(agency.name_th, agency.name_en))
    return ", ".join(parts) if parts else _("the whole country")


def register(registry: Registry) -> None:
    steps: dict[str, StepFn] = {Step.CODE: answer_code, Step.SECTOR: answer_sector}
    registry.add_flow(Flow(name=codes.REGISTER_FLOW, enter=enter, steps=steps))
    registry.add_command(codes.menu(codes.REGISTER_FLOW), "/register", REGISTER_WORD, "ลงทะเบียน")
