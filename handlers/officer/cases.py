"""Complaint handling for officers: the list of tickets routed to them, and the actions on one ticket.

The list ("m:cases") shows open tickets in scope, overdue first, then by answer date. A ticket opens with the
code "case:<ticket number>" (from the list, a forwarding notice or the secretariat's digest), shows its card,
history and the actions its status allows. Every change goes through `bot.domain.tickets.change_status`, so it
is in the history and the citizen hears of it.
"""

from __future__ import annotations

from sqlalchemy import case, select

from bot.core.flow import Ctx, Flow, Outcome, StepFn, StepName, choices, finish, goto, stay
from bot.core.i18n import N_, _, format_date, localized
from bot.core.registry import MenuEntry, Registry
from bot.core.types import Ask, Choice, Reply
from bot.domain import scope
from bot.domain.local_government import local_governments_near
from bot.domain.places import agencies_for
from bot.domain.progress import local_today
from bot.domain.tickets import (
    OPEN_STATUSES,
    TellComplainant,
    change_status,
    find_ticket,
    forward,
    mark_duplicate,
    photo_ids,
    reject,
    status_label,
)
from handlers import codes, notices
from handlers.cards import history_text, ticket_card
from handlers.labels import agency_label, agency_name, legend
from handlers.replies import forbidden_reply
from storage.models import Agency, Complaint, ComplaintStatus, PhotoKind

MAX_LISTED = 10
MAX_NOTE = 500

S = ComplaintStatus
ACTIONS: dict[str, tuple[str, ...]] = {
    S.RECEIVED: ("accept", "in_progress", "forward", "duplicate", "reject"),
    S.FORWARDED: ("accept", "in_progress", "forward", "duplicate", "reject"),
    S.ACCEPTED: ("in_progress", "resolved", "forward", "duplicate", "reject"),
    S.IN_PROGRESS: ("resolved", "forward", "duplicate", "reject"),
    S.RESOLVED: ("closed", "in_progress"),
}
ACTION_LABELS = {
    "accept": N_("Accept"),
    "in_progress": N_("In progress"),
    "resolved": N_("Resolved"),
    "closed": N_("Close"),
    "forward": N_("Forward to another agency"),
    "duplicate": N_("Mark as duplicate"),
    "reject": N_("Reject"),
}
WITH_NOTE = {"in_progress": S.IN_PROGRESS, "resolved": S.RESOLVED, "closed": S.CLOSED}
WITH_PHOTO = {"in_progress", "resolved"}


# ---------------------------------------------------------------- the list


async def list_enter(ctx: Ctx) -> Outcome:
    """Open tickets in the person's scope, overdue first, then by answer date and age."""
    if not scope.STAFF_ROLES & {ctx.person.role}:
        return finish(forbidden_reply())
    today = local_today(ctx.now)
    overdue_first = case((Complaint.due_on < today, 0), else_=1)
    tickets = (
        await ctx.session.scalars(
            select(Complaint)
            .where(scope.handled_by(ctx.person), Complaint.status.in_([str(s) for s in OPEN_STATUSES]))
            .order_by(overdue_first, Complaint.due_on, Complaint.created_at, Complaint.id)
            .limit(MAX_LISTED)
        )
    ).all()
    if not tickets:
        return finish(Reply(_("There are no open complaints for you to handle. Well done!")))
    lines = [_("Open complaints, overdue first:")]
    for number, ticket in enumerate(tickets, start=1):
        due = format_date(ticket.due_on)
        mark = " ⚠️ " + _("overdue") if ticket.due_on < today else ""
        lines.append(
            _(
                "{n}. {ticket} ({status}), answer by {date}",
                n=number,
                ticket=ticket.ticket_no,
                status=status_label(ticket.status),
                date=due,
            )
            + mark
        )
    buttons = [Choice(codes.OPEN_CASE(t.ticket_no), ("⚠️ " if t.due_on < today else "") + t.ticket_no) for t in tickets]
    buttons.append(Choice(codes.MENU, _("Main menu")))
    return finish(Reply("\n".join(lines), choices=tuple(buttons)), menu=False)


# ---------------------------------------------------------------- one ticket


class Step(StepName):
    ACTION = "action"
    NOTE = "note"
    PHOTO = "photo"
    AGENCY = "agency"
    DUPLICATE = "duplicate"
    REASON = "reason"


