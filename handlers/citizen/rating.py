"""After resolution: rate a ticket 1–5 with an optional comment, or reopen it with a reason inside the window.

Only the complainant may do either. Reopening puts the ticket back in progress through `change_status` (so the
history records it) and tells the officers of the agency that holds the ticket.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta

from sqlalchemy import select

from bot.core.flow import Ctx, Flow, Outcome, StepName, finish, goto, stay
from bot.core.i18n import _, format_date
from bot.core.types import Choice, Reply
from handlers import router
from handlers.citizen.common import aware, find_ticket, is_own, normalise_ticket_no, text_problem
from handlers.citizen.follow import can_reopen
from handlers.tickets import FOLLOW_TICKET, RATE_TICKET, REOPEN_TICKET, change_status
from storage.models import Complaint, ComplaintStatus, Person, Role

RATE_FLOW = "rate"
REOPEN_FLOW = "reopen"
STAR_CODE = "star:"
SKIP = "skip"
COMMENT_MAX = 500
REASON_MIN = 5
REASON_MAX = 500
RATEABLE = (ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED)


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
    return (Choice(f"{FOLLOW_TICKET}{complaint.ticket_no}", _("View ticket")),)


def stars_reply(text: str) -> Reply:
    choices = tuple(Choice(f"{STAR_CODE}{n}", "★" * n) for n in range(1, 6))
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
    stars = ctx.choice[len(STAR_CODE) :] if ctx.choice and ctx.choice.startswith(STAR_CODE) else ""
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
            choices=(Choice(SKIP, _("Skip")),),
        ),
    )


async def on_comment(ctx: Ctx) -> Outcome:
    comment: str | None = None
    if ctx.choice != SKIP:
        problem = (
            text_problem(ctx.text, minimum=1, maximum=COMMENT_MAX)
            if ctx.text
            else _("Please type your comment, or choose Skip.")
        )
        if problem:
            return stay(ctx, Reply(problem, choices=(Choice(SKIP, _("Skip")),)))
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
    if not can_reopen(ctx, found):
        closed_on = aware(found.resolved_at) + timedelta(days=ctx.settings.reopen_days)
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
    if not can_reopen(ctx, complaint):
        return finish(Reply(_("Ticket {ticket} can no longer be reopened.", ticket=complaint.ticket_no)))
    event = await change_status(ctx, complaint, ComplaintStatus.IN_PROGRESS, note=ctx.text, actor=ctx.person)
    for officer in await agency_officers(ctx, complaint):
        ctx.notify(
            officer,
            _reopened_notice(complaint.ticket_no, ctx.text),
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


async def agency_officers(ctx: Ctx, complaint: Complaint) -> Sequence[Person]:
    if complaint.agency_id is None:
        return []
    rows = await ctx.session.scalars(
        select(Person).where(
            Person.role == Role.OFFICER, Person.agency_id == complaint.agency_id, Person.deleted_at.is_(None)
        )
    )
    return rows.all()


def _reopened_notice(ticket_no: str, reason: str) -> Callable[[], Sequence[Reply]]:
    def build() -> Sequence[Reply]:
        return [
            Reply(
                _(
                    "The citizen reopened ticket {ticket}: it is back in progress.\nReason: {reason}",
                    ticket=ticket_no,
                    reason=reason,
                )
            )
        ]

    return build


router.register(Flow(name=RATE_FLOW, enter=rate_enter, steps={RateStep.STARS: on_stars, RateStep.COMMENT: on_comment}))
router.register(Flow(name=REOPEN_FLOW, enter=reopen_enter, steps={ReopenStep.REASON: on_reason}))
router.add_code_prefix(RATE_TICKET, RATE_FLOW)
router.add_code_prefix(REOPEN_TICKET, REOPEN_FLOW)
