"""Step 3 in chat: the provincial secretariat records a joint review (date, participants, decisions, then a note
on each KPI or skip), and anyone of the secretariat lists a province's reviews (bot/domain/reviews.py)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.flow import Ctx, Flow, Outcome, StepFn, StepName, finish, goto, stay
from bot.core.i18n import _, format_date, localized
from bot.core.registry import Registry
from bot.core.text import shorten_block
from bot.core.types import Choice, Reply
from bot.domain import scope
from bot.domain.periods import local_day
from bot.domain.places import find_province
from bot.domain.reviews import (
    DECISIONS_MAX,
    NOTE_MAX,
    PARTICIPANTS_MAX,
    ReviewProblem,
    ReviewRefused,
    check_held_on,
    record_review,
    review_kpis,
    reviews_of,
)
from bot.domain.values import BadValue, parse_date
from handlers import codes
from handlers.replies import forbidden_reply
from handlers.secretariat.common import ask_province, unknown_province, working_province
from storage.models import Kpi

SHOWN = 300


class Step(StepName):
    DATE = "date"
    PARTICIPANTS = "participants"
    DECISIONS = "decisions"
    KPI_NOTE = "kpi_note"


async def enter(ctx: Ctx) -> Outcome:
    """The province's own secretariat records its reviews."""
    if not scope.is_secretariat(ctx.person):
        return finish(forbidden_reply())
    if ctx.person.province_id is None:
        return finish(
            Reply(
                _("A joint review is recorded by the province's secretariat. You can read them under “Joint reviews”.")
            )
        )
    return goto(Step.DATE, _date_prompt())


def _date_prompt() -> Reply:
    return Reply(_("When was the joint review held? Type the date, e.g. 15/1/2570."))


async def on_date(ctx: Ctx) -> Outcome:
    try:
        held_on = parse_date(ctx.text)
        check_held_on(held_on, local_day(ctx.now))
    except BadValue:
        return stay(ctx, Reply(_("“{text}” is not a date I can read.", text=ctx.text)), _date_prompt())
    except ReviewRefused as refused:
        if refused.problem is ReviewProblem.FUTURE:
            return stay(ctx, Reply(_("That date has not come yet: record a review after it was held.")), _date_prompt())
        return stay(ctx, Reply(_("That is before the programme began (FY 2565).")), _date_prompt())
    ctx.data["held_on"] = held_on.isoformat()
    return goto(
        Step.PARTICIPANTS, Reply(_("Who took part? Type the names or the agencies and groups, in one message."))
    )


def _too_long(limit: int) -> Reply:
    return Reply(_("That is too long: please keep it under {limit} characters.", limit=limit))


def _unusable(ctx: Ctx, limit: int, ask_again: str) -> Outcome | None:
    """The step again when the answer is not text or is over `limit` characters; None when it is usable."""
    if not ctx.text:
        return stay(ctx, Reply(ask_again))
    if len(ctx.text) > limit:
        return stay(ctx, _too_long(limit))
    return None


async def on_participants(ctx: Ctx) -> Outcome:
    refused = _unusable(ctx, PARTICIPANTS_MAX, _("Please type who took part, as text."))
    if refused is not None:
        return refused
    ctx.data["participants"] = ctx.text
    return goto(Step.DECISIONS, Reply(_("What was decided? Type the decisions, in one message.")))


async def on_decisions(ctx: Ctx) -> Outcome:
    refused = _unusable(ctx, DECISIONS_MAX, _("Please type what was decided, as text."))
    if refused is not None:
        return refused
    ctx.data["decisions"] = ctx.text
    ctx.data["notes"] = {}
    kpis = await review_kpis(ctx.session, _province(ctx))
    ctx.data["kpi_ids"] = [kpi.id for kpi in kpis]
    return await _next_kpi(ctx)


def _province(ctx: Ctx) -> int:
    assert ctx.person.province_id is not None
    return ctx.person.province_id


async def _next_kpi(ctx: Ctx) -> Outcome:
    """Ask about the next KPI not yet answered; save when none is left."""
    asked = len(ctx.data["notes"]) + int(ctx.data.get("skipped", 0))
    ids: list[int] = ctx.data["kpi_ids"]
    if asked >= len(ids):
        return await _save(ctx)
    kpi = await ctx.session.get(Kpi, ids[asked])
    if kpi is None:
        ctx.data["skipped"] = int(ctx.data.get("skipped", 0)) + 1
        return await _next_kpi(ctx)
    return goto(Step.KPI_NOTE, _kpi_prompt(kpi, asked + 1, len(ids)))


