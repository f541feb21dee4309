"""Agenda votes (โหวตเลือกประเด็น), step 1 in the open: the secretariat opens a vote on candidate agendas or pain
points of its province, sees the results as they come, and closes it (bot/domain/polls.py). Citizens vote in
handlers/citizen/vote.py."""

from __future__ import annotations

from bot.core.flow import Ctx, Flow, Outcome, StepFn, StepName, finish, goto, stay
from bot.core.i18n import N_, _, ngettext
from bot.core.registry import MenuEntry, Registry
from bot.core.text import button_label
from bot.core.types import Choice, Reply
from bot.domain import scope
from bot.domain.places import find_province
from bot.domain.polls import (
    MAX_OPTIONS,
    MIN_OPTIONS,
    QUESTION_MAX,
    PollProblem,
    close_poll,
    open_poll,
    parse_options,
    poll_result,
    polls_of,
)
from handlers import codes
from handlers.replies import forbidden_reply
from handlers.secretariat.common import ask_province, unknown_province, working_province
from storage.models import Poll


class Step(StepName):
    PROVINCE = "province"
    LIST = "list"
    QUESTION = "question"
    OPTIONS = "options"


async def enter(ctx: Ctx) -> Outcome:
    if not scope.is_secretariat(ctx.person):
        return finish(forbidden_reply())
    if working_province(ctx) is None:
        return goto(Step.PROVINCE, ask_province())
    return await _show(ctx)


async def on_province(ctx: Ctx) -> Outcome:
    province = await find_province(ctx.session, ctx.text)
    if province is None:
        return stay(ctx, unknown_province(ctx.text))
    ctx.data["province_id"] = province.id
    return await _show(ctx)


async def _show(ctx: Ctx) -> Outcome:
    polls = await polls_of(ctx.session, working_province(ctx))
    lines, buttons = [], [Choice(codes.POLL_NEW, _("Open a new vote"))]
    for poll in polls:
        result = await poll_result(ctx.session, poll)
        state = _("open") if poll.is_open else _("closed")
        lines.append(
            ngettext(
                "“{question}” ({state}, {n} vote):",
                "“{question}” ({state}, {n} votes):",
                result.total,
                question=poll.question,
                state=state,
            )
        )
        lines += [f"• {text}: {count}" for text, count in result.counts]
        if poll.is_open:
            buttons.append(
                Choice(codes.POLL_CLOSE(poll.id), button_label(_("Close: {question}", question=poll.question)))
            )
    text = "\n".join(lines) if lines else _("There is no vote yet. Open one on candidate agendas or pain points.")
    return goto(Step.LIST, Reply(text, choices=tuple(buttons)))


async def on_list(ctx: Ctx) -> Outcome:
    if ctx.choice == codes.POLL_NEW:
        return goto(Step.QUESTION, Reply(_("Type the question, e.g. Which problem should the province tackle first?")))
    poll = await ctx.session.get(Poll, codes.POLL_CLOSE.number(ctx.choice) or 0)
    if poll is None or not scope.serves_province(ctx.person, poll.province_id):
        return await _show(ctx)
    close_poll(poll, ctx.now)
    return await _show(ctx)


async def on_question(ctx: Ctx) -> Outcome:
    if not ctx.text or len(ctx.text) > QUESTION_MAX:
        return stay(ctx, Reply(_("Please type the question in {limit} characters or fewer.", limit=QUESTION_MAX)))
    ctx.data["question"] = ctx.text
    return goto(Step.OPTIONS, _options_prompt())


def _options_prompt(lead: str | None = None) -> Reply:
    text = _(
        "Type the choices, one a line ({low} to {high}), e.g. the candidate agendas or pain points.",
        low=MIN_OPTIONS,
        high=MAX_OPTIONS,
    )
    return Reply("\n".join(filter(None, [lead, text])))


async def on_options(ctx: Ctx) -> Outcome:
    province_id = working_province(ctx)
    if province_id is None or not scope.serves_province(ctx.person, province_id):
        return finish(forbidden_reply())
    try:
        options = parse_options(ctx.text)
    except PollProblem:
        return stay(
            ctx,
            _options_prompt(
                _("That is not a list of {low} to {high} different choices.", low=MIN_OPTIONS, high=MAX_OPTIONS)
            ),
        )
    await open_poll(ctx.session, province_id, ctx.data["question"], options, actor=ctx.person, now=ctx.now)
    return finish(Reply(_("The vote is open. Citizens of the province find it under “Choose the agenda”.")))


def register(registry: Registry) -> None:
    steps: dict[str, StepFn] = {
        Step.PROVINCE: on_province,
        Step.LIST: on_list,
        Step.QUESTION: on_question,
        Step.OPTIONS: on_options,
    }
    registry.add_flow(Flow(name=codes.POLLS_FLOW, enter=enter, steps=steps))
    registry.add_menu_entry(
        MenuEntry(codes.menu(codes.POLLS_FLOW), N_("Agenda votes"), 64, roles=scope.SECRETARIAT_ONLY)
    )
    registry.add_command(codes.menu(codes.POLLS_FLOW), "โหวตเลือกประเด็น", "/polls")
