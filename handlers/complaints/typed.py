"""Text typed at the main menu is never thrown away: a problem written out instead of pressing "File a complaint"
is offered to be filed, the words kept as its description (the complaint flow then suggests the category)."""

from __future__ import annotations

from bot.core.flow import Ctx, Flow, Outcome, StepName, finish, goto, stay, switch
from bot.core.i18n import _
from bot.core.registry import Registry
from bot.core.types import Choice, InboundKind, Reply
from bot.domain.complaints.answers import DescriptionProblem, description_problem, looks_like_a_problem
from handlers import codes

YES_WORDS = frozenset({"ใช่", "แจ้ง", "ตกลง", "ได้", "yes", "y", "ok", "okay", "file it"})
NO_WORDS = frozenset({"ไม่", "ไม่ใช่", "ไม่แจ้ง", "no", "n"})


class Step(StepName):
    OFFER = "offer"


def offer(text: str) -> Reply:
    return Reply(
        _(
            'You wrote: "{text}"\n'
            "Would you like to file this as a complaint? Your words are kept as its description, and a few short "
            "questions follow (where it is, what it is about).",
            text=text,
        ),
        choices=(
            Choice(codes.FILE_TYPED, _("File this")),
            Choice(codes.NOT_A_COMPLAINT, _("No, show the menu")),
        ),
    )


async def enter(ctx: Ctx) -> Outcome:
    ctx.data["text"] = ctx.args
    return goto(Step.OFFER, offer(ctx.args))


async def on_offer(ctx: Ctx) -> Outcome:
    """File it, not now, or more words typed instead of a button (they replace the text offered)."""
    typed = ctx.text.casefold() if ctx.kind is InboundKind.TEXT and ctx.choice is None else ""
    if ctx.choice == codes.FILE_TYPED or typed in YES_WORDS:
        return switch(codes.COMPLAIN_FLOW, args=str(ctx.data.get("text", "")))
    if ctx.choice == codes.NOT_A_COMPLAINT or typed in NO_WORDS:
        return finish(Reply(_("All right, nothing was filed. Choose from the menu.")))
    if typed and looks_like_a_problem(ctx.text) and description_problem(ctx.text) is not DescriptionProblem.TOO_LONG:
        ctx.data["text"] = ctx.text
        return stay(ctx, offer(ctx.text))
    hint = _('Please choose "File this" to file what you wrote as a complaint, or "No, show the menu".')
    return stay(ctx, Reply(hint), offer(str(ctx.data.get("text", ""))))


def _problem(text: str) -> str | None:
    return text if looks_like_a_problem(text) else None


def register(registry: Registry) -> None:
    """Registered after every other conversation: their typed patterns (a ticket number) come first. Through the
    pattern, a problem typed before the first-contact notice is kept and offered right after it."""
    registry.add_flow(Flow(name=codes.TYPED_FLOW, enter=enter, steps={Step.OFFER: on_offer}))
    registry.add_text_pattern(_problem, codes.TYPED_FLOW)
