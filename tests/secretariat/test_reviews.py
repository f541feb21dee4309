"""Issue 12 item 7: step 3's periodic joint review is recorded in chat (date, participants, decisions, a note per KPI),
listed, and its note shows on the KPI card."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.services import Services
from storage.models import JointReview, JointReviewNote
from tests.secretariat.test_steps import STEPS, staff_chat
from tests.support.chat import Chat, labels, texts

RECORD, REVIEWS, MY_KPIS = "บันทึกการทบทวนร่วม", "การทบทวนร่วม", "ตัวชี้วัดของประเด็นฯ"
PM25 = "จำนวนวันที่ค่าฝุ่นละออง PM2.5 เกินค่ามาตรฐาน"
HOTSPOTS = "จำนวนจุดความร้อน (Hotspot) สะสม"
BURNT = "พื้นที่เผาไหม้สะสม"


def be(day: datetime) -> str:
    return f"{day.day}/{day.month}/{day.year + 543}"


async def stored(services: Services) -> tuple[int, int]:
    async with services.db.read() as session:
        reviews = await session.scalar(select(func.count()).select_from(JointReview))
        notes = await session.scalar(select(func.count()).select_from(JointReviewNote))
    return int(reviews or 0), int(notes or 0)


async def start_review(chat: Chat) -> None:
    await chat.say("เมนู")
    await chat.press(STEPS)
    assert texts(await chat.press(RECORD))[0] == "การทบทวนร่วมจัดขึ้นวันที่เท่าใด กรุณาพิมพ์วันที่ เช่น 15/1/2570"


async def test_a_joint_review_is_recorded_listed_and_shown_on_the_kpi_card(services: Services) -> None:
    chat = await staff_chat(services, "secretariat", "เชียงราย", "sec-cri")
    await start_review(chat)
    last_week = datetime.now(UTC) - timedelta(days=7)
    asked = texts(await chat.say(be(last_week)))[0]
    assert asked.startswith("ผู้เข้าร่วมมีใครบ้าง")
    await chat.say("ผู้ว่าราชการจังหวัด, ทสจ.เชียงราย, สำนักงานจังหวัด, คณะทำงานด้านทรัพยากรธรรมชาติฯ")
    first_kpi = (await chat.say("เร่งลดการเผาในพื้นที่เกษตร และรายงานจุดความร้อนทุกสัปดาห์"))[-1]
    assert first_kpi.text == f"ตัวชี้วัดที่ 1 จาก 3: {PM25}\nกรุณาพิมพ์บันทึกจากการทบทวนต่อตัวชี้วัดนี้ หรือข้าม"
    assert labels(first_kpi) == ["ข้ามตัวชี้วัดนี้"]
    second = (await chat.say("ยังเกินค่ามาตรฐาน 12 วัน ต้องเพิ่มมาตรการช่วงมีนาคม"))[-1]
    assert second.text.startswith(f"ตัวชี้วัดที่ 2 จาก 3: {HOTSPOTS}")
    third = (await chat.press("ข้ามตัวชี้วัดนี้"))[-1]
    assert third.text.startswith(f"ตัวชี้วัดที่ 3 จาก 3: {BURNT}")
    done = texts(await chat.say("เป็นไปตามแผน"))[0]
    assert done.startswith("บันทึกการทบทวนร่วมวันที่") and "ตัวชี้วัด 2 ตัว" in done
    assert await stored(services) == (1, 2)

    await chat.press(STEPS)
    listed = texts(await chat.press(REVIEWS))[0].splitlines()
    assert listed[0] == "การทบทวนร่วม (ล่าสุดก่อน):"
    assert listed[2].startswith("  ผู้เข้าร่วม: ผู้ว่าราชการจังหวัด")
    assert listed[3] == "  มติที่ประชุม: เร่งลดการเผาในพื้นที่เกษตร และรายงานจุดความร้อนทุกสัปดาห์"
    assert listed[4] == f"  {PM25}: ยังเกินค่ามาตรฐาน 12 วัน ต้องเพิ่มมาตรการช่วงมีนาคม"
    assert listed[5] == f"  {BURNT}: เป็นไปตามแผน"

    cards = await chat.press(MY_KPIS)
    pm25 = next(reply.card for reply in cards if reply.card is not None and reply.card.title == PM25)
    review = {field.label: field.value for field in pm25.fields if field.label.startswith("การทบทวนร่วม")}
    assert list(review.values()) == ["ยังเกินค่ามาตรฐาน 12 วัน ต้องเพิ่มมาตรการช่วงมีนาคม"]


async def test_each_bad_answer_is_asked_again_and_nothing_is_stored(services: Services) -> None:
    chat = await staff_chat(services, "secretariat", "เชียงราย", "sec-cri")
    await start_review(chat)
    assert texts(await chat.say("เมื่อวาน"))[0] == "“เมื่อวาน” ไม่ใช่วันที่ที่ระบบอ่านได้ กรุณาพิมพ์ในรูปแบบ วัน/เดือน/ปี พ.ศ."
    tomorrow = datetime.now(UTC) + timedelta(days=2)
    assert texts(await chat.say(be(tomorrow)))[0] == "ยังไม่ถึงวันที่นี้ กรุณาบันทึกการทบทวนหลังจากประชุมแล้ว"
    assert texts(await chat.say("1/1/2560"))[0] == "วันที่นี้อยู่ก่อนเริ่มโครงการ (ปีงบประมาณ พ.ศ. 2565)"
    await chat.say(be(datetime.now(UTC)))
    assert texts(await chat.say("ก" * 501))[0] == "ข้อความยาวเกินไป กรุณาพิมพ์ไม่เกิน 500 ตัวอักษร"
    await chat.say("สำนักงานจังหวัด")
    assert texts(await chat.send_photo(0))[0] == "กรุณาพิมพ์มติที่ประชุมเป็นข้อความ"  # a photo is not the decisions
    await chat.say("ติดตามต่อ")
    assert texts(await chat.say("ค" * 501))[0] == "ข้อความยาวเกินไป กรุณาพิมพ์ไม่เกิน 500 ตัวอักษร"
    assert texts(await chat.say("ยกเลิก"))[0] == "ยกเลิกแล้ว ไม่มีการบันทึกข้อมูลใด ๆ"
    assert await stored(services) == (0, 0)


async def test_the_national_secretariat_reads_a_provinces_reviews_but_does_not_record_them(services: Services) -> None:
    national = await staff_chat(services, "secretariat", None, "opdc-1")
    await national.say("เมนู")
    await national.press(STEPS)
    assert RECORD not in labels(national.recorder.replies_to("opdc-1")[-1])
    assert "การทบทวนร่วมบันทึกโดยฝ่ายเลขานุการของจังหวัด" in texts(await national.press_code("m:review"))[0]
    await national.press(STEPS)
    assert texts(await national.press(REVIEWS))[0] == "จังหวัดใด กรุณาพิมพ์ชื่อจังหวัด เช่น เชียงราย"
    assert "ไม่พบจังหวัด" in texts(await national.say("แอตแลนติส"))[0]
    assert texts(await national.say("เชียงราย"))[0] == "ยังไม่มีการบันทึกการทบทวนร่วมของจังหวัดนี้"
    assert await stored(services) == (0, 0)