def _kpi_prompt(kpi: Kpi, number: int, count: int) -> Reply:
    return Reply(
        _(
            "KPI {number} of {count}: {name}\nType the review's note on it, or skip.",
            number=number,
            count=count,
            name=localized(kpi.name_th, kpi.name_en),
        ),
        choices=(Choice(codes.REVIEW_SKIP_KPI, _("Skip this KPI")),),
    )


async def on_kpi_note(ctx: Ctx) -> Outcome:
    if ctx.choice == codes.REVIEW_SKIP_KPI:
        ctx.data["skipped"] = int(ctx.data.get("skipped", 0)) + 1
        return await _next_kpi(ctx)
    refused = _unusable(ctx, NOTE_MAX, _("Please type the note as text, or skip."))
    if refused is not None:
        return refused
    asked = len(ctx.data["notes"]) + int(ctx.data.get("skipped", 0))
    ctx.data["notes"][str(ctx.data["kpi_ids"][asked])] = ctx.text
    return await _next_kpi(ctx)


async def _save(ctx: Ctx) -> Outcome:
    try:
        review = await record_review(
            ctx.session,
            province_id=_province(ctx),
            held_on=date.fromisoformat(ctx.data["held_on"]),
            participants=ctx.data["participants"],
            decisions=ctx.data["decisions"],
            notes={int(kpi_id): note for kpi_id, note in ctx.data["notes"].items()},
            by=ctx.person,
            today=local_day(ctx.now),
        )
    except ReviewRefused:
        return finish(Reply(_("The review could not be recorded: please start again.")))
    return finish(
        Reply(
            _(
                "Joint review of {date} recorded, with notes on {count} KPIs. The notes show on the KPI cards.",
                date=format_date(review.held_on),
                count=len(ctx.data["notes"]),
            )
        )
    )


# ---------------------------------------------------------------- the list


class ListStep(StepName):
    PROVINCE = "province"


async def enter_list(ctx: Ctx) -> Outcome:
    if not scope.is_secretariat(ctx.person):
        return finish(forbidden_reply())
    province_id = working_province(ctx)
    if province_id is None:
        return goto(ListStep.PROVINCE, ask_province())
    return finish(Reply(await reviews_text(ctx.session, province_id)))


async def on_list_province(ctx: Ctx) -> Outcome:
    province = await find_province(ctx.session, ctx.text)
    if province is None:
        return stay(ctx, unknown_province(ctx.text))
    return finish(Reply(await reviews_text(ctx.session, province.id)))


async def reviews_text(session: AsyncSession, province_id: int) -> str:
    records = await reviews_of(session, province_id)
    if not records:
        return _("No joint review has been recorded for this province yet.")
    lines = [_("Joint reviews (latest first):")]
    for record in records:
        review = record.review
        lines.append(_("• {date}", date=format_date(review.held_on)))
        lines.append(_("  Participants: {text}", text=shorten_block(review.participants, SHOWN)))
        lines.append(_("  Decisions: {text}", text=shorten_block(review.decisions, SHOWN)))
        for kpi, note in record.notes:
            name = localized(kpi.name_th, kpi.name_en)
            lines.append(_("  {kpi}: {note}", kpi=name, note=shorten_block(note, SHOWN)))
    return "\n".join(lines)


def register(registry: Registry) -> None:
    steps: dict[str, StepFn] = {
        Step.DATE: on_date,
        Step.PARTICIPANTS: on_participants,
        Step.DECISIONS: on_decisions,
        Step.KPI_NOTE: on_kpi_note,
    }
    registry.add_flow(Flow(name=codes.REVIEW_FLOW, enter=enter, steps=steps, roles=scope.SECRETARIAT_ONLY))
    list_steps: dict[str, StepFn] = {ListStep.PROVINCE: on_list_province}
    registry.add_flow(Flow(name=codes.REVIEWS_FLOW, enter=enter_list, steps=list_steps, roles=scope.SECRETARIAT_ONLY))
