"""`hpp-bot line setup-richmenu` and `hpp-bot line check` against the fake LINE API."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from bot.channels.line.channel import LineChannel
from bot.channels.line.richmenu import (
    GREEN,
    GREY,
    HEIGHT,
    NAVY,
    ORANGE,
    PURPLE,
    TEAL,
    WIDTH,
    menu_specs,
    render_image,
)
from bot.cli import build_parser
from bot.cli.line import run_check, run_setup
from bot.settings import Settings
from handlers import build_registry
from storage.db import Database
from storage.models import Person
from tests.fakes.line_api import FakeLineApi


async def add_person(settings: Settings, user: str, role: str) -> None:
    db = Database(settings.database_url)
    try:
        async with db.write() as session:
            session.add(Person(channel="line", platform_user_id=user, chat_id=user, role=role, locale="th"))
    finally:
        await db.close()


def test_the_menu_pictures_are_the_size_line_wants() -> None:
    specs = menu_specs(build_registry().persistent_menus)  # the conversations' buttons
    assert [spec.alias for spec in specs] == ["hpp-citizen", "hpp-officer"]
    for spec in specs:
        data = render_image(spec)
        assert Image.open(io.BytesIO(data)).size == (WIDTH, HEIGHT) and len(data) < 1_000_000


def test_the_buttons_are_the_conversations_and_work_from_any_step() -> None:
    registry = build_registry()
    citizen, officer = menu_specs(registry.persistent_menus)
    assert [citizen.colour(i) for i in range(len(citizen.buttons))] == [NAVY, TEAL, GREEN, ORANGE, PURPLE, GREY]
    assert [officer.colour(i) for i in range(len(officer.buttons))] == [NAVY, TEAL, GREY]
    assert all(registry.is_global(button.code) for spec in (citizen, officer) for button in spec.buttons)


async def test_setup_creates_both_menus_and_links_officers(
    line_settings: Settings, fake_line: FakeLineApi, capsys: pytest.CaptureFixture[str]
) -> None:
    await add_person(line_settings, "Uofficer", "officer")
    await add_person(line_settings, "Ucitizen", "citizen")
    assert await run_setup(line_settings) == 0
    state = fake_line.state
    citizen, officer = state.aliases["hpp-citizen"], state.aliases["hpp-officer"]
    assert state.default_menu == citizen
    assert state.user_menus == {"Uofficer": officer}
    areas = {a["action"]["data"]: a["action"]["label"] for a in state.rich_menus[citizen]["areas"]}
    assert set(areas) == {"m:complain", "m:follow", "m:agenda", "m:feedback", "g:help", "g:lang"}
    assert areas["m:complain"] == "แจ้งเรื่องร้องเรียน"
    officer_codes = [a["action"]["data"] for a in state.rich_menus[officer]["areas"]]
    assert officer_codes == ["m:report", "m:cases", "g:menu"]
    image, content_type = state.rich_menu_images[citizen]
    assert content_type == "image/png" and Image.open(io.BytesIO(image)).size == (2500, 843)
    assert "officers' menu linked to 1 officer(s)" in capsys.readouterr().out


async def test_running_setup_again_replaces_the_menus(line_settings: Settings, fake_line: FakeLineApi) -> None:
    assert await run_setup(line_settings) == 0
    first = dict(fake_line.state.aliases)
    assert await run_setup(line_settings, regenerate=True) == 0
    assert fake_line.state.aliases != first
    assert set(fake_line.state.rich_menus) == set(fake_line.state.aliases.values())  # old menus deleted


async def test_someone_who_becomes_an_officer_gets_the_officers_menu(
    line_settings: Settings, fake_line: FakeLineApi
) -> None:
    channel = LineChannel(line_settings)
    try:
        assert await channel.link_menu("Unew", "officer") is False  # not set up yet: logged, no crash
        assert await run_setup(line_settings, link_officers=False) == 0
        assert await channel.link_menu("Unew", "officer") is True
        assert fake_line.state.user_menus["Unew"] == fake_line.state.aliases["hpp-officer"]
        assert await channel.link_menu("Unew", "citizen") is True
        assert "Unew" not in fake_line.state.user_menus
    finally:
        await channel.close()


async def test_check_prints_the_bot_and_its_webhook(
    line_settings: Settings, fake_line: FakeLineApi, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await run_check(line_settings) == 0
    out = capsys.readouterr().out
    assert "ศูนย์บริการจังหวัด (@hpp-bot)" in out
    assert "https://example.org/webhooks/line (active)" in out
    assert "this deployment expects https://hpp.example.org/webhooks/line" in out


async def test_check_says_when_the_token_is_refused(
    line_settings: Settings, fake_line: FakeLineApi, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_line.fail_next("/v2/bot/info", 401, message="Authentication failed. Confirm that the access token is valid")
    assert await run_check(line_settings) == 1
    assert "Confirm that the access token is valid" in capsys.readouterr().out


async def test_the_commands_say_when_line_is_off(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert await run_check(settings) == 2
    assert "LINE is off" in capsys.readouterr().out


def test_the_cli_offers_the_line_commands() -> None:
    parser = build_parser()
    assert parser.parse_args(["line", "setup-richmenu", "--regenerate"]).regenerate is True
    assert parser.parse_args(["line", "check"]).line_command == "check"
