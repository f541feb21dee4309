"""Cutting text to fit: a button label, a card field, a platform's message limit."""

from __future__ import annotations

ELLIPSIS = "…"


def shorten(text: str, limit: int, *, at_word: bool = False) -> str:
    """One line of at most `limit` characters, the cut marked; `at_word` cuts at a word boundary where one is
    close (a button label), else the cut is hard."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ") if at_word else -1
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


def shorten_block(text: str, limit: int) -> str:
    """Keep line breaks (lists, addresses); only cut when the text is over the limit."""
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS
