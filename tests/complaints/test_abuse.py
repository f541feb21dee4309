"""Spam and abuse: a daily limit per person, double submissions, and possible duplicates shown before filing."""

from __future__ import annotations

import pytest

from bot.services import Services
from bot.settings import Settings
from tests.complaints.support import (
    CHIANG_RAI_CITY_HALL,
    accept_pdpa,
    all_text,
    complaint_count,
    file_by_location,
    last,
)
from tests.conftest import make_settings
from tests.support.chat import Chat, labels


@pytest.fixture
def settings(sqlite_url: str) -> Settings:
    return make_settings(sqlite_url, complaints_per_day=2)


async def test_the_daily_limit_stops_a_new_complaint_at_the_start(chat: Chat) -> None:
    await accept_pdpa(chat)
    await file_by_location(chat, description="ถนนหน้าศาลากลางเป็นหลุมลึก เรื่องที่หนึ่ง")
    await file_by_location(chat, description="ไฟถนนดับทั้งซอย เรื่องที่สอง", subject="ความปลอดภัย")
    replies = await chat.say("แจ้งเรื่อง")
    assert "วันนี้ท่านแจ้งเรื่องครบ 2 เรื่องแล้ว" in all_text(replies)
    assert "1567" in all_text(replies)
    assert "แจ้งเรื่องร้องเรียน" in labels(last(replies))  # back to the menu, no question asked
    assert await complaint_count(chat) == 2


async def test_the_same_description_within_minutes_is_caught_as_a_double_submission(chat: Chat) -> None:
    await accept_pdpa(chat)
    first = await file_by_location(chat)
    assert "CRI-" in first[0].text
    await chat.say("แจ้งเรื่อง")
    await chat.share_location(*CHIANG_RAI_CITY_HALL)
    await chat.press("ถนน/ทางเท้า")
    replies = await chat.say("ถนนหน้าศาลากลาง  เป็นหลุมลึก รถจักรยานยนต์ล้มบ่อยมาก")  # other spacing, same words
    assert "เราได้รับเรื่องนี้แล้ว" in replies[0].text
    ticket = first[0].text.split("เลขที่เรื่อง: ")[1].split()[0]
    assert ticket in replies[0].text
    assert f"ดู {ticket}" in labels(replies[0])
    assert await complaint_count(chat) == 1


async def test_a_possible_duplicate_nearby_is_shown_before_confirming(services: Services) -> None:
    neighbour = Chat(services, user="citizen-neighbour")
    await accept_pdpa(neighbour)
    filed = await file_by_location(neighbour, (19.9106, 99.8407))
    ticket = filed[0].text.split("เลขที่เรื่อง: ")[1].split()[0]

    chat = Chat(services, user="citizen-second")
    await accept_pdpa(chat)
    await chat.say("แจ้งเรื่อง")
    await chat.share_location(*CHIANG_RAI_CITY_HALL)  # about 20 m away
    await chat.press("ถนน/ทางเท้า")
    await chat.say("หลุมบนถนนหน้าศาลากลางใหญ่ขึ้นทุกวัน")
    await chat.press("ข้าม")  # no photos
    await chat.press("ทางแชตเท่านั้น")
    await chat.press("ข้าม")  # no sector
    replies = await chat.press("ไม่แสดง")  # not on the public page
    assert f"มีเรื่องลักษณะเดียวกันในบริเวณใกล้เคียงที่ยังดำเนินการอยู่: {ticket}" in all_text(replies)
    assert labels(last(replies)) == ["ยืนยันและส่งเรื่อง", f"ติดตาม {ticket}", "แก้ไขข้อมูล"]
    replies = await chat.press("ยืนยันและส่งเรื่อง")  # the citizen files theirs anyway
    assert "รับเรื่องร้องเรียนของท่านแล้ว" in replies[0].text
    assert await complaint_count(chat) == 2


async def test_another_subject_or_a_far_place_is_not_a_duplicate(services: Services) -> None:
    neighbour = Chat(services, user="citizen-neighbour")
    await accept_pdpa(neighbour)
    await file_by_location(neighbour)
    chat = Chat(services, user="citizen-second")
    await accept_pdpa(chat)
    for point, subject in ((CHIANG_RAI_CITY_HALL, "ขยะ"), ((19.9200, 99.8406), "ถนน/ทางเท้า")):  # 1 km north
        await chat.say("แจ้งเรื่อง")
        await chat.share_location(*point)
        await chat.press(subject)
        await chat.say(f"ปัญหาใหม่ {subject} {point[0]}")
        await chat.press("ข้าม")  # no photos
        await chat.press("ทางแชตเท่านั้น")
        await chat.press("ข้าม")  # no sector
        replies = await chat.press("ไม่แสดง")  # not on the public page
        assert labels(last(replies)) == ["ยืนยันและส่งเรื่อง", "แก้ไขข้อมูล"]
        await chat.say("ยกเลิก")


async def test_following_the_duplicate_instead_files_nothing(services: Services) -> None:
    neighbour = Chat(services, user="citizen-neighbour")
    await accept_pdpa(neighbour)
    filed = await file_by_location(neighbour)
    ticket = filed[0].text.split("เลขที่เรื่อง: ")[1].split()[0]
    chat = Chat(services, user="citizen-second")
    await accept_pdpa(chat)
    await chat.say("แจ้งเรื่อง")
    await chat.share_location(*CHIANG_RAI_CITY_HALL)
    await chat.press("ถนน/ทางเท้า")
    await chat.say("หลุมบนถนนหน้าศาลากลางใหญ่ขึ้นทุกวัน")
    await chat.press("ข้าม")  # no photos
    await chat.press("ทางแชตเท่านั้น")
    await chat.press("ข้าม")  # no sector
    await chat.press("ไม่แสดง")  # not on the public page
    replies = await chat.press(f"ติดตาม {ticket}")
    assert ticket in all_text(replies) + "".join(r.card.title for r in replies if r.card)
    assert await complaint_count(chat) == 1
