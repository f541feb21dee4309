"""`hpp-bot broadcast`: the preview count, then delivery by the outbox sender in this process with a progress bar
and a final report; everyone reached once, unreachable people skipped and counted; bad targets refused."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from sqlalchemy import func, insert, select

from bot.cli import main as cli_main
from bot.settings import get_settings
from storage.db import Database
from storage.models import Broadcast, OutboxMessage, Person
from tests.secretariat.support import grant_province_news, province_id

PROVINCE = "แพร่"  # no seeded people live there


async def add_simulator_citizens(url: str, reachable: int, unreachable: int) -> None:
    db = Database(url)
    try:
        pid = await province_id(db, PROVINCE)
        rows = [
            {
                "channel": "simulator",
                "platform_user_id": f"sim-{n}",
                "chat_id": f"sim-{n}",
                "role": "citizen",
                "province_id": pid,
                "locale": "th",
                "is_reachable": n < reachable,
            }
            for n in range(reachable + unreachable)
        ]
        async with db.write() as session:
            await session.execute(insert(Person), rows)
            await grant_province_news(session, [str(row["platform_user_id"]) for row in rows])
    finally:
        await db.close()


async def sent_and_broadcasts(url: str) -> tuple[Counter[str], int]:
    db = Database(url)
    try:
        async with db.read() as session:
            sent = (
                await session.scalars(
                    select(OutboxMessage.recipient).where(
                        OutboxMessage.broadcast_id.is_not(None), OutboxMessage.status == "sent"
                    )
                )
            ).all()
            broadcasts = await session.scalar(select(func.count(Broadcast.id)))
        return Counter(sent), int(broadcasts or 0)
    finally:
        await db.close()


@pytest.fixture
def cli_database(sqlite_url: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    get_settings.cache_clear()
    yield sqlite_url
    get_settings.cache_clear()


def test_the_cli_sends_to_everyone_once_with_progress_and_a_final_report(
    cli_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(add_simulator_citizens(cli_database, reachable=230, unreachable=3))
    code = cli_main(["broadcast", "--text", "ขอเชิญประชุม", "--province", PROVINCE, "--role", "citizen", "--yes"])
    assert code == 0
    out, err = capsys.readouterr()
    assert "233 people match; 3 of them cannot be reached and will be skipped" in out
    assert "100% 233/233 sent 230 failed 0 skipped 3" in err
    assert "done: 230 sent, 0 failed, 3 skipped (unreachable or deleted) of 233" in out
    sent, broadcasts = asyncio.run(sent_and_broadcasts(cli_database))
    assert len(sent) == 230 and set(sent.values()) == {1} and broadcasts == 1


def test_an_unknown_district_is_refused_and_nothing_is_queued(
    cli_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(add_simulator_citizens(cli_database, reachable=2, unreachable=0))
    code = cli_main(["broadcast", "--text", "x", "--province", PROVINCE, "--district", "ไม่มีอำเภอนี้", "--yes"])
    assert code == 2
    assert "no district 'ไม่มีอำเภอนี้' in แพร่" in capsys.readouterr().err
    assert asyncio.run(sent_and_broadcasts(cli_database)) == (Counter(), 0)


def test_answering_no_sends_nothing(
    cli_database: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    asyncio.run(add_simulator_citizens(cli_database, reachable=2, unreachable=0))
    monkeypatch.setattr("builtins.input", lambda _prompt: "n")
    assert cli_main(["broadcast", "--text", "x", "--province", PROVINCE]) == 1
    assert "cancelled: nothing was sent" in capsys.readouterr().out
    assert asyncio.run(sent_and_broadcasts(cli_database)) == (Counter(), 0)


def test_no_answer_at_all_sends_nothing(
    cli_database: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The end of input at the prompt (Ctrl-D, or nothing piped in) is a no, said in one line, not a traceback."""
    asyncio.run(add_simulator_citizens(cli_database, reachable=2, unreachable=0))

    def end_of_input(_prompt: str) -> str:
        raise EOFError

    monkeypatch.setattr("builtins.input", end_of_input)
    assert cli_main(["broadcast", "--text", "x", "--province", PROVINCE]) == 1
    assert capsys.readouterr().out.endswith("\ncancelled: nothing was sent\n")
    assert asyncio.run(sent_and_broadcasts(cli_database)) == (Counter(), 0)


def test_a_district_is_found_with_or_without_its_prefix(cli_database: str, capsys: pytest.CaptureFixture[str]) -> None:
    """As `invite create` finds it: "อำเภอเมืองแพร่" is the district เมืองแพร่ (nobody there: nothing to send)."""
    for district in ("เมืองแพร่", "อำเภอเมืองแพร่"):
        assert cli_main(["broadcast", "--text", "x", "--province", PROVINCE, "--district", district, "--yes"]) == 1
        assert capsys.readouterr().out.endswith(
            "0 people match; 0 of them cannot be reached and will be skipped\nnothing to send\n"
        )
