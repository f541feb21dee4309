"""What a person reads is worded as a provincial office writes (issue 15): the PDPA notice names who holds the
data, Bangkok has khet and its own departments, a receipt names the responsible agency and the answer date."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Agency, Complaint
from tests.complaints.support import NO, YES, accept_pdpa, all_text, file_by_location, last
from tests.support.chat import Chat, labels, transcript

BANGKOK_CITY_HALL = (13.7525, 100.5010)  # ศาลาว่าการกรุงเทพมหานคร, เขตพระนคร


async def test_the_notice_names_the_controller_and_says_refusing_changes_nothing(chat: Chat) -> None:
    notice = all_text(await chat.say("สวัสดี"))
    assert "ผู้ควบคุมข้อมูลส่วนบุคคล: สำนักงานจังหวัดของจังหวัดที่ท่านแจ้งเรื่อง" in notice
    assert "ศูนย์ดำรงธรรม สายด่วน 1567" in notice
    assert "การไม่ให้ความยินยอมไม่มีผลต่อการดำเนินการเรื่องร้องเรียนของท่าน" in notice
    assert "ไม่ว่าจะตอบอย่างไร" not in notice
    photos = last(await chat.press(YES)).text
    assert "เผยแพร่รูปภาพ" in photos and "หน้าข้อมูลสาธารณะ" not in photos  # no page is promised


async def test_a_consent_never_given_reads_as_such_and_offers_no_withdrawal(chat: Chat) -> None:
    await chat.say("สวัสดี")
    await chat.press(NO)
    await chat.press(NO)
    replies = await chat.say("ข้อมูลของฉัน")
    assert "ไม่ให้ความยินยอม" in last(replies).text and "ถอนความยินยอม" not in last(replies).text
    assert labels(last(replies)) == ["เปลี่ยนจังหวัดของฉัน", "รับข่าวสารของจังหวัด", "ระบุภาคีเครือข่าย", "ลบข้อมูลของฉัน"]


async def test_a_receipt_names_the_responsible_agency_the_answer_date_and_the_controller(chat: Chat) -> None:
    await accept_pdpa(chat)
    receipt = (await file_by_location(chat))[0].text
    assert "หน่วยงานที่รับผิดชอบ: " in receipt and "ส่งถึง" not in receipt
    assert "กำหนดแจ้งผลภายในวันที่ " in receipt
    assert "ผู้ควบคุมข้อมูลส่วนบุคคลในเรื่องนี้: สำนักงานจังหวัดเชียงราย สอบถามได้ที่ สายด่วน 1567" in receipt


async def test_bangkok_asks_for_the_khet_and_routes_to_its_district_office(chat: Chat) -> None:
    await accept_pdpa(chat)
    await chat.say("แจ้งเรื่อง")
    await chat.press("เลือกจากรายการ")
    replies = await chat.say("กรุงเทพมหานคร")
    assert last(replies).text == "เขตใดของกรุงเทพมหานคร เลือกจากรายการหรือพิมพ์ชื่อเขต"
    replies = await chat.say("บางรัก")
    assert "เขตบางรัก กรุงเทพมหานคร" in replies[0].text
    await chat.press("ถนน/ทางเท้า")
    await chat.say("ทางเท้าถนนสีลมชำรุด กระเบื้องหลุดหลายแผ่น")
    await chat.press("ข้าม")
    await chat.press("ทางแชตเท่านั้น")
    await chat.press("ข้าม")
    await chat.press("ไม่แสดง")
    receipt = (await chat.press("ยืนยันและส่งเรื่อง"))[0].text
    assert "หน่วยงานที่รับผิดชอบ: สำนักงานเขตบางรัก" in receipt
    assert "ผู้ควบคุมข้อมูลส่วนบุคคลในเรื่องนี้: กรุงเทพมหานคร (ศาลาว่าการกรุงเทพมหานคร)" in receipt
    assert "สายด่วน 1555" in receipt
    assert "จังหวัดกรุงเทพมหานคร" not in transcript()


async def test_flooding_in_bangkok_goes_to_the_drainage_department(chat: Chat) -> None:
    await accept_pdpa(chat)
    await file_by_location(chat, BANGKOK_CITY_HALL, subject="น้ำท่วม/ระบายน้ำ", description="ฝนตกแล้วน้ำท่วมขังทุกครั้ง")
    async with chat.services.db.read() as session:
        agency = await session.scalar(select(Agency).join(Complaint, Complaint.agency_id == Agency.id))
    assert agency is not None and agency.name_th == "สำนักการระบายน้ำ กรุงเทพมหานคร"
    assert "จังหวัดกรุงเทพมหานคร" not in transcript()


async def test_flooding_in_a_province_goes_to_disaster_prevention_not_the_waterworks(chat: Chat) -> None:
    await accept_pdpa(chat)
    await file_by_location(chat, subject="น้ำท่วม/ระบายน้ำ", description="น้ำป่าไหลหลากท่วมถนนเข้าหมู่บ้าน")
    async with chat.services.db.read() as session:
        agency = await session.scalar(select(Agency).join(Complaint, Complaint.agency_id == Agency.id))
    assert agency is not None and agency.name_th == "สำนักงานป้องกันและบรรเทาสาธารณภัยจังหวัดเชียงราย"


async def test_the_agenda_page_names_the_buttons_it_offers(chat: Chat) -> None:
    """The words under an agenda name the buttons shown: "ความคิดเห็น/ข้อเสนอ" and "จังหวัดอื่น"."""
    await accept_pdpa(chat)
    await chat.say("ประเด็นของจังหวัด")
    await chat.say("เชียงราย")
    closing = last(await chat.press("อากาศสะอาด"))
    assert labels(closing) == ["ความคิดเห็น/ข้อเสนอ", "จังหวัดอื่น"]
    assert all(f'"{label}"' in closing.text for label in labels(closing))
    assert "ดูประเด็นอื่น" not in closing.text
