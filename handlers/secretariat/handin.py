"""Handing in steps 2 and 4 (the provincial secretariat): choose the deadline (or come from a reminder's button),
send the document as a file or a photo, add a note; and "what was handed in", for the province or, for the
national secretariat, every province (bot/domain/steps.py)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from bot.core.documents import document_id
from bot.core.flow import Ctx, Flow, Outcome, StepFn, StepName, finish, goto, stay, switch
from bot.core.i18n import _, format_date, format_datetime, localized
from bot.core.numbers import parse_id
from bot.core.registry import Registry
from bot.core.text import button_label, shorten_block
from bot.core.types import Ask, Choice, Reply
from bot.domain import scope
from bot.domain.periods import local_day
from bot.domain.steps import (
    NOTE_MAX,
    HandedIn,
    HandInProblem,
    HandInRefused,
    hand_in,
    handin_deadlines,
    handins_of,
    is_handin_deadline,
)
from handlers import codes
from handlers.replies import forbidden_reply
from storage.models import Deadline, ProgrammeStep

NOTE_SHOWN = 200


class Step(StepName):
    DEADLINE = "deadline"
    FILE = "file"
    NOTE = "note"


def _provincial(ctx: Ctx) -> bool:
    return scope.is_secretariat(ctx.person) and ctx.person.province_id is not None


async def enter(ctx: Ctx) -> Outcome:
    """From the steps menu (choose the deadline) or a reminder's button (`hi:<deadline id>`)."""
    if scope.is_national(ctx.person):
        return switch(codes.HANDED_IN_FLOW, Reply(_("Provinces hand in their steps; here is what they handed in.")))
    if not _provincial(ctx):
        return finish(forbidden_reply())
    deadline_id = parse_id(ctx.args) if ctx.args else None
    if deadline_id is not None:
        return await _from_reminder(ctx, deadline_id)
    deadlines = await handin_deadlines(ctx.session, _province(ctx), local_day(ctx.now))
    if not deadlines:
        return finish(
            Reply(
                _(
                    "No deadline for step 2 (the agenda proposal) or step 4 (the results report) has been entered "
                    "yet. The national secretariat enters each fiscal year's deadlines."
                )
            )
        )
    if len(deadlines) == 1:
        return _ask_file(ctx, deadlines[0])
    return goto(Step.DEADLINE, _deadline_prompt(deadlines))


def _province(ctx: Ctx) -> int:
    assert ctx.person.province_id is not None
    return ctx.person.province_id


async def _from_reminder(ctx: Ctx, deadline_id: int) -> Outcome:
    """A reminder's button: steps 2 and 4 are handed in here; step 3 is a joint review, step 1 a vote."""
    deadline = await ctx.session.get(Deadline, deadline_id)
    if deadline is None or deadline.step_id is None or deadline.province_id not in (None, _province(ctx)):
        return finish(Reply(_("That deadline is no longer open.")))  # a KPI's reporting deadline is not a step
    if await is_handin_deadline(ctx.session, deadline):
        return _ask_file(ctx, deadline)
    step = await ctx.session.scalar(select(ProgrammeStep.code).where(ProgrammeStep.id == deadline.step_id))
    if step == "track_progress":
        return switch(codes.REVIEW_FLOW)
    return switch(codes.POLLS_FLOW)


def _deadline_label(deadline: Deadline) -> str:
    return button_label(f"{format_date(deadline.due_on)} {localized(deadline.title_th, deadline.title_en)}")


def _deadline_prompt(deadlines: Sequence[Deadline]) -> Reply:
    lines = [_("Which deadline are you handing in for?")]
    lines += [
        _("• {title}: due {date}", title=localized(d.title_th, d.title_en), date=format_date(d.due_on))
        for d in deadlines
    ]
    buttons = tuple(Choice(codes.HANDIN_DEADLINE(d.id), _deadline_label(d)) for d in deadlines)
    return Reply("\n".join(lines), choices=buttons)


async def on_deadline(ctx: Ctx) -> Outcome:
    deadlines = await handin_deadlines(ctx.session, _province(ctx), local_day(ctx.now))
    chosen = codes.HANDIN_DEADLINE.number(ctx.choice)
    deadline = next((d for d in deadlines if d.id == chosen), None)
    if deadline is None:
        return stay(ctx, Reply(_("Please choose one of the buttons.")), _deadline_prompt(deadlines))
    return _ask_file(ctx, deadline)


def _file_prompt() -> Reply:
    return Reply(
        _("Send the document: the file itself (PDF, Word or Excel) or a photo of it."),
        ask=Ask.PHOTO,
    )


