"""Choose the agenda (ร่วมเลือกประเด็น): a citizen votes once in each open vote of their province on candidate
agendas or pain points (bot/domain/polls.py)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from bot.core.flow import Ctx, Flow, Outcome, StepFn, StepName, finish, goto, stay
from bot.core.i18n import N_, _, localized
from bot.core.registry import MenuEntry, Registry
from bot.core.text import button_label
from bot.core.types import Choice, Reply
from bot.domain.places import home_province_id
from bot.domain.polls import open_polls, options_of, vote
from handlers import codes
from handlers.citizen.provinces import picked_province, province_prompt
from storage.models import Poll, PollOption, PollVote, Province, Role


class Step(StepName):
    PROVINCE = "province"
    VOTE = "vote"


async def enter(ctx: Ctx) -> Outcome:
    province_id = await home_province_id(ctx.session, ctx.person)
    if province_id is None:
        return goto(Step.PROVINCE, await province_prompt(ctx.session, ctx.person))
    return await _next_poll(ctx, province_id)


async def on_province(ctx: Ctx) -> Outcome:
    picked = await picked_province(ctx)
    if isinstance(picked, Reply):
        return stay(ctx, picked)
    return await _next_poll(ctx, picked.id)


async def _next_poll(ctx: Ctx, province_id: int) -> Outcome:
    province = await ctx.session.get(Province, province_id)
    name = localized(province.name_th, province.name_en) if province else "-"
    voted = select(PollVote.poll_id).where(PollVote.person_id == ctx.person.id)
    waiting = [
        p
        for p in await open_polls(ctx.session, province_id)
        if p.id not in set((await ctx.session.scalars(voted)).all())
    ]
    if not waiting:
        return finish(
            Reply(_("There is no open vote in {province} for you now. Thank you for taking part.", province=name))
        )
    poll = waiting[0]
    ctx.data["poll_id"] = poll.id
    options = await options_of(ctx.session, poll)
    text = _("{province} asks: {question}\nChoose one; you can vote once.", province=name, question=poll.question)
    return goto(Step.VOTE, Reply(text, choices=_ballot(options)))


def _ballot(options: Sequence[PollOption]) -> tuple[Choice, ...]:
    """A button per option, cut to LINE's 20 characters where it must be (the thanks names the option in full)."""
    return tuple(Choice(codes.VOTE_OPTION(option.id), button_label(option.text)) for option in options)


async def on_vote(ctx: Ctx) -> Outcome:
    poll = await ctx.session.get(Poll, ctx.data.get("poll_id", 0))
    option = await ctx.session.get(PollOption, codes.VOTE_OPTION.number(ctx.choice) or 0)
    if poll is None or not poll.is_open:
        return finish(Reply(_("This vote has closed. Thank you for your interest.")))
    if option is None or option.poll_id != poll.id:
        options = await options_of(ctx.session, poll)
        return stay(ctx, Reply(_("Please choose one of the buttons."), choices=_ballot(options)))
    if not await vote(ctx.session, poll, option.id, ctx.person, ctx.now):
        return finish(Reply(_("You have already voted in this vote. Each person votes once.")))
    return finish(Reply(_("Thank you. Your vote for “{choice}” is recorded.", choice=option.text)))


def register(registry: Registry) -> None:
    steps: dict[str, StepFn] = {Step.PROVINCE: on_province, Step.VOTE: on_vote}
    registry.add_flow(Flow(name=codes.VOTE_FLOW, enter=enter, steps=steps))
    registry.add_menu_entry(
        MenuEntry(codes.menu(codes.VOTE_FLOW), N_("Choose the agenda"), 45, roles=frozenset({Role.CITIZEN.value}))
    )
    registry.add_command(codes.menu(codes.VOTE_FLOW), "/vote", "โหวต", "ร่วมเลือกประเด็น")
