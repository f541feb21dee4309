"""`hpp-bot invite create` and `hpp-bot admin create-secretariat`, as the installer types them."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from bot.cli import build_parser
from storage.db import Database
from storage.models import Agency, District, Invite, Person
from tests.conftest import make_settings


def run(sqlite_url: str, *argv: str) -> int:
    args = build_parser().parse_args(list(argv))
    return int(args.func(args, make_settings(sqlite_url)) or 0)


def fetch(url: str, query: object) -> object:
    async def go() -> object:
        db = Database(url)
        try:
            async with db.read() as session:
                return await session.scalar(query)  # type: ignore[call-overload]
        finally:
            await db.close()

    return asyncio.run(go())


def test_invite_create_prints_the_code_and_deep_links(
    sqlite_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LINE_BOT_BASIC_ID", "@hppbot")
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "hpp_bot")
    status = run(
        sqlite_url,
        "invite",
        "create",
        "--role",
        "officer",
        "--province",
        "เชียงราย",
        "--district",
        "อำเภอแม่สาย",
        "--agency",
        "district_office",
        "--expires",
        "3d",
    )
    out = capsys.readouterr().out
    assert status == 0
    code = out.split("\n")[0].removeprefix("code: ")
    assert f"https://line.me/R/oaMessage/%40hppbot/?register%20{code}" in out
    assert f"https://t.me/hpp_bot?start=register-{code}" in out
    invite = fetch(sqlite_url, select(Invite).where(Invite.code == code))
    assert isinstance(invite, Invite) and invite.role == "officer" and invite.used_at is None
    district = fetch(sqlite_url, select(District).where(District.id == invite.district_id))
    agency = fetch(sqlite_url, select(Agency).where(Agency.id == invite.agency_id))
    assert isinstance(district, District) and district.name_th == "แม่สาย"
    assert isinstance(agency, Agency) and agency.district_id == district.id


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--province", "แอตแลนติส"], "no province"),
        (["--province", "เชียงราย", "--district", "ไม่มีอำเภอนี้"], "no district"),
        (["--province", "เชียงราย", "--agency", "space_agency"], "no agency"),
        (["--province", "เชียงราย", "--expires", "soon"], "not a duration"),
        ([], "give --province"),
        (["--role", "working_group"], "give --group, one of economy, society_security, environment"),
        (["--role", "working_group", "--group", "environment", "--province", "เชียงราย"], "has no province"),
        (["--province", "เชียงราย", "--group", "environment"], "--group goes with --role working_group only"),
    ],
)
def test_invite_create_refuses_bad_arguments(
    sqlite_url: str, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert run(sqlite_url, "invite", "create", *argv) == 2
    assert message in capsys.readouterr().err
    assert fetch(sqlite_url, select(Invite.id)) is None


def test_a_working_group_member_is_invited_to_a_group_not_a_province(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(sqlite_url, "invite", "create", "--role", "working_group", "--group", "environment") == 0
    out = capsys.readouterr().out
    assert "role: working_group (environment)" in out
    code = out.split("code: ", 1)[1].split()[0]
    invite = fetch(sqlite_url, select(Invite).where(Invite.code == code))
    assert isinstance(invite, Invite) and invite.province_id is None and invite.working_group_id is not None


def test_create_secretariat_creates_then_promotes(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(sqlite_url, "admin", "create-secretariat", "--channel", "line", "--user", "U123") == 0
    assert "created secretariat member" in capsys.readouterr().out
    national = fetch(sqlite_url, select(Person).where(Person.platform_user_id == "U123"))
    assert isinstance(national, Person) and national.role == "secretariat" and national.province_id is None

    assert (
        run(
            sqlite_url,
            "admin",
            "create-secretariat",
            "--channel",
            "simulator",
            "--user",
            "citizen-1",
            "--province",
            "เชียงราย",
        )
        == 0
    )
    assert "promoted secretariat member" in capsys.readouterr().out
    promoted = fetch(sqlite_url, select(Person).where(Person.platform_user_id == "citizen-1"))
    assert isinstance(promoted, Person) and promoted.role == "secretariat" and promoted.province_id is not None