def _ask_file(ctx: Ctx, deadline: Deadline) -> Outcome:
    ctx.data["deadline_id"] = deadline.id
    title = localized(deadline.title_th, deadline.title_en)
    intro = Reply(_("Handing in “{title}”, due {date}.", title=title, date=format_date(deadline.due_on)))
    return goto(Step.FILE, intro, _file_prompt())


async def on_file(ctx: Ctx) -> Outcome:
    """A document (PDF, Word, Excel) or a photo of it."""
    media_id = ctx.inbound.media_id or document_id(ctx.inbound)
    if media_id is None:
        if ctx.inbound.extra.get("media_error"):
            return stay(ctx, Reply(_("Sorry, that file could not be used.")), _file_prompt())
        return stay(ctx, Reply(_("Nothing has been handed in yet.")), _file_prompt())
    ctx.data["media_id"] = media_id
    return goto(Step.NOTE, _note_prompt())


def _note_prompt() -> Reply:
    return Reply(
        _("Received. Add a note to go with it (what it is, which version), or hand it in without one."),
        choices=(Choice(codes.HANDIN_NO_NOTE, _("No note")),),
    )


async def on_note(ctx: Ctx) -> Outcome:
    if ctx.choice == codes.HANDIN_NO_NOTE:
        return await _save(ctx, "")
    if not ctx.text:
        return stay(ctx, _note_prompt())
    if len(ctx.text) > NOTE_MAX:
        return stay(ctx, Reply(_("That note is too long: please keep it under {limit} characters.", limit=NOTE_MAX)))
    return await _save(ctx, ctx.text)


async def _save(ctx: Ctx, note: str) -> Outcome:
    deadline = await ctx.session.get(Deadline, int(ctx.data.get("deadline_id") or 0))
    if deadline is None or not _provincial(ctx):
        return finish(Reply(_("That deadline is no longer open.")))
    try:
        await hand_in(
            ctx.session,
            deadline=deadline,
            province_id=_province(ctx),
            person=ctx.person,
            media_id=ctx.data.get("media_id"),
            note=note,
            now=ctx.now,
        )
    except HandInRefused as refused:
        if refused.problem is HandInProblem.NO_FILE:
            return goto(Step.FILE, Reply(_("Sorry, that file could not be used.")), _file_prompt())
        return finish(Reply(_("That deadline is no longer open.")))
    title = localized(deadline.title_th, deadline.title_en)
    return finish(
        Reply(
            _(
                "Handed in: “{title}”, {time}. It is kept with your name, and the reminders for it stop. The national "
                "secretariat sees it under “What was handed in”.",
                title=title,
                time=format_datetime(ctx.now),
            )
        )
    )


# ---------------------------------------------------------------- what was handed in


async def show_handed_in(ctx: Ctx) -> Outcome:
    """The latest hand-ins: the province's, or every province's for the national secretariat."""
    if not scope.is_secretariat(ctx.person):
        return finish(forbidden_reply())
    rows = await handins_of(ctx.session, ctx.person.province_id)
    if not rows:
        return finish(Reply(_("Nothing has been handed in yet.")))
    lines = [_("What was handed in (latest first):")]
    for row in rows:
        lines.append(_handed_in_line(row))
        if row.handin.note:
            lines.append(_("  Note: {note}", note=shorten_block(row.handin.note, NOTE_SHOWN)))
        if row.handin.media_id is not None:
            lines.append(_("  File: {link}", link=ctx.links.link(row.handin.media_id)))
    return finish(Reply("\n".join(lines)))


def _handed_in_line(row: HandedIn) -> str:
    name = (row.by.display_name if row.by is not None else None) or _("a secretariat member")
    return _(
        "• {title} — {province}: {time}, by {name}",
        title=localized(row.deadline.title_th, row.deadline.title_en),
        province=localized(row.province.name_th, row.province.name_en),
        time=format_datetime(row.handin.created_at),
        name=name,
    )


def register(registry: Registry) -> None:
    steps: dict[str, StepFn] = {Step.DEADLINE: on_deadline, Step.FILE: on_file, Step.NOTE: on_note}
    registry.add_flow(Flow(name=codes.HANDIN_FLOW, enter=enter, steps=steps, roles=scope.SECRETARIAT_ONLY))
    registry.add_flow(Flow(name=codes.HANDED_IN_FLOW, enter=show_handed_in, steps={}, roles=scope.SECRETARIAT_ONLY))
    registry.add_code_prefix(codes.HAND_IN.prefix, codes.HANDIN_FLOW)
