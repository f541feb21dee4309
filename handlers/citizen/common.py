"""What the citizen flows share: checking the length of a typed text."""

from __future__ import annotations

from bot.core.i18n import _


def text_problem(text: str, *, minimum: int, maximum: int) -> str | None:
    """A message saying what is wrong with a typed text, or None when its length is fine."""
    length = len(text.strip())
    if length < minimum:
        return _("Please type a little more: at least {minimum} characters.", minimum=minimum)
    if length > maximum:
        return _(
            "That is {length} characters: please keep it to {maximum} characters or fewer.",
            length=length,
            maximum=maximum,
        )
    return None