async def case_enter(ctx: Ctx) -> Outcome:
    """Show the ticket and what can be done with it."""
    if not scope.STAFF_ROLES & {ctx.person.role}:
        return finish(forbidden_reply())
    ticket_no = ctx.args.strip().upper()
    complaint = await ctx.session.scalar(select(Complaint).where(Complaint.ticket_no == ticket_no))
    if complaint is None:
        return finish(Reply(_("There is no ticket numbered {ticket}.", ticket=ticket_no)))
    if not scope.can_handle(ctx.person, complaint):
        return finish(forbidden_reply())
    ctx.data["complaint_id"] = complaint.id
    return await _show_case(ctx, complaint)


async def _show_case(ctx: Ctx, complaint: Complaint) -> Outcome:
    card = Reply(card=await ticket_card(ctx.session, complaint, handler=True))
    photos = [Reply(image_media_id=m) for m in await photo_ids(ctx.session, complaint, PhotoKind.BEFORE)]
    history = await history_text(ctx.session, complaint)
    actions = ACTIONS.get(ComplaintStatus(complaint.status), ())
    text = _("History:") + "\n" + history if history else _("No history yet.")
    if not actions:
        finished = _("This ticket is finished: no further action is possible.")
        return finish(card, *photos, Reply(text + "\n" + finished))
    buttons = tuple(Choice(codes.CASE_ACTION(a), str(ACTION_LABELS[a])) for a in actions)
    return goto(Step.ACTION, card, *photos, Reply(text + "\n\n" + _("What would you like to do?"), choices=buttons))


async def _complaint_in_scope(ctx: Ctx) -> Complaint | None:
    """The ticket being handled, re-checked at every step (it may have been forwarded in the meantime)."""
    complaint = await ctx.session.get(Complaint, ctx.data.get("complaint_id", 0))
    if complaint is None or not scope.can_handle(ctx.person, complaint):
        return None
    return complaint


async def answer_action(ctx: Ctx) -> Outcome:
    complaint = await _complaint_in_scope(ctx)
    if complaint is None:
        return finish(forbidden_reply())
    action = codes.CASE_ACTION.arg(ctx.choice) or ""
    if action not in ACTIONS.get(ComplaintStatus(complaint.status), ()):
        return await _show_case(ctx, complaint)
    ctx.data["action"] = action
    if action == "accept":
        await change_status(ctx.session, complaint, S.ACCEPTED, now=ctx.now, tell=_tell(ctx), actor=ctx.person)
        return _done(complaint)
    if action in WITH_NOTE:
        return _ask_note()
    if action == "forward":
        return await _ask_agency(ctx, complaint)
    if action == "duplicate":
        return goto(Step.DUPLICATE, Reply(_("Type the number of the original ticket, for example CRI-69-00042.")))
    return goto(Step.REASON, Reply(_("Why is this complaint rejected? The citizen will see this reason.")))


def _done(complaint: Complaint) -> Outcome:
    return finish(
        Reply(
            _(
                "Ticket {ticket} is now: {status}. The citizen has been told.",
                ticket=complaint.ticket_no,
                status=status_label(complaint.status),
            ),
            choices=choices((codes.menu(codes.CASES_FLOW), _("Back to the list")), (codes.MENU, _("Main menu"))),
        ),
        menu=False,
    )


def _ask_note() -> Outcome:
    return goto(Step.NOTE, Reply(_("Add a note for the citizen, or skip."), choices=choices((codes.SKIP, _("Skip")))))


async def answer_note(ctx: Ctx) -> Outcome:
    if ctx.choice != codes.SKIP:
        if not ctx.text:
            return _ask_note()
        if len(ctx.text) > MAX_NOTE:
            return stay(
                ctx, Reply(_("That note is too long: please keep it under {limit} characters.", limit=MAX_NOTE))
            )
        ctx.data["note"] = ctx.text
    if ctx.data["action"] in WITH_PHOTO:
        return goto(
            Step.PHOTO,
            Reply(
                _('Send a photo of the result ("after"), or skip.'),
                choices=choices((codes.SKIP, _("Skip"))),
                ask=Ask.PHOTO,
            ),
        )
    return await _apply_note_action(ctx)


async def answer_photo(ctx: Ctx) -> Outcome:
    if ctx.choice != codes.SKIP:
        if ctx.inbound.media_id is None:
            return stay(
                ctx, Reply(_("Please send a photo, or skip."), choices=choices((codes.SKIP, _("Skip"))), ask=Ask.PHOTO)
            )
        ctx.data["photo"] = ctx.inbound.media_id
    return await _apply_note_action(ctx)


