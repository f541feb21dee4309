"""After resolution: rate a ticket 1–5 with an optional comment, or reopen it with a reason inside the window.

Only the complainant may do either. Reopening puts the ticket back in progress through `change_status` (so the
history records it) and tells the officers of the agency that holds the ticket.
"""

from __future__ import annotations

from bot.core.flow import Ctx, Flow, Outcome, StepFn, StepName, finish, goto, stay
from bot.core.i18n import _, format_date
from bot.core.registry import Registry
from bot.core.types import Choice, Reply
from bot.domain.tickets import (
    RATEABLE,
    can_reopen,
    change_status,
    find_ticket,
    is_own,
    normalise_ticket_no,
    officers_of_agency,
    reopen_deadline,
)
from handlers import codes, notices
from handlers.citizen.common import text_problem
from storage.models import Complaint, ComplaintStatus

COMMENT_MAX = 500
REASON_MIN = 5
REASON_MAX = 500


class RateStep(StepName):
    STARS = "stars"
    COMMENT = "comment"


class ReopenStep(StepName):
    REASON = "reason"


async def own_ticket(ctx: Ctx, typed: str) -> Complaint | Reply:
    """The person's own ticket named by `typed`, or a reply explaining why not."""
    ticket_no = normalise_ticket_no(typed)
    complaint = await find_ticket(ctx.session, ticket_no) if ticket_no else None
    if complaint is None:
        return Reply(_("There is no ticket {ticket}. Please check the number.", ticket=typed or "-"))
    if not is_own(complaint, ctx.person):
        return Reply(_("Only the person who filed ticket {ticket} can do this.", ticket=complaint.ticket_no))
    return complaint


def _view(complaint: Complaint) -> tuple[Choice, ...]:
    return (Choice(codes.FOLLOW_TICKET(complaint.ticket_no), _("View ticket")),)


def stars_reply(text: str) -> Reply:
    choices = tuple(Choice(codes.STARS(n), "★" * n) for n in range(1, 6))
    return Reply(text, choices=choices)


# ---------------------------------------------------------------- rating


async def rate_enter(ctx: Ctx) -> Outcome:
    """Ask for 1–5 stars on the person's own resolved ticket."""
    found = await own_ticket(ctx, ctx.args)
    if isinstance(found, Reply):
        return finish(found)
    if found.status not in RATEABLE or found.resolved_at is None:
        return finish(
            Reply(_("Ticket {ticket} can be rated once it is resolved.", ticket=found.ticket_no), choices=_view(found))
        )
    ctx.data["complaint_id"] = found.id
    return goto(
        RateStep.STARS,
        stars_reply(
            _(
                "How satisfied are you with how ticket {ticket} was handled? Choose 1 to 5 stars (5 is best), "
                "or type a number from 1 to 5.",
                ticket=found.ticket_no,
            )
        ),
    )


async def on_stars(ctx: Ctx) -> Outcome:
    stars = codes.STARS.arg(ctx.choice) or ""
    if stars not in {"1", "2", "3", "4", "5"}:
        return stay(ctx, stars_reply(_("Please choose from 1 to 5 stars, or type a number from 1 to 5.")))
    ctx.data["stars"] = int(stars)
    return goto(
        RateStep.COMMENT,
        Reply(
            _(
                "Thank you. Would you like to add a comment (up to {limit} characters)? Type it, or choose Skip.",
                limit=COMMENT_MAX,
            ),
            choices=(Choice(codes.SKIP, _("Skip")),),
        ),
    )


