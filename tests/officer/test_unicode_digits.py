"""KPI values with characters that look like digits are refused politely; Thai digits and a unit word are read."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.services import Services
from storage.models import InboxEvent, InboxStatus, ProgressReport
from tests.officer.helpers import kpi_named, mark_notice_seen
from tests.officer.test_reports import NUMBER_ONLY, SAVED, finish_report, open_kpi
from tests.support.chat import Chat

BURNT_AREA = "พื้นที่เผาไหม้สะสม"


async def saved_reports(services: Services) -> list[ProgressReport]:
    async with services.db.read() as session:
        return list(await session.scalars(select(ProgressReport).order_by(ProgressReport.id)))


async def test_unicode_digits_are_refused_then_a_value_with_a_unit_word_is_saved(services: Services) -> None:
    await mark_notice_seen(services.db, "officer-1")
    somsri = Chat(services, user="officer-1")
    area = await kpi_named(services.db, BURNT_AREA)
    await open_kpi(somsri, BURNT_AREA)
    for typed in ("²", "①", "1,250²"):
        assert (await somsri.say(typed))[0].text == NUMBER_ONLY, typed
    assert await saved_reports(services) == []
    await somsri.say("1,250 จุด")
    assert (await finish_report(somsri))[0].text == SAVED
    [report] = await saved_reports(services)
    assert (report.kpi_id, report.value, report.value_text) == (area.id, 1250.0, "1,250 จุด")
    async with services.db.read() as session:
        assert set((await session.scalars(select(InboxEvent.status))).all()) == {InboxStatus.DONE}


async def test_thai_digits_are_a_kpi_value(services: Services) -> None:
    await mark_notice_seen(services.db, "officer-1")
    somsri = Chat(services, user="officer-1")
    await open_kpi(somsri, BURNT_AREA)
    await somsri.say("๑๒๕๐")
    assert (await finish_report(somsri))[0].text == SAVED
    [report] = await saved_reports(services)
    assert (report.value, report.value_text) == (1250.0, "๑๒๕๐")


async def test_the_value_prompt_says_units_commas_and_thai_digits_are_fine_and_its_examples_are_read(
    services: Services,
) -> None:
    """Issue 15: the officer is told what may be typed, and what the prompt shows is what the bot reads."""
    await mark_notice_seen(services.db, "officer-1")
    somsri = Chat(services, user="officer-1")
    prompt = (await open_kpi(somsri, BURNT_AREA))[-1].text
    examples = re.findall(r'"([^"]+)"', prompt)
    assert "ตัวเลขไทย" in prompt and examples == ["1,250 ไร่", "๑๒๕๐"], prompt
    await somsri.say(examples[0])
    assert (await finish_report(somsri))[0].text == SAVED
    await open_kpi(somsri, BURNT_AREA)
    await somsri.say(examples[1])
    assert (await finish_report(somsri))[0].text == SAVED
    assert [(r.value, r.value_text) for r in await saved_reports(services)] == [(1250.0, "1,250 ไร่"), (1250.0, "๑๒๕๐")]
