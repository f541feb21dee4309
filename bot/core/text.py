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


def as_line_shows(label: str) -> str:
    """A button label cut as the LINE channel sends it (20 characters, at a word where one is close, with "…"):
    the simulator shows exactly this, so a cut seen there is the cut people see on LINE."""
    return shorten(label, LINE_LABEL_MAX, at_word=True)


def shorten_block(text: str, limit: int) -> str:
    """Keep line breaks (lists, addresses); only cut when the text is over the limit."""
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


THAI_LEADING_VOWELS = "เแโใไ"
LINE_LABEL_MAX = 20  # LINE's quick-reply and button action labels; the simulator shows them as LINE does


def button_label(text: str, limit: int = LINE_LABEL_MAX) -> str:
    """A label that fits a LINE button. A designed short form (an abbreviation, a short title) should come
    first; this is the fallback for free text: cut at the last space that keeps most of it, marked with "…", so
    a word is cut only when the text has no space to cut at."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    boundary = cut.rfind(" ")
    if boundary < limit // 3:  # Thai writes no spaces between words: a leading vowel at least starts a syllable
        boundary = max(cut.rfind(vowel, 0, len(cut)) for vowel in THAI_LEADING_VOWELS)
    if boundary >= limit // 3:
        cut = cut[:boundary]
    return cut.rstrip(" ·,:;-/") + ELLIPSIS
