"""Ticket numbers such as CRI-69-00042: the province code, the Buddhist year's last two digits, a sequence.

Short and readable over the phone. The sequence is per province and Buddhist year, taken from
`ticket_sequences` inside the filing transaction: an insert that does nothing when the row exists, then an
atomic `UPDATE ... SET last_no = last_no + 1 RETURNING last_no`. On PostgreSQL the update locks the row until
the filing commits; on SQLite the write transaction holds the database lock (BEGIN IMMEDIATE). Either way two
filings never get the same number, and a rolled-back filing gives its number back.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import buddhist_year
from storage.db import insert_ignore
from storage.models import Province, TicketSequence

SEQUENCE_DIGITS = 5


def format_ticket_no(province_code: str, year_be: int, number: int) -> str:
    return f"{province_code}-{year_be % 100:02d}-{number:0{SEQUENCE_DIGITS}d}"


async def next_number(session: AsyncSession, province_id: int, year_be: int) -> int:
    """The next sequence number of a province and year, reserved in the current transaction."""
    await session.execute(
        insert_ignore(session, TicketSequence, "province_id", "year_be").values(
            province_id=province_id, year_be=year_be, last_no=0
        )
    )
    number = await session.scalar(
        update(TicketSequence)
        .where(TicketSequence.province_id == province_id, TicketSequence.year_be == year_be)
        .values(last_no=TicketSequence.last_no + 1)
        .returning(TicketSequence.last_no)
        .execution_options(synchronize_session=False)
    )
    if number is None:  # cannot happen after the insert above; a clear error rather than a bad number
        raise RuntimeError(f"no ticket sequence for province {province_id}, year {year_be}")
    return int(number)


async def allocate_ticket_no(session: AsyncSession, province: Province, today: date) -> str:
    """A new ticket number for a complaint filed today (Bangkok date) in `province`."""
    year_be = buddhist_year(today)
    return format_ticket_no(province.code, year_be, await next_number(session, province.id, year_be))
