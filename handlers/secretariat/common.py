"""What the secretariat's flows share: which province a member works on, and how to ask for one."""

from __future__ import annotations

from bot.core.flow import Ctx
from bot.core.i18n import _
from bot.core.types import Reply
from bot.domain import scope


def working_province(ctx: Ctx) -> int | None:
    """The province in the flow's data, else the member's own; None for a national member who has not chosen."""
    chosen = ctx.data.get("province_id")
    if isinstance(chosen, int) and scope.serves_province(ctx.person, chosen):
        return chosen
    return ctx.person.province_id


def ask_province() -> Reply:
    return Reply(_("Which province? Type its name, e.g. เชียงราย."))


def unknown_province(text: str) -> Reply:
    return Reply(_("I could not find the province “{name}”. Please type its Thai name, e.g. เชียงราย.", name=text))
