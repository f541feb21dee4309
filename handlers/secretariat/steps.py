"""ขั้นตอนของโครงการ: one main-menu entry for the secretariat's work on the programme's four steps, so the menu
stays short. It opens the step flows: hand in step 2 or 4, what was handed in, record a joint review (step 3),
the joint reviews, and a fiscal year's deadlines (entered by the national secretariat)."""

from __future__ import annotations

from bot.core.flow import Ctx, Flow, Outcome, finish
from bot.core.i18n import N_, _
from bot.core.registry import MenuEntry, Registry
from bot.core.types import Choice, Reply
from bot.domain import scope
from handlers import codes
from handlers.replies import forbidden_reply


def step_choices(person_is_national: bool) -> tuple[Choice, ...]:
    """The step flows a secretariat member can open: a province hands in and records; the national team reads
    every province's and enters the deadlines."""
    provincial = (
        Choice(codes.menu(codes.HANDIN_FLOW), _("Hand in step 2 or 4")),
        Choice(codes.menu(codes.REVIEW_FLOW), _("Record a review")),
    )
    shared = (
        Choice(codes.menu(codes.HANDED_IN_FLOW), _("What was handed in")),
        Choice(codes.menu(codes.REVIEWS_FLOW), _("Joint reviews")),
        Choice(codes.menu(codes.YEAR_DEADLINES_FLOW), _("Deadlines of a year")),
    )
    return shared if person_is_national else provincial + shared


async def enter(ctx: Ctx) -> Outcome:
    if not scope.is_secretariat(ctx.person):
        return finish(forbidden_reply())
    national = scope.is_national(ctx.person)
    text = _(
        "The programme's four steps: (1) select the agenda, (2) submit the agenda proposal, (3) review and track "
        "progress together, (4) report results. What would you like to do?"
    )
    return finish(Reply(text, choices=step_choices(national)), menu=False)


def register(registry: Registry) -> None:
    registry.add_flow(Flow(name=codes.STEPS_FLOW, enter=enter, steps={}, roles=scope.SECRETARIAT_ONLY))
    registry.add_menu_entry(
        MenuEntry(codes.menu(codes.STEPS_FLOW), N_("Programme steps"), 59, roles=scope.SECRETARIAT_ONLY)
    )
