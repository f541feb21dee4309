"""Issue 15: a broadcast is scheduled with a time typed as staff say it ("พรุ่งนี้ 8 โมงเช้า", "วันศุกร์ 16:00",
"บ่ายสองโมง", "30 พ.ย. 09:00", "tomorrow 8am"), in Bangkok time; a past time is refused with a clear answer and
nothing stored; the scheduled broadcasts are listed and cancelled in chat and with `hpp-bot broadcast`."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from bot.core.i18n import BANGKOK, format_datetime, use_locale
from bot.domain.broadcasts import broadcast_round
from bot.domain.values import BadValue
from bot.domain.when import PastTime, parse_when
from bot.services import Services
from storage.db import Database
from storage.models import Broadcast
from tests.secretariat.test_chat import secretariat_chat
from tests.support.chat import Chat, labels
from tests.support.cli import hpp_bot
from tests.support.clock import Clock

SUNDAY_EVENING = datetime(2026, 11, 29, 19, 30, tzinfo=BANGKOK)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BANGKOK)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("พรุ่งนี้ 8 โมงเช้า", at(date(2026, 11, 30), 8)),
        ("พรุ่งนี้เช้า", at(date(2026, 11, 30), 8)),
        ("วันศุกร์ 16:00", at(date(2026, 12, 4), 16)),
        ("เสาร์หน้า บ่ายสาม", at(date(2026, 12, 5), 15)),
        ("มะรืนนี้ บ่ายโมงครึ่ง", at(date(2026, 12, 1), 13, 30)),
        ("30 พ.ย. 09:00", at(date(2026, 11, 30), 9)),
        ("๓๐ พ.ย. ๐๙.๐๐ น.", at(date(2026, 11, 30), 9)),
        ("4 ธันวาคม 2569 เวลา 10.30 น.", at(date(2026, 12, 4), 10, 30)),
        ("5/1/2570 09:00", at(date(2027, 1, 5), 9)),
        ("5 ม.ค.", at(date(2027, 1, 5), 8)),  # January is next year's
        ("สองทุ่มครึ่ง", at(date(2026, 11, 29), 20, 30)),
        ("อาทิตย์ 18:00", at(date(2026, 12, 6), 18)),  # today's 18:00 has passed: next Sunday
        ("tomorrow 8am", at(date(2026, 11, 30), 8)),
        ("friday 4pm", at(date(2026, 12, 4), 16)),
        ("30 nov 09:00", at(date(2026, 11, 30), 9)),
        ("Nov 30 9:30", at(date(2026, 11, 30), 9, 30)),
        ("day after tomorrow 10am", at(date(2026, 12, 1), 10)),
    ],
)
def test_times_as_staff_say_them(typed: str, expected: datetime) -> None:
    assert parse_when(typed, SUNDAY_EVENING) == expected


@pytest.mark.parametrize("typed", ["บ่ายสองโมง", "10:00", "29 พ.ย. 2569 10:00", "9 am"])
def test_a_past_time_is_told_as_past(typed: str) -> None:
    with pytest.raises(PastTime) as past:
        parse_when(typed, SUNDAY_EVENING)
    assert past.value.at < SUNDAY_EVENING


@pytest.mark.parametrize("typed", ["เร็ว ๆ นี้", "hello", "31/2/2570", "25:00", "ส่งเลย", ""])
def test_what_is_not_a_time(typed: str) -> None:
    with pytest.raises(BadValue):
        parse_when(typed, SUNDAY_EVENING)


async def compose_to_schedule(chat: Chat, text: str) -> None:
    await chat.say("เมนู")
    await chat.press("ส่งประกาศ")
    await chat.say(text)
    await chat.press("ไม่แนบรูปภาพ")
    await chat.press("เจ้าหน้าที่")
    await chat.press("ทั้งจังหวัด")
    asked = await chat.press("ตั้งเวลาส่ง")
    assert "พรุ่งนี้ 8 โมงเช้า" in asked[0].text and "วันศุกร์ 16:00" in asked[0].text


async def scheduled(db: Database) -> list[Broadcast]:
    async with db.read() as session:
        return list((await session.scalars(select(Broadcast).order_by(Broadcast.id))).all())


async def test_a_broadcast_is_scheduled_in_words_and_a_past_time_is_refused(services: Services, clock: Clock) -> None:
    now = clock.set(date(2026, 11, 29), hour=15)  # a Sunday, 15:00 in Bangkok
    chat = await secretariat_chat(services)
    await compose_to_schedule(chat, "ขอเชิญประชุมติดตามตัวชี้วัด")
    past = await chat.say("บ่ายสองโมง")
    with use_locale("th"):
        assert past[0].text.startswith(f"{format_datetime(at(date(2026, 11, 29), 14))} ผ่านไปแล้ว (ขณะนี้ ")
        assert format_datetime(now) in past[0].text
    unclear = await chat.say("ส่งตอนว่าง ๆ")
    assert unclear[0].text == "ขออภัย ระบบไม่เข้าใจเวลาที่พิมพ์" and "บ่ายสองโมง" in unclear[1].text
    assert await scheduled(services.db) == []  # nothing stored for a bad time
    done = await chat.say("วันศุกร์ 16:00")
    friday = at(date(2026, 12, 4), 16)
    with use_locale("th"):
        assert done[0].text.startswith("ตั้งเวลาส่งประกาศ #") and format_datetime(friday) in done[0].text
    [broadcast] = await scheduled(services.db)
    assert broadcast.status == "scheduled" and broadcast.scheduled_at == friday


async def test_scheduled_broadcasts_are_listed_and_one_is_cancelled_in_chat(services: Services) -> None:
    chat = await secretariat_chat(services)
    await compose_to_schedule(chat, "แจ้งปิดระบบชั่วคราวคืนวันเสาร์")
    await chat.say("พรุ่งนี้ 9:00")
    [broadcast] = await scheduled(services.db)
    await chat.say("เมนู")
    prompt = await chat.press("ส่งประกาศ")
    assert labels(prompt[-1]) == ["ตั้งเวลาไว้ (1)"]
    listed = await chat.press("ตั้งเวลาไว้ (1)")
    assert f"#{broadcast.id} " in listed[0].text and "แจ้งปิดระบบชั่วคราวคืนวันเสาร์" in listed[0].text
    cancelled = await chat.press(f"ยกเลิก #{broadcast.id}")
    assert cancelled[0].text == f"ยกเลิกประกาศ #{broadcast.id} แล้ว ไม่มีผู้ใดได้รับประกาศนี้"
    assert await scheduled(services.db) == []  # taken back: it and its recipients are gone
    again = await chat.press_code(f"bc:cancel:{broadcast.id}")  # an old button: nothing more happens
    assert "ยกเลิกประกาศ" not in again[0].text
    assert await broadcast_round(services.db, datetime.now(UTC) + timedelta(days=2)) == 0  # never sent


def test_the_command_line_lists_and_cancels_scheduled_broadcasts(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ("broadcast", "--text", "ประชุมออนไลน์", "--role", "officer", "--province", "เชียงราย", "--yes")
    assert hpp_bot(sqlite_url, *argv, "--at", "พรุ่งนี้ 8 โมงเช้า") == 0
    out = capsys.readouterr().out
    broadcast_id = int(out.split("broadcast #")[1].split()[0])
    assert "T08:00:00+07:00" in out
    assert hpp_bot(sqlite_url, *argv, "--at", "1/1/2560 09:00") == 2
    assert "which has passed" in capsys.readouterr().err
    assert hpp_bot(sqlite_url, "broadcast", "--scheduled") == 0
    listed = capsys.readouterr().out
    assert f"#{broadcast_id} " in listed and "ประชุมออนไลน์" in listed and listed.endswith("1 scheduled\n")
    assert hpp_bot(sqlite_url, "broadcast", "--cancel", str(broadcast_id)) == 0
    assert hpp_bot(sqlite_url, "broadcast", "--cancel", str(broadcast_id)) == 2
    assert "is not waiting to be sent" in capsys.readouterr().err
    assert asyncio.run(_statuses(sqlite_url)) == []


async def _statuses(url: str) -> list[str]:
    db = Database(url)
    try:
        return [b.status for b in await scheduled(db)]
    finally:
        await db.close()
