"""Local alerts (ติดตามเรื่องในพื้นที่): a citizen follows a subdistrict, or a complaint category in a province,
and gets a daily summary of what was filed and resolved there (bot/domain/watches.py). The place comes from a
shared location; "Stop" buttons, here and on every summary, end a watch."""

from __future__ import annotations

from sqlalchemy import select

from bot.core.flow import Ctx, Flow, Outcome, StepFn, StepName, choices, finish, goto, stay
from bot.core.i18n import N_, _, localized
from bot.core.registry import MenuEntry, Registry
from bot.core.text import button_label
from bot.core.types import Ask, Choice, InboundKind, Reply
from bot.domain.places import LocationProblem, locate, located_ids
from bot.domain.watches import MAX_WATCHES, WatchProblem, add_watch, stop_watch, watch_name, watches_of
from handlers import codes
from storage.models import ComplaintCategory, Province, Role, Subdistrict


class Step(StepName):
    LIST = "list"
    LOCATION = "location"
    WHAT = "what"


def _stop_label(name: str) -> str:
    return button_label(_("Stop: {area}", area=name))


async def enter(ctx: Ctx) -> Outcome:
    watched = await watches_of(ctx.session, ctx.person)
    buttons = [Choice(codes.STOP_WATCH(w.watch_id), _stop_label(localized(w.name_th, w.name_en))) for w in watched]
    if len(watched) < MAX_WATCHES:
        buttons.insert(0, Choice(codes.WATCH_ADD, _("Follow an area")))
    if not watched:
        text = _(
            "Follow a subdistrict, or a kind of problem in your province, and we will send you a short summary "
            "each morning of the complaints filed and resolved there. Nothing is sent on a quiet day."
        )
    else:
        names = "\n".join("• " + localized(w.name_th, w.name_en) for w in watched)
        text = _("You follow:\n{areas}", areas=names)
    return goto(Step.LIST, Reply(text, choices=tuple(buttons)))


async def on_list(ctx: Ctx) -> Outcome:
    if ctx.choice != codes.WATCH_ADD:
        return await enter(ctx)
    return _ask_location()


def _ask_location(*lead: Reply) -> Outcome:
    ask = Reply(_("Please share a location in the area you want to follow."), ask=Ask.LOCATION)
    return goto(Step.LOCATION, *lead, ask)


async def on_location(ctx: Ctx) -> Outcome:
    point = ctx.inbound.location
    if ctx.kind is not InboundKind.LOCATION or point is None:
        return _again(ctx, _("Please share a location: only a shared location shows which subdistrict it is."))
    located = locate(point.latitude, point.longitude)
    if isinstance(located, LocationProblem):
        return _again(ctx, _("That location is outside Thailand. Please share a location in Thailand."))
    ids = await located_ids(ctx.session, located)
    if ids is None or ids.subdistrict_id is None:
        return _again(ctx, _("Sorry, that place could not be found. Please share another location."))
    ctx.data.update(province_id=ids.province_id, subdistrict_id=ids.subdistrict_id)
    return goto(Step.WHAT, await _what_question(ctx))


def _again(ctx: Ctx, problem: str) -> Outcome:
    outcome = _ask_location(Reply(problem))
    return stay(ctx, *outcome.replies)


async def _what_question(ctx: Ctx) -> Reply:
    sub = await ctx.session.get(Subdistrict, ctx.data["subdistrict_id"])
    province = await ctx.session.get(Province, ctx.data["province_id"])
    categories = (await ctx.session.scalars(select(ComplaintCategory).order_by(ComplaintCategory.position))).all()
    place = sub.name_th if sub else "-"
    province_name = localized(province.name_th, province.name_en) if province else "-"
    buttons = [Choice(codes.WATCH_SUBDISTRICT, button_label(_("Everything in {place}", place=place)))]
    buttons += [Choice(codes.WATCH_CATEGORY(c.id), button_label(localized(c.name_th, c.name_en))) for c in categories]
    text = _(
        "What would you like to follow? Everything in subdistrict {place}, or one kind of problem anywhere in "
        "{province}.",
        place=place,
        province=province_name,
    )
    return Reply(text, choices=tuple(buttons))


async def on_what(ctx: Ctx) -> Outcome:
    category_id = codes.WATCH_CATEGORY.number(ctx.choice)
    category = await ctx.session.get(ComplaintCategory, category_id) if category_id is not None else None
    if ctx.choice != codes.WATCH_SUBDISTRICT and category is None:
        return stay(ctx, Reply(_("Please choose one of the buttons.")), await _what_question(ctx))
    try:
        watch = await add_watch(
            ctx.session,
            ctx.person,
            province_id=ctx.data["province_id"],
            subdistrict_id=ctx.data["subdistrict_id"] if category is None else None,
            category_id=category.id if category is not None else None,
            now=ctx.now,
        )
    except WatchProblem:
        return finish(Reply(_("You already follow that, or you follow {n} areas already.", n=MAX_WATCHES)))
    name = await watch_name(ctx.session, watch)
    area = localized(name.name_th, name.name_en)
    text = _(
        "You now follow {area}. A summary comes each morning when something was filed or resolved there.", area=area
    )
    return finish(Reply(text, choices=choices((codes.STOP_WATCH(watch.id), _stop_label(area)))), menu=False)


async def unwatch_enter(ctx: Ctx) -> Outcome:
    """A "Stop" button, from the list or from a summary (any old message)."""
    watch_id = int(ctx.args) if ctx.args.isascii() and ctx.args.isdigit() else 0
    stopped = await stop_watch(ctx.session, ctx.person, watch_id)
    if stopped is None:
        return finish(Reply(_("You no longer follow that area.")))
    area = localized(stopped.name_th, stopped.name_en)
    return finish(Reply(_("You no longer follow {area}. Nothing more will be sent about it.", area=area)))


def register(registry: Registry) -> None:
    steps: dict[str, StepFn] = {Step.LIST: on_list, Step.LOCATION: on_location, Step.WHAT: on_what}
    registry.add_flow(Flow(name=codes.WATCH_FLOW, enter=enter, steps=steps))
    registry.add_flow(Flow(name=codes.UNWATCH_FLOW, enter=unwatch_enter, steps={}))
    registry.add_code_prefix(codes.STOP_WATCH.prefix, codes.UNWATCH_FLOW)
    registry.add_menu_entry(
        MenuEntry(codes.menu(codes.WATCH_FLOW), N_("Local alerts"), 46, roles=frozenset({Role.CITIZEN.value}))
    )
    registry.add_command(codes.menu(codes.WATCH_FLOW), "/alerts", "ติดตามพื้นที่", "ติดตามเรื่องในพื้นที่")
