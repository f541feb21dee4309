"""The one reader of numbers people type: ASCII digits and Thai digits ๐–๙, thousands separators ("1,250"), and for
values a simple unit word after the number ("1,250 จุด", "45 %").

`str.isdigit()` is not a test for this: "²" and "①" pass it and then make `int()` raise, which once crashed a turn
for anyone who typed them. Here every other kind of digit is simply not a number (None), and the caller answers
with its usual "please type a number".
"""

from __future__ import annotations

import re
from decimal import Decimal

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
MAX_TEXT = 64  # longer is not a number anyone types; also keeps the regular expressions cheap
MAX_ID_DIGITS = 18  # a database id fits a signed 64-bit integer

_WHOLE = r"[0-9]+(?:,[0-9]+)*"  # "1,250,000" or "1250000"; a comma is never a decimal mark in Thai, so "1,00" is 100
_INTEGER = re.compile(rf"(?:{_WHOLE})")
_NUMBER = re.compile(rf"(?P<number>(?:{_WHOLE})(?:\.[0-9]+)?)\s*(?P<unit>.*)", re.DOTALL)
_ID = re.compile(rf"[0-9]{{1,{MAX_ID_DIGITS}}}")


def ascii_digits(text: str) -> str:
    """Thai digits as ASCII ones ("๑๒๕๐" → "1250"); every other character is kept."""
    return text.translate(THAI_DIGITS)


def parse_int(text: str) -> int | None:
    """A whole number of 0 or more ("3", "๓", "1,250"), or None: no sign, no unit, no other kind of digit."""
    cleaned = ascii_digits(text.strip())
    if len(cleaned) > MAX_TEXT or not _INTEGER.fullmatch(cleaned):
        return None
    return int(cleaned.replace(",", ""))


def parse_number(text: str) -> Decimal | None:
    """A number of 0 or more, maybe with a decimal point and a unit word after it ("1,250 จุด", "๑๒.๕", "45%"), or
    None: no sign, no other kind of digit."""
    cleaned = ascii_digits(text.strip())
    found = _NUMBER.fullmatch(cleaned) if len(cleaned) <= MAX_TEXT else None
    if found is None or not _is_unit(found.group("unit")):
        return None
    return Decimal(found.group("number").replace(",", ""))


def _is_unit(word: str) -> bool:
    """Nothing, "%", or words with no digit of any kind in them ("จุด", "ราย", "km"; not "e3" nor "①")."""
    if not word or word == "%":
        return True
    return word[0].isalpha() and not any(character.isnumeric() for character in word)


def parse_id(text: str) -> int | None:
    """A database id carried in a button code or a link ("fb:12"): ASCII digits only, small enough for the
    database; None otherwise (a forged code is answered like a stale one, never with a crash)."""
    return int(text) if _ID.fullmatch(text) else None
