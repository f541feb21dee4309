"""One number parser for everything people type: ASCII and Thai digits, thousands separators, a unit word; every
other kind of digit ("²", "①") is not a number, and typing one at a numbered menu is answered like any other text."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.core.numbers import parse_id, parse_int, parse_number
from bot.services import Services
from storage.models import InboxEvent, InboxStatus
from tests.support.chat import Chat, labels, texts

NOT_DECIMAL_DIGITS = ["²", "①", "5①", "½", "٣x", "1²"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("3", 3), (" 12 ", 12), ("๑๒๕๐", 1250), ("1,250", 1250), ("๑,๒๕๐", 1250), ("0", 0), ("1,00", 100)],
)
def test_whole_numbers_in_ascii_or_thai_digits(typed: str, expected: int) -> None:
    assert parse_int(typed) == expected


@pytest.mark.parametrize("typed", [*NOT_DECIMAL_DIGITS, "", "-3", "+3", "1.5", "12,", ",5", "1 250", "3 จุด", "9" * 80])
def test_what_is_not_a_whole_number(typed: str) -> None:
    assert parse_int(typed) is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1,250 จุด", Decimal(1250)),
        ("๑๒๕๐", Decimal(1250)),
        ("37.5", Decimal("37.5")),
        ("๑๒.๕ ไร่", Decimal("12.5")),
        ("45%", Decimal(45)),
        ("1,234,567.25", Decimal("1234567.25")),
    ],
)
def test_values_with_separators_decimals_and_a_unit_word(typed: str, expected: Decimal) -> None:
    assert parse_number(typed) == expected


@pytest.mark.parametrize("typed", [*NOT_DECIMAL_DIGITS, "-3", "1.5e3", "1,,2", "ห้าสิบ", "NaN", "inf", "10 - 20"])
def test_what_is_not_a_value(typed: str) -> None:
    assert parse_number(typed) is None


@pytest.mark.parametrize(("code", "expected"), [("12", 12), ("๑๒", None), ("1,2", None), ("9" * 19, None)])
def test_an_id_in_a_button_code_is_plain_ascii_and_fits_the_database(code: str, expected: int | None) -> None:
    assert parse_id(code) == expected


async def test_unicode_digits_at_the_numbered_menu_are_answered_like_any_text(
    somchai: Chat, services: Services
) -> None:
    menu = await somchai.say("เมนู")
    not_understood = texts(await somchai.say("อะไรนะ"))  # too short to be offered as a complaint
    for typed in ("²", "①"):
        await somchai.say("เมนู")
        replies = await somchai.say(typed)
        assert texts(replies) == not_understood, typed  # no crash, no apology: the usual answer and the menu
        assert labels(replies[0]) == labels(menu[0])
    await somchai.say("เมนู")
    help_number = labels(menu[0]).index("ช่วยเหลือ") + 1
    in_thai = str(help_number).translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    assert (await somchai.say(in_thai))[0].text.startswith("วิธีใช้บริการ:")  # Thai digits choose like ASCII ones
    async with services.db.read() as session:
        statuses = set((await session.scalars(select(InboxEvent.status))).all())
    assert statuses == {InboxStatus.DONE}
