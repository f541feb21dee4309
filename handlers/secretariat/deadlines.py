"""A fiscal year's step deadlines in chat: every secretariat member reads them (a year with none entered says
so); the national secretariat enters them, one step at a time (bot/domain/steps.py). Nothing is copied from
another year."""

from __future__ import annotations

from sqlalchemy import select

from bot.core.flow import Ctx, Flow, Outcome, StepFn, StepName, finish, goto, stay
from bot.core.i18n import _, format_date, localized
from bot.core.registry import Registry
from bot.core.types import Choice, Reply
from bot.domain import scope
from bot.domain.periods import local_day
from bot.domain.steps import DeadlineProblem, DeadlineRefused, deadline_window, enter_year_deadline, year_deadlines
from bot.domain.values import BadValue, parse_date, parse_fiscal_year
from handlers import codes
from handlers.replies import forbidden_reply
from storage.models import ProgrammeStep
from storage.seed import fiscal_year_of


class Step(StepName):
    YEAR = "year"
    SHOWN = "shown"
    STEP = "step"
    DUE = "due"


def _year_prompt(ctx: Ctx) -> Reply:
    current = fiscal_year_of(local_day(ctx.now))
    years = (current, current + 1)
    return Reply(
        _("Which fiscal year? Choose, or type it, e.g. 2570."),
        choices=tuple(Choice(codes.FISCAL_YEAR(year), _("FY {year}", year=year)) for year in years),
    )


async def enter(ctx: Ctx) -> Outcome:
    if not scope.is_secretariat(ctx.person):
        return finish(forbidden_reply())
    return goto(Step.YEAR, _year_prompt(ctx))


async def on_year(ctx: Ctx) -> Outcome:
    try:
        year_be = parse_fiscal_year(codes.FISCAL_YEAR.arg(ctx.choice) or ctx.text)
    except BadValue:
        return stay(ctx, Reply(_("Please type a fiscal year in the Buddhist Era, e.g. 2570.")), _year_prompt(ctx))
    ctx.data["year"] = year_be
    return await _show_year(ctx, year_be)


async def _show_year(ctx: Ctx, year_be: int) -> Outcome:
    deadlines = await year_deadlines(ctx.session, year_be)
    if deadlines:
        lines = [_("Step deadlines of FY {year}:", year=year_be)]
        lines += [
            _("• {title}: due {date}", title=localized(d.title_th, d.title_en), date=format_date(d.due_on))
            for d in deadlines
            if d.province_id in (None, ctx.person.province_id) or scope.is_national(ctx.person)
        ]
        text = "\n".join(lines)
    else:
        text = _(
            "No step deadlines have been entered for FY {year} yet. The national secretariat enters them; "
            "nothing is copied from another year.",
            year=year_be,
        )
    if not scope.is_national(ctx.person):
        return finish(Reply(text))
    return goto(Step.SHOWN, Reply(text, choices=(Choice(codes.ENTER_DEADLINE, _("Enter a deadline")),)))


async def on_shown(ctx: Ctx) -> Outcome:
    if ctx.choice != codes.ENTER_DEADLINE or not scope.is_national(ctx.person):
        return finish(Reply(_("Nothing was changed.")))
    return goto(Step.STEP, await _step_prompt(ctx))


async def _step_prompt(ctx: Ctx) -> Reply:
    steps = (await ctx.session.scalars(select(ProgrammeStep).order_by(ProgrammeStep.position, ProgrammeStep.id))).all()
    lines = [_("Which step of the programme is the deadline for?")]
    lines += [f"{number}. {localized(s.name_th, s.name_en)}" for number, s in enumerate(steps, start=1)]
    buttons = tuple(Choice(codes.STEP_CODE(s.code), _("Step {n}", n=n)) for n, s in enumerate(steps, start=1))
    return Reply("\n".join(lines), choices=buttons)


async def on_step(ctx: Ctx) -> Outcome:
    code = codes.STEP_CODE.arg(ctx.choice)
    if code is None or not await ctx.session.scalar(select(ProgrammeStep.id).where(ProgrammeStep.code == code)):
        return stay(ctx, await _step_prompt(ctx))
    ctx.data["step"] = code
    return goto(Step.DUE, _due_prompt(int(ctx.data["year"])))


def _due_prompt(year_be: int) -> Reply:
    first, last = deadline_window(year_be)
    return Reply(
        _(
            "Type the due date, between {first} and {last}, e.g. 17/12/{example}.",
            first=format_date(first),
            last=format_date(last),
            example=year_be - 1,
        )
    )


async def on_due(ctx: Ctx) -> Outcome:
    year_be = int(ctx.data["year"])
    if not scope.is_national(ctx.person):
        return finish(forbidden_reply())
    try:
        due_on = parse_date(ctx.text)
        deadline, created = await enter_year_deadline(
            ctx.session, step_code=str(ctx.data["step"]), year_be=year_be, due_on=due_on, today=local_day(ctx.now)
        )
    except BadValue:
        return stay(ctx, Reply(_("“{text}” is not a date I can read.", text=ctx.text)), _due_prompt(year_be))
    except DeadlineRefused as refused:
        return stay(ctx, Reply(_refusal(refused.problem, year_be)), _due_prompt(year_be))
    title, day = localized(deadline.title_th, deadline.title_en), format_date(deadline.due_on, "long")
    if created:
        text = _(
            "Deadline entered for every province: “{title}”, due {date}. Reminders go to each province's "
            "secretariat before it.",
            title=title,
            date=day,
        )
    else:
        text = _("Deadline moved: “{title}” is now due {date}.", title=title, date=day)
    return finish(Reply(text))


def _refusal(problem: DeadlineProblem, year_be: int) -> str:
    if problem is DeadlineProblem.PAST:
        return _("That date has already passed: a deadline is entered ahead of time.")
    if problem is DeadlineProblem.OUTSIDE_YEAR:
        return _("That date is not within FY {year} or the year after it.", year=year_be)
    return _("FY {year} is not in the bot's calendar.", year=year_be)


def register(registry: Registry) -> None:
    steps: dict[str, StepFn] = {Step.YEAR: on_year, Step.SHOWN: on_shown, Step.STEP: on_step, Step.DUE: on_due}
    registry.add_flow(Flow(name=codes.YEAR_DEADLINES_FLOW, enter=enter, steps=steps, roles=scope.SECRETARIAT_ONLY))