async def on_comment(ctx: Ctx) -> Outcome:
    comment: str | None = None
    if ctx.choice != codes.SKIP:
        problem = (
            text_problem(ctx.text, minimum=1, maximum=COMMENT_MAX)
            if ctx.text
            else _("Please type your comment, or choose Skip.")
        )
        if problem:
            return stay(ctx, Reply(problem, choices=(Choice(codes.SKIP, _("Skip")),)))
        comment = ctx.text
    complaint = await ctx.session.get(Complaint, ctx.data["complaint_id"])
    if complaint is None or not is_own(complaint, ctx.person):
        return finish(Reply(_("That ticket is no longer available.")))
    complaint.rating = int(ctx.data["stars"])
    complaint.rating_comment = comment
    complaint.updated_at = ctx.now
    return finish(
        Reply(
            _(
                "Thank you for rating ticket {ticket}: {stars}.",
                ticket=complaint.ticket_no,
                stars="★" * complaint.rating,
            )
        )
    )


# ---------------------------------------------------------------- reopening


async def reopen_enter(ctx: Ctx) -> Outcome:
    """Inside the window, ask why the matter is not solved; after it, say so."""
    found = await own_ticket(ctx, ctx.args)
    if isinstance(found, Reply):
        return finish(found)
    if found.status != ComplaintStatus.RESOLVED or found.resolved_at is None:
        return finish(
            Reply(
                _("Only a resolved ticket can be reopened. Ticket {ticket} is not resolved.", ticket=found.ticket_no),
                choices=_view(found),
            )
        )
    closed_on = reopen_deadline(found, ctx.settings.reopen_days)
    if closed_on is not None and ctx.now > closed_on:
        return finish(
            Reply(
                _(
                    "Ticket {ticket} can no longer be reopened: the {days}-day window ended on {date}. If the problem "
                    "is still there, please file a new complaint.",
                    ticket=found.ticket_no,
                    days=ctx.settings.reopen_days,
                    date=format_date(closed_on),
                )
            )
        )
    ctx.data["complaint_id"] = found.id
    return goto(
        ReopenStep.REASON,
        Reply(
            _(
                "Why is the matter not solved? Please describe it ({minimum} to {maximum} characters); the agency "
                "will see your reason.",
                minimum=REASON_MIN,
                maximum=REASON_MAX,
            )
        ),
    )


async def on_reason(ctx: Ctx) -> Outcome:
    problem = text_problem(ctx.text, minimum=REASON_MIN, maximum=REASON_MAX)
    if problem:
        return stay(ctx, Reply(problem))
    complaint = await ctx.session.get(Complaint, ctx.data["complaint_id"])
    if complaint is None or not is_own(complaint, ctx.person):
        return finish(Reply(_("That ticket is no longer available.")))
    if not can_reopen(complaint, ctx.now, ctx.settings.reopen_days):
        return finish(Reply(_("Ticket {ticket} can no longer be reopened.", ticket=complaint.ticket_no)))
    event = await change_status(
        ctx.session,
        complaint,
        ComplaintStatus.IN_PROGRESS,
        now=ctx.now,
        tell=notices.tell_complainant(ctx.notify),
        note=ctx.text,
        actor=ctx.person,
    )
    for officer in await officers_of_agency(ctx.session, complaint.agency_id):
        ctx.notify(
            officer,
            notices.reopened(complaint.ticket_no, ctx.text),
            key=f"ticket:{complaint.id}:reopened:{event.id}:{officer.id}",
        )
    return finish(
        Reply(
            _(
                "Ticket {ticket} is open again and back in progress. We have told the agency; you "
                "will hear from us when it changes.",
                ticket=complaint.ticket_no,
            ),
            choices=_view(complaint),
        )
    )


def register(registry: Registry) -> None:
    rate_steps: dict[str, StepFn] = {RateStep.STARS: on_stars, RateStep.COMMENT: on_comment}
    registry.add_flow(Flow(name=codes.RATE_FLOW, enter=rate_enter, steps=rate_steps))
    registry.add_flow(Flow(name=codes.REOPEN_FLOW, enter=reopen_enter, steps={ReopenStep.REASON: on_reason}))
    registry.add_code_prefix(codes.RATE_TICKET.prefix, codes.RATE_FLOW)
    registry.add_code_prefix(codes.REOPEN_TICKET.prefix, codes.REOPEN_FLOW)
