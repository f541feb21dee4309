"""Follow a ticket (ติดตามเรื่อง): the person's tickets, or any ticket by number, with its status history.

Someone else's ticket shows only the public summary: no description, no history notes, nothing about the
complainant. A resolved ticket of one's own offers rating and, inside the window, reopening.
"""

from __future__ import annotations

from bot.core.flow import Ctx, Flow, Outcome, StepName, goto
from bot.core.i18n import _, format_date
from bot.core.registry import Registry
from bot.core.types import Choice, Reply
from bot.domain.publication import public_status_url
from bot.domain.tickets import (
    OPEN_STATUSES,
    TICKET_EXAMPLE,
    can_reopen,
    find_ticket,
    is_own,
    normalise_ticket_no,
    recent_tickets,
    reopen_deadline,
    status_label,
)
from handlers import codes
from handlers.cards import history_text, ticket_card
from handlers.citizen.publicity import hide_choices
from handlers.labels import ticket_label
from storage.models import Complaint, ComplaintStatus

MY_TICKETS = "mine"  # the argument of FOLLOW_TICKET that lists the person's own tickets


class Step(StepName):
    CHOOSE = "choose"


def ticket_choice(complaint: Complaint) -> Choice:
    return Choice(codes.FOLLOW_TICKET(complaint.ticket_no), ticket_label(complaint.ticket_no, complaint.status))


async def my_tickets_reply(ctx: Ctx, lead: str | None = None) -> Reply:
    tickets = await recent_tickets(ctx.session, ctx.person)
    if not tickets:
        text = _(
            "You have not filed any complaint yet. To look up a ticket, type its number (for example {example}).",
            example=TICKET_EXAMPLE,
        )
        return Reply("\n".join(filter(None, [lead, text])))
    open_count = sum(1 for t in tickets if t.status in OPEN_STATUSES)
    text = _(
        "Your tickets, newest first ({open_count} still open). Choose one, or type any ticket number "
        "(for example {example}).",
        open_count=open_count,
        example=TICKET_EXAMPLE,
    )
    statuses = "\n".join(f"• {t.ticket_no}: {status_label(t.status)}" for t in tickets)
    return Reply("\n".join(filter(None, [lead, text, statuses])), choices=tuple(ticket_choice(t) for t in tickets))


async def _status_details(ctx: Ctx, complaint: Complaint, own: bool) -> list[str]:
    lines: list[str] = []
    if complaint.status == ComplaintStatus.DUPLICATE and complaint.duplicate_of_id is not None:
        original = await ctx.session.get(Complaint, complaint.duplicate_of_id)
        if original is not None:
            lines.append(
                _("This is the same matter as ticket {original}: it is followed there.", original=original.ticket_no)
            )
    if own and complaint.status == ComplaintStatus.REJECTED and complaint.reject_reason:
        lines.append(_("Reason: {reason}", reason=complaint.reject_reason))
    if own and complaint.status == ComplaintStatus.RESOLVED and complaint.resolved_at is not None:
        until = reopen_deadline(complaint, ctx.settings.reopen_days)
        if until is not None and ctx.now <= until:
            lines.append(_("Not solved after all? You can reopen it until {date}.", date=format_date(until)))
        if complaint.rating is None:
            lines.append(_("Please rate how it was handled."))
    return lines


async def _ticket_choices(ctx: Ctx, complaint: Complaint, own: bool) -> tuple[Choice, ...]:
    buttons: list[Choice] = []
    if complaint.duplicate_of_id is not None:
        original = await ctx.session.get(Complaint, complaint.duplicate_of_id)
        if original is not None:
            buttons.append(
                Choice(codes.FOLLOW_TICKET(original.ticket_no), _("Open {ticket}", ticket=original.ticket_no))
            )
    if own and complaint.status in (ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED) and complaint.resolved_at:
        label = _("Rate") if complaint.rating is None else _("Change my rating")
        buttons.append(Choice(codes.RATE_TICKET(complaint.ticket_no), label))
        if can_reopen(complaint, ctx.now, ctx.settings.reopen_days):
            buttons.append(Choice(codes.REOPEN_TICKET(complaint.ticket_no), _("Reopen")))
    if own:
        buttons += hide_choices(complaint)
    if await recent_tickets(ctx.session, ctx.person, limit=1):
        buttons.append(Choice(codes.FOLLOW_TICKET(MY_TICKETS), _("My tickets")))
    return tuple(buttons)


async def ticket_replies(ctx: Ctx, complaint: Complaint) -> list[Reply]:
    """The card, then the history (own ticket) or a public-summary note (anyone else's)."""
    own = is_own(complaint, ctx.person)
    page = public_status_url(ctx.settings.public_base_url, complaint.ticket_no)
    card = await ticket_card(ctx.session, complaint, public=not own, public_page=page)
    lines = await _status_details(ctx, complaint, own)
    if own:
        lines.insert(0, _("Status history:") + "\n" + await history_text(ctx.session, complaint))
    else:
        lines.insert(
            0,
            _(
                "This is the public summary of ticket {ticket}. Details are shown only to the person who filed it.",
                ticket=complaint.ticket_no,
            ),
        )
    lines.append(_('Type another ticket number to look it up, or "menu" to finish.'))
    return [Reply(card=card), Reply("\n\n".join(lines), choices=await _ticket_choices(ctx, complaint, own))]


async def show_ticket(ctx: Ctx, typed: str) -> Outcome:
    ticket_no = normalise_ticket_no(typed)
    if ticket_no is None:
        return goto(
            Step.CHOOSE,
            await my_tickets_reply(
                ctx,
                _(
                    '"{typed}" is not a ticket number. A ticket number looks like {example}.',
                    typed=typed,
                    example=TICKET_EXAMPLE,
                ),
            ),
        )
    complaint = await find_ticket(ctx.session, ticket_no)
    if complaint is None:
        return goto(
            Step.CHOOSE,
            await my_tickets_reply(ctx, _("There is no ticket {ticket}. Please check the number.", ticket=ticket_no)),
        )
    return goto(Step.CHOOSE, *await ticket_replies(ctx, complaint))


async def enter(ctx: Ctx) -> Outcome:
    """Show the ticket named by a button or "/status CRI-69-00042", else the person's tickets."""
    if ctx.args and ctx.args != MY_TICKETS:
        return await show_ticket(ctx, ctx.args)
    return goto(Step.CHOOSE, await my_tickets_reply(ctx))


async def on_choose(ctx: Ctx) -> Outcome:
    """A ticket from the list, or a typed ticket number."""
    chosen = codes.FOLLOW_TICKET.arg(ctx.choice)
    if chosen is not None:
        ctx.args = chosen
        return await enter(ctx)
    if not ctx.text:
        return goto(Step.CHOOSE, await my_tickets_reply(ctx, _("Please choose a ticket or type its number.")))
    return await show_ticket(ctx, ctx.text)


def register(registry: Registry) -> None:
    registry.add_flow(Flow(name=codes.FOLLOW_FLOW, enter=enter, steps={Step.CHOOSE: on_choose}))
    registry.add_code_prefix(codes.FOLLOW_TICKET.prefix, codes.FOLLOW_FLOW)
    registry.add_text_pattern(normalise_ticket_no, codes.FOLLOW_FLOW)  # a ticket number typed idle opens it
    registry.add_command(codes.menu(codes.FOLLOW_FLOW), "/status", "/follow", "ติดตามเรื่อง")
