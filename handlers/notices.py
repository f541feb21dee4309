"""What the bot tells people about things they did not do themselves: a status change on their ticket, a ticket
forwarded to their agency or reopened, a deadline reminder, the daily digest of overdue complaints.

The domain decides who is told and when; these decide the words and the buttons. Each builder runs in the
recipient's language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from bot.core.i18n import _, format_date, localized, ngettext
from bot.core.notify import Notify
from bot.core.text import button_label, shorten
from bot.core.types import Choice, Reply
from bot.domain.alerts import Alert, AlertWords, CaseFacts
from bot.domain.feedback import TellCitizen, feedback_status_label
from bot.domain.tickets import TellComplainant, status_label
from bot.domain.watches import WatchNews
from handlers import codes
from storage.models import (
    Agency,
    Complaint,
    ComplaintEvent,
    ComplaintStatus,
    Deadline,
    Feedback,
    Person,
    Province,
)

MAX_DIGEST_LISTED = 20
MAX_DIGEST_BUTTONS = 5


def tell_complainant(notify: Notify) -> TellComplainant:
    """How `change_status` tells the complainant: a chat message with the new status, the note, and buttons to
    view the ticket (and, once resolved, to rate or reopen it)."""

    def tell(person: Person, complaint: Complaint, event: ComplaintEvent) -> None:
        ticket_no, status, note = complaint.ticket_no, ComplaintStatus(event.status), event.note
        photo = event.media_id

        def build() -> Sequence[Reply]:
            text = _("Update on your ticket {ticket}: {status}.", ticket=ticket_no, status=status_label(status))
            if note:
                text += "\n" + _("Note: {note}", note=note)
            buttons = [Choice(codes.FOLLOW_TICKET(ticket_no), _("View ticket"))]
            if status is ComplaintStatus.RESOLVED:  # the moment to ask how it went
                buttons += [
                    Choice(codes.RATE_TICKET(ticket_no), _("Rate")),
                    Choice(codes.REOPEN_TICKET(ticket_no), _("Not solved: reopen")),
                ]
            # The officer's photo of the work done comes with the words.
            return [Reply(text, choices=tuple(buttons), image_media_id=photo)]

        notify(person, build, f"ticket:{complaint.id}:event:{event.id}")

    return tell


def tell_agency(notify: Notify) -> TellComplainant:
    """How `forward` tells the officers of the agency a ticket was forwarded to."""

    def tell(officer: Person, complaint: Complaint, event: ComplaintEvent) -> None:
        ticket_no = complaint.ticket_no

        def build() -> Sequence[Reply]:
            text = _("Ticket {ticket} has been forwarded to your agency. Please take a look.", ticket=ticket_no)
            button = Choice(codes.OPEN_CASE(ticket_no), _("Open ticket {ticket}", ticket=ticket_no))
            return [Reply(text, choices=(button,))]

        notify(officer, build, f"forward:{event.id}:{officer.id}")

    return tell


def reopened(ticket_no: str, reason: str) -> Callable[[], Sequence[Reply]]:
    """To the officers handling a ticket the citizen reopened."""

    def build() -> Sequence[Reply]:
        text = _(
            "The citizen reopened ticket {ticket}: it is back in progress.\nReason: {reason}",
            ticket=ticket_no,
            reason=reason,
        )
        return [Reply(text)]

    return build


def reminder(deadline: Deadline, days_left: int) -> list[Reply]:
    """A deadline reminder, with the due date in the Buddhist Era and the button that starts the report."""
    title = localized(deadline.title_th, deadline.title_en)
    due = format_date(deadline.due_on, "long")
    if days_left > 0:
        text = ngettext(
            "Reminder: “{title}” is due on {due} ({n} day left).",
            "Reminder: “{title}” is due on {due} ({n} days left).",
            days_left,
            title=title,
            due=due,
        )
    elif days_left == 0:
        text = _("Reminder: “{title}” is due today, {due}.", title=title, due=due)
    else:
        text = _("Overdue: “{title}” was due on {due}. Please send it as soon as you can.", title=title, due=due)
    # A KPI's reporting deadline opens the report on that very KPI; a programme step, the hand-in for it.
    if deadline.kpi_id is not None:
        return [Reply(text, choices=(Choice(codes.REPORT_ON(f"k{deadline.kpi_id}"), _("Start the report")),))]
    return [Reply(text, choices=(Choice(codes.HAND_IN(deadline.id), _("Hand it in")),))]


def overdue_digest(
    province: Province, tickets: Sequence[Complaint], agencies: dict[int, Agency], today: date
) -> list[Reply]:
    """The daily digest of a province's complaints past their answer date, for its secretariat."""
    lines = [
        _(
            "Overdue complaints in {province} ({date}): {count} past their answer date.",
            province=localized(province.name_th, province.name_en),
            date=format_date(today),
            count=len(tickets),
        )
    ]
    for ticket in tickets[:MAX_DIGEST_LISTED]:
        agency = agencies.get(ticket.agency_id or 0)
        lines.append(
            _(
                "• {ticket}: {status}, due {date}, {agency}",
                ticket=ticket.ticket_no,
                status=status_label(ticket.status),
                date=format_date(ticket.due_on),
                agency=localized(agency.name_th, agency.name_en) if agency else _("no agency"),
            )
        )
    if len(tickets) > MAX_DIGEST_LISTED:
        lines.append(_("…and {n} more.", n=len(tickets) - MAX_DIGEST_LISTED))
    buttons = [Choice(codes.OPEN_CASE(t.ticket_no), t.ticket_no) for t in tickets[:MAX_DIGEST_BUTTONS]]
    buttons.append(Choice(codes.menu(codes.CASES_FLOW), _("Complaints to handle")))
    return [Reply("\n".join(lines), choices=tuple(buttons))]