async def _apply_note_action(ctx: Ctx) -> Outcome:
    complaint = await _complaint_in_scope(ctx)
    if complaint is None:
        return finish(forbidden_reply())
    status = WITH_NOTE[ctx.data["action"]]
    if ctx.data["action"] not in ACTIONS.get(ComplaintStatus(complaint.status), ()):
        return await _show_case(ctx, complaint)
    await change_status(
        ctx.session,
        complaint,
        status,
        now=ctx.now,
        tell=_tell(ctx),
        note=ctx.data.get("note"),
        actor=ctx.person,
        photo=ctx.data.get("photo"),
    )
    return _done(complaint)


# ---------------------------------------------------------------- forward, duplicate, reject


async def _ask_agency(ctx: Ctx, complaint: Complaint) -> Outcome:
    local = await local_governments_near(
        ctx.session, subdistrict_id=complaint.subdistrict_id, district_id=complaint.district_id
    )
    agencies = [
        a
        for a in [*local, *await agencies_for(ctx.session, complaint.province_id, complaint.district_id)]
        if a.id != complaint.agency_id
    ]
    buttons = tuple(Choice(codes.CASE_AGENCY(a.id), agency_label(a)) for a in agencies[:12])
    names = legend([(agency_label(a), agency_name(a)) for a in agencies[:12]])
    return goto(Step.AGENCY, Reply(_("Forward to which agency?") + "\n" + names, choices=buttons))


async def answer_agency(ctx: Ctx) -> Outcome:
    complaint = await _complaint_in_scope(ctx)
    if complaint is None:
        return finish(forbidden_reply())
    agency_id = codes.CASE_AGENCY.number(ctx.choice)
    agency = await ctx.session.get(Agency, agency_id) if agency_id is not None else None
    if agency is None or agency.province_id != complaint.province_id or agency.id == complaint.agency_id:
        return await _ask_agency(ctx, complaint)
    name = localized(agency.name_th, agency.name_en)
    await forward(
        ctx.session,
        complaint,
        agency,
        now=ctx.now,
        note=_("Forwarded to {agency}", agency=name),
        actor=ctx.person,
        tell=_tell(ctx),
        tell_agency=notices.tell_agency(ctx.notify),
    )
    return _done(complaint)


async def answer_duplicate(ctx: Ctx) -> Outcome:
    complaint = await _complaint_in_scope(ctx)
    if complaint is None:
        return finish(forbidden_reply())
    number = ctx.text.strip().upper()
    original = await find_ticket(ctx.session, number) if number else None
    if original is None or original.id == complaint.id:
        return stay(
            ctx, Reply(_("There is no other ticket numbered {ticket}. Please check the number.", ticket=number or "-"))
        )
    if original.province_id != complaint.province_id or not scope.serves_province(ctx.person, original.province_id):
        return stay(
            ctx,
            Reply(
                _(
                    "Ticket {ticket} is in another province: only a ticket of the same province can be the original.",
                    ticket=number,
                )
            ),
        )
    note = _("Same matter as ticket {ticket}", ticket=number)
    await mark_duplicate(ctx.session, complaint, original, now=ctx.now, note=note, actor=ctx.person, tell=_tell(ctx))
    return _done(complaint)


async def answer_reason(ctx: Ctx) -> Outcome:
    complaint = await _complaint_in_scope(ctx)
    if complaint is None:
        return finish(forbidden_reply())
    if not ctx.text:
        return stay(ctx, Reply(_("A reason is required to reject a complaint. Please type it.")))
    if len(ctx.text) > MAX_NOTE:
        return stay(ctx, Reply(_("That note is too long: please keep it under {limit} characters.", limit=MAX_NOTE)))
    await reject(ctx.session, complaint, ctx.text, now=ctx.now, actor=ctx.person, tell=_tell(ctx))
    return _done(complaint)


def _tell(ctx: Ctx) -> TellComplainant:
    return notices.tell_complainant(ctx.notify)


def register(registry: Registry) -> None:
    steps: dict[str, StepFn] = {
        Step.ACTION: answer_action,
        Step.NOTE: answer_note,
        Step.PHOTO: answer_photo,
        Step.AGENCY: answer_agency,
        Step.DUPLICATE: answer_duplicate,
        Step.REASON: answer_reason,
    }
    registry.add_flow(Flow(name=codes.CASES_FLOW, enter=list_enter, steps={}))
    # Anyone may open a case: `case_enter` gives a citizen the clear refusal.
    registry.add_flow(Flow(name=codes.CASE_FLOW, enter=case_enter, steps=steps))
    registry.add_menu_entry(
        MenuEntry(codes.menu(codes.CASES_FLOW), N_("Complaints to handle"), 51, roles=scope.STAFF_ROLES)
    )
    registry.add_code_prefix(codes.OPEN_CASE.prefix, codes.CASE_FLOW)
