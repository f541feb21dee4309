"""Checks of what a person types while filing: the description and a Thai phone number."""

from __future__ import annotations

import enum
import hashlib
import re
import unicodedata

from bot.core.courtesy import is_greeting, is_thanks
from bot.core.numbers import ascii_digits

DESCRIPTION_MAX = 800  # below the engine's 1,000-character message limit, so this step's own message is shown
DESCRIPTION_MIN = 10

_PHONE_SEPARATORS = re.compile(r"[\s\-.()]")
_MOBILE = re.compile(r"^0[689]\d{8}$")  # 06x, 08x, 09x: ten digits
_LANDLINE = re.compile(r"^0[2-7]\d{7}$")  # 02 Bangkok, 03x–07x provinces: nine digits


class DescriptionProblem(enum.StrEnum):
    EMPTY = "empty"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"


def description_problem(text: str) -> DescriptionProblem | None:
    length = len(text.strip())
    if length == 0:
        return DescriptionProblem.EMPTY
    if length < DESCRIPTION_MIN:
        return DescriptionProblem.TOO_SHORT
    if length > DESCRIPTION_MAX:
        return DescriptionProblem.TOO_LONG
    return None


def looks_like_a_problem(text: str) -> bool:
    """Typed outside any question, long enough to be a complaint's description, and not a greeting or thanks."""
    return len(text.strip()) >= DESCRIPTION_MIN and not is_greeting(text) and not is_thanks(text)


def description_hash(text: str) -> str:
    """The same words with other spacing, case or Unicode form give the same hash (double-submission check).

    All whitespace is dropped, not just collapsed: Thai is written without spaces between words, so a space
    more or less does not make another text."""
    normal = "".join(unicodedata.normalize("NFC", text).casefold().split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def normalise_phone(text: str) -> str | None:
    """A Thai phone number as 0XXXXXXXXX (mobile) or 0XXXXXXXX (landline); None when it is not one.

    Dashes, dots, spaces, brackets and Thai digits are tolerated; +66 and 66 are read as the leading 0.
    """
    digits = _PHONE_SEPARATORS.sub("", ascii_digits(text.strip()))
    if digits.startswith("+66"):
        digits = "0" + digits[3:].removeprefix("0")
    elif digits.startswith("66") and len(digits) in (10, 11):
        digits = "0" + digits[2:]
    if not digits.isascii() or not digits.isdigit():
        return None
    if _MOBILE.match(digits) or _LANDLINE.match(digits):
        return digits
    return None
