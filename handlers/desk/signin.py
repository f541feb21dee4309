"""`แดชบอร์ด` / `dashboard` (or the menu button): a secretariat member or an officer gets a one-time link to the web
desk, valid ten minutes (bot/domain/signin.py); anyone else a polite no."""

from __future__ import annotations

from bot.core.flow import Ctx, Flow, Outcome, finish
from bot.core.i18n import N_, _
from bot.core.registry import MenuEntry, Registry
from bot.core.types import Reply
from bot.domain import scope, signin
from handlers import codes

DESK_FLOW = "desk"
MENU_ORDER = 90  # last among the staff's entries


async def enter(ctx: Ctx) -> Outcome:
    if not signin.may_use_desk(ctx.person):
        return finish(Reply(_("Sorry, the web desk is for the provincial secretariat and officers only.")))
    token = await signin.new_link(ctx.session, ctx.person, ctx.now)
    link = signin.signin_url(ctx.settings.public_base_url, token)
    text = _(
        "Your link to the web desk (valid 10 minutes, works once; do not share it):\n{link}",
        link=link,
    )
    return finish(Reply(text))


def register(registry: Registry) -> None:
    registry.add_flow(Flow(name=DESK_FLOW, enter=enter, steps={}))
    registry.add_menu_entry(MenuEntry(codes.menu(DESK_FLOW), N_("Web desk"), MENU_ORDER, roles=scope.STAFF_ROLES))
    registry.add_command(codes.menu(DESK_FLOW), "/dashboard", "dashboard", "แดชบอร์ด", "/desk")
