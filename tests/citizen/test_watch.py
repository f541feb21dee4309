"""A citizen follows a subdistrict or a kind of problem and gets a daily summary of what was filed and resolved
there (FixMyStreet's local alerts, in chat), and stops following from any summary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from bot.domain.watches import send_watch_summaries
from bot.services import Services
from handlers import notices
from storage.db import Database
from storage.models import AreaWatch, Complaint
from tests.complaints.support import CHIANG_RAI_CITY_HALL, TOKYO, accept_pdpa, file_by_location
from tests.support.chat import Chat, pump

LOCAL = "ติดตามพื้นที่"


async def watch_count(db: Database) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(AreaWatch)) or 0)


async def test_follow_a_category_get_the_summary_and_stop(services: Services) -> None:
    malee = Chat(services, user="malee")
    await accept_pdpa(malee)
    await malee.say("เมนู")
    replies = await malee.press(LOCAL)
    assert replies[0].text.startswith("ท่านติดตามตำบล หรือประเภทปัญหาในจังหวัดของท่านได้")
    replies = await malee.press("ติดตามพื้นที่")
    assert replies[0].text == "กรุณาส่งตำแหน่งที่ตั้งในพื้นที่ที่ท่านต้องการติดตาม"

    # Bad answers: a typed place and a place abroad are refused, and nothing is stored.
    replies = await malee.say("ตลาดเทศบาล")
    assert replies[0].text == "กรุณาส่งตำแหน่งที่ตั้ง ระบบใช้ตำแหน่งที่ตั้งเพื่อระบุตำบล"
    replies = await malee.share_location(*TOKYO)
    assert replies[0].text == "ตำแหน่งนี้อยู่นอกประเทศไทย กรุณาส่งตำแหน่งในประเทศไทย"
    assert await watch_count(services.db) == 0

    replies = await malee.share_location(*CHIANG_RAI_CITY_HALL)
    assert replies[0].text.startswith("ท่านต้องการติดตามอะไร ทุกเรื่องในตำบล")
    assert replies[0].text.endswith("หรือปัญหาประเภทเดียวทั่วจังหวัดเชียงราย")
    replies = await malee.say("ทุกอย่าง")
    assert (
        replies[0].text == "กรุณากดปุ่มด้านล่างข้อใดข้อหนึ่ง หรือพิมพ์หมายเลขของปุ่ม (1 คือปุ่มแรก)"
        and await watch_count(services.db) == 0
    )
    replies = await malee.press("ขยะ")
    assert replies[0].text.startswith("ท่านติดตามขยะ จ.เชียงรายแล้ว")
    assert await watch_count(services.db) == 1

    citizen = Chat(services, user="filer")
    await accept_pdpa(citizen)
    await file_by_location(citizen, subject="ขยะ", description="ขยะกองริมถนนหน้าตลาดไม่มีคนมาเก็บ")
    await file_by_location(citizen, subject="ถนน/ทางเท้า", description="ทางเท้าชำรุดหน้าโรงพยาบาล")
    async with services.db.read() as session:
        waste, road = (await session.scalars(select(Complaint.ticket_no).order_by(Complaint.id))).all()

    tomorrow = datetime.now(UTC) + timedelta(days=1)
    assert await send_watch_summaries(services.db, tomorrow, 0, notices.watch_summary) == 1
    assert await send_watch_summaries(services.db, tomorrow, 0, notices.watch_summary) == 0  # once a day
    await pump(services)
    [summary] = malee.new_replies()
    lines = summary.text.split("\n")
    assert lines[0] == "เรื่องร้องเรียนในพื้นที่ที่ท่านติดตาม ตั้งแต่สรุปครั้งก่อน:"
    assert lines[2] == "ขยะ จ.เชียงราย"
    assert lines[3] == f"เรื่องใหม่: {waste} (ขยะ)"
    assert road not in summary.text and "ริมถนน" not in summary.text  # no other subject, no description

    # Resolved the next day: the next summary says so.
    async with services.db.write() as session:
        await session.execute(
            update(Complaint).where(Complaint.ticket_no == waste).values(status="resolved", resolved_at=tomorrow)
        )
    assert await send_watch_summaries(services.db, tomorrow + timedelta(days=1), 0, notices.watch_summary) == 1
    await pump(services)
    [resolved] = malee.new_replies()
    assert f"ดำเนินการเสร็จสิ้น: {waste} (ขยะ)" in resolved.text

    replies = await malee.press("เลิกติดตาม: ขยะ…")  # the summary above names the area in full
    assert replies[0].text == "เลิกติดตามขยะ จ.เชียงรายแล้ว จะไม่มีการส่งสรุปของพื้นที่นี้อีก"
    assert await watch_count(services.db) == 0
    replies = await malee.press_code("unwatch:999")  # an old button, or someone else's watch
    assert replies[0].text == "ท่านไม่ได้ติดตามพื้นที่นี้แล้ว"


async def test_follow_a_subdistrict(services: Services) -> None:
    malee = Chat(services, user="malee-sub")
    await accept_pdpa(malee)
    await malee.say(LOCAL)
    await malee.press("ติดตามพื้นที่")
    replies = await malee.share_location(*CHIANG_RAI_CITY_HALL)
    [everything] = [c.label for c in replies[0].choices if c.label.startswith("ทุกเรื่องในตำบล")]
    replies = await malee.press(everything)
    assert replies[0].text.startswith("ท่านติดตามต.") and "จ.เชียงราย" in replies[0].text
    filer = Chat(services, user="filer-sub")
    await accept_pdpa(filer)
    await file_by_location(filer, subject="ถนน/ทางเท้า", description="ทางเท้าชำรุดหน้าโรงพยาบาลมานานแล้ว")
    assert await send_watch_summaries(services.db, datetime.now(UTC) + timedelta(days=1), 0, notices.watch_summary)
    await pump(services)
    [summary] = malee.new_replies()
    assert "เรื่องใหม่: CRI-" in summary.text and "(ถนน/ทางเท้า)" in summary.text
    replies = await malee.say(LOCAL)
    assert replies[0].text.startswith("รายการที่ท่านติดตาม:\n• ต.")
