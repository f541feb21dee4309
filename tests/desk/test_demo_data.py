"""`hpp-bot demo-data --complaints N`: made-up complaints over three years across the provinces, numbered so that
a complaint filed afterwards gets the next free ticket number."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.domain.complaints.numbering import allocate_ticket_no
from bot.domain.periods import local_day
from storage.db import Database
from storage.models import Complaint, ComplaintStatus, Province
from tests.support.cli import hpp_bot


async def _facts(url: str) -> dict[str, object]:
    db = Database(url)
    try:
        async with db.write() as session:
            count, provinces, tickets = (
                await session.execute(
                    select(
                        func.count(),
                        func.count(func.distinct(Complaint.province_id)),
                        func.count(func.distinct(Complaint.ticket_no)),
                    )
                )
            ).one()
            oldest, newest = (
                await session.execute(select(func.min(Complaint.created_at), func.max(Complaint.created_at)))
            ).one()
            statuses = set((await session.scalars(select(Complaint.status).distinct())).all())
            bad_ratings = await session.scalar(
                select(func.count()).where(
                    Complaint.rating.is_not(None), Complaint.status.not_in(["resolved", "closed"])
                )
            )
            last = await session.scalar(select(Complaint).order_by(Complaint.created_at.desc()).limit(1))
            assert last is not None
            province = await session.get(Province, last.province_id)
            assert province is not None
            following = await allocate_ticket_no(session, province, local_day(datetime.now(UTC)))
            last_no = last.ticket_no
    finally:
        await db.close()
    return {
        "count": count,
        "provinces": provinces,
        "tickets": tickets,
        "oldest": oldest,
        "newest": newest,
        "statuses": statuses,
        "bad_ratings": bad_ratings,
        "last": last_no,
        "following": following,
    }


def test_demo_data_spreads_complaints_over_provinces_and_years(
    any_database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert hpp_bot(any_database_url, "demo-data", "--complaints", "2500") == 0
    assert capsys.readouterr().out.startswith("inserted 2500 complaints")
    facts = asyncio.run(_facts(any_database_url))
    assert (facts["count"], facts["tickets"]) == (2500, 2500)
    assert facts["provinces"] == 77
    now = datetime.now(UTC)
    assert now - timedelta(days=3 * 365 + 1) < facts["oldest"] < now - timedelta(days=3 * 365 - 30)  # type: ignore[operator]
    assert facts["newest"] <= now  # type: ignore[operator]
    assert {ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED, ComplaintStatus.RECEIVED} <= facts["statuses"]  # type: ignore[operator]
    assert facts["bad_ratings"] == 0  # only answered complaints are rated
    last, following = str(facts["last"]), str(facts["following"])
    assert following.rsplit("-", 1)[0] == last.rsplit("-", 1)[0]
    assert int(following.rsplit("-", 1)[1]) == int(last.rsplit("-", 1)[1]) + 1


def test_demo_data_refuses_a_negative_count(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert hpp_bot(sqlite_url, "demo-data", "--complaints", "-5") == 2
    assert "at least 1" in capsys.readouterr().err
