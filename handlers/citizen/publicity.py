"""Withdrawing a ticket's consent to be shown in public, from its card (the buttons `follow.py` adds to one's own
ticket): its description and rounded place, or its photos only. The public pages follow within a minute."""

from __future__ import annotations

from bot.core.flow import Ctx, Flow, Outcome, finish
from bot.core.i18n import _
from bot.core.registry import Registry
from bot.core.types import Choice, Reply
from bot.domain.complaints.disclosure import Shown, given, withdraw
from bot.domain.tickets import find_ticket, is_own
from handlers import codes
from storage.models import Complaint


def hide_choices(complaint: Complaint) -> list[Choice]:
    """The withdrawal buttons of one's own ticket, for the consents it has."""
    labels = {Shown.COMPLAINT: _("Hide from public"), Shown.PHOTOS: _("Hide my photos")}
    return [Choice(codes.HIDE(f"{what}:{complaint.ticket_no}"), labels[what]) for what in given(complaint)]


async def enter(ctx: Ctx) -> Outcome:
    """Withdraw the consent named by the button, for a ticket of the person's own."""
    what, _sep, ticket_no = (ctx.args or "").partition(":")
    complaint = await find_ticket(ctx.session, ticket_no) if what in tuple(Shown) else None
    if complaint is None or not is_own(complaint, ctx.person):
        return finish(Reply(_("Only the person who filed a ticket can change what is shown of it.")))
    if not withdraw(complaint, Shown(what)):
        return finish(Reply(_("Ticket {ticket} is not shown in public: nothing to change.", ticket=ticket_no)))
    if what == Shown.PHOTOS:
        text = _(
            "The photos of ticket {ticket} are no longer shown in public. The public page follows within a minute.",
            ticket=ticket_no,
        )
    else:
        text = _(
            "Ticket {ticket} is no longer shown in public: its description, place and photos are hidden. The "
            "public page follows within a minute; its status stays public, without any details.",
            ticket=ticket_no,
        )
    return finish(Reply(text))


def register(registry: Registry) -> None:
    registry.add_flow(Flow(name=codes.HIDE_FLOW, enter=enter, steps={}))
    registry.add_code_prefix(codes.HIDE.prefix, codes.HIDE_FLOW)
