"""An officer who registers in LINE gets the officers' rich menu, through the outbox like any other message."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.cli.line import run_setup
from bot.domain.invites import create_invite
from storage.models import Province
from tests.line import events
from tests.line.conftest import LineBot


async def test_registering_as_an_officer_links_the_officers_rich_menu(line_bot: LineBot) -> None:
    assert await run_setup(line_bot.services.settings, link_officers=False) == 0
    async with line_bot.services.db.write() as session:
        province = await session.scalar(select(Province).where(Province.name_th == "เชียงราย"))
        assert province is not None
        invite = await create_invite(
            session, role="officer", province_id=province.id, expires_at=datetime.now(UTC) + timedelta(days=1)
        )
    await line_bot.known_citizen("Uofficer")
    assert "Uofficer" not in line_bot.fake.state.user_menus

    await line_bot.send(events.text("Uofficer", f"ลงทะเบียน {invite.code}", reply_token="rt-register"))

    person = await line_bot.person("Uofficer")
    assert person is not None and person.role == "officer"
    assert line_bot.fake.state.user_menus["Uofficer"] == line_bot.fake.state.aliases["hpp-officer"]
    [reply] = [d for d in line_bot.fake.delivered() if d.to == ["token:rt-register"]]
    assert reply.messages  # the welcome went by the free reply token; the menu link sent no message
    assert all(d.kind == "reply" for d in line_bot.fake.delivered())
