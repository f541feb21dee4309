"""Helpers for the complaint transcripts: get past the PDPA notice, and file a whole complaint."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.core.types import Reply
from storage.models import Complaint
from tests.support.chat import Chat

CHIANG_RAI_CITY_HALL = (19.9105, 99.8406)
KHON_KAEN_CITY_HALL = (16.4419, 102.8360)
UBON_CITY_HALL = (15.2287, 104.8564)
VIENTIANE = (17.9757, 102.6331)
TOKYO = (35.6895, 139.6917)
YES, NO = "ยินยอม", "ไม่ยินยอม"  # the answers to each consent of the PDPA notice


def last(replies: list[Reply]) -> Reply:
    assert replies, "the bot did not answer"
    return replies[-1]


def all_text(replies: list[Reply]) -> str:
    return "\n".join(r.text for r in replies)


async def accept_pdpa(chat: Chat) -> list[Reply]:
    """A first message, then yes to the phone consent and no to publishing photos."""
    await chat.say("สวัสดี")
    await chat.press(YES)
    return await chat.press(NO)


async def file_by_location(
    chat: Chat,
    point: tuple[float, float] = CHIANG_RAI_CITY_HALL,
    *,
    subject: str = "ถนน/ทางเท้า",
    description: str = "ถนนหน้าศาลากลางเป็นหลุมลึก รถจักรยานยนต์ล้มบ่อยมาก",
) -> list[Reply]:
    """A whole complaint, every optional step skipped; returns the replies to the confirmation."""
    await chat.say("แจ้งเรื่อง")
    await chat.share_location(*point)
    await chat.press(subject)
    await chat.say(description)
    await chat.press("ข้าม")  # no photos
    await chat.press("ทางแชตเท่านั้น")
    await chat.press("ข้าม")  # no sector
    await chat.press("ไม่แสดง")  # not on the public page
    return await chat.press("ยืนยันและส่งเรื่อง")


async def complaint_count(chat: Chat) -> int:
    async with chat.services.db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(Complaint)) or 0)