# ---------------------------------------------------------------- alerts to staff (bot/domain/alerts.py)


def _open_case(ticket_no: str) -> Choice:
    return Choice(codes.OPEN_CASE(ticket_no), _("Open ticket {ticket}", ticket=ticket_no))


def _case_lines(facts: CaseFacts) -> list[str]:
    return [
        _("Subject: {subject}", subject=localized(facts.subject_th, facts.subject_en)),
        _("Area: {place}", place=localized(facts.place_th, facts.place_en)),
        _("Answer expected by: {date}", date=format_date(facts.due_on)),
        facts.summary,
    ]


def new_case_alert(notify: Notify) -> Alert:
    """A push to the officer or secretariat when a complaint in their scope is filed."""

    def alert(person: Person, facts: CaseFacts) -> None:
        def build() -> Sequence[Reply]:
            text = "\n".join([_("New complaint {ticket}", ticket=facts.ticket_no), *_case_lines(facts)])
            return [Reply(text, choices=(_open_case(facts.ticket_no),))]

        notify(person, build, f"newcase:{facts.ticket_no}:{person.id}")

    return alert


def overdue_alert(notify: Notify) -> Alert:
    """A push to the ticket's handlers when it passes its answer date."""

    def alert(person: Person, facts: CaseFacts) -> None:
        def build() -> Sequence[Reply]:
            head = _(
                "⚠️ Ticket {ticket} is past its answer date ({date}) and is not finished yet.",
                ticket=facts.ticket_no,
                date=format_date(facts.due_on),
            )
            lines = [head, *_case_lines(facts)[:2], facts.summary]
            return [Reply("\n".join(lines), choices=(_open_case(facts.ticket_no),))]

        notify(person, build, f"overdue:{facts.ticket_no}:{person.id}")

    return alert


def alert_digest(tickets: Sequence[CaseFacts]) -> list[Reply]:
    """The 08:00 or 16:00 list of new complaints, for those who chose a digest."""
    lines = [
        ngettext(
            "New complaints since the last summary: {n} ticket.",
            "New complaints since the last summary: {n} tickets.",
            len(tickets),
        )
    ]
    for facts in tickets[:MAX_DIGEST_LISTED]:
        subject = localized(facts.subject_th, facts.subject_en)
        place = localized(facts.place_th, facts.place_en)
        lines.append(
            _(
                "• {ticket}: {subject}, {place}, answer by {date}",
                ticket=facts.ticket_no,
                subject=subject,
                place=place,
                date=format_date(facts.due_on),
            )
        )
    if len(tickets) > MAX_DIGEST_LISTED:
        lines.append(_("…and {n} more.", n=len(tickets) - MAX_DIGEST_LISTED))
    buttons = [Choice(codes.OPEN_CASE(t.ticket_no), t.ticket_no) for t in tickets[:MAX_DIGEST_BUTTONS]]
    buttons.append(Choice(codes.menu(codes.CASES_FLOW), _("Complaints to handle")))
    return [Reply("\n".join(lines), choices=tuple(buttons))]


ALERT_WORDS = AlertWords(new_case=new_case_alert, overdue=overdue_alert, digest=alert_digest)


# ---------------------------------------------------------------- a citizen's daily summary of an area


def watch_summary(news: Sequence[WatchNews]) -> list[Reply]:
    """What was filed and resolved yesterday in the areas a citizen follows, with a way to stop following."""
    lines = [_("Complaints in the areas you follow, since yesterday's summary:")]
    for item in news:
        lines.append("")
        lines.append(localized(item.watch.name_th, item.watch.name_en))
        for label, tickets in ((_("New:"), item.filed), (_("Resolved:"), item.resolved)):
            if tickets:
                listed = ", ".join(f"{no} ({localized(th, en)})" for no, th, en in tickets)
                lines.append(f"{label} {listed}")
    stops = [
        Choice(
            codes.STOP_WATCH(item.watch.watch_id),
            button_label(_("Stop: {area}", area=localized(item.watch.name_th, item.watch.name_en))),
        )
        for item in news[:MAX_DIGEST_BUTTONS]
    ]
    return [Reply("\n".join(lines), choices=tuple(stops))]


# ---------------------------------------------------------------- the secretariat's answer to a citizen's view


def tell_feedback_author(notify: Notify) -> TellCitizen:
    """How the secretariat's status or reply reaches the citizen who sent a comment or proposal, in their
    language (the reply itself is as the secretariat typed it)."""

    def tell(person: Person, feedback: Feedback) -> None:
        status, reply, said = feedback.status, feedback.reply, shorten(feedback.text, 80)
        key = f"feedback:{feedback.id}:{status}:{len(reply or '')}:{feedback.answered_at}"

        def build() -> Sequence[Reply]:
            lines = [
                _("The secretariat has answered what you sent: “{text}”", text=said),
                _("Status: {status}", status=feedback_status_label(status)),
            ]
            if reply:
                lines.append(_("Reply: {reply}", reply=reply))
            return [Reply("\n".join(lines), choices=(Choice(codes.menu(codes.MY_DATA_FLOW), _("My data")),))]

        notify(person, build, key)

    return tell
