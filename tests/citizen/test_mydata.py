"""My data: what is held, withdrawing a consent, and deleting my personal data (confirmed twice), after which
the database holds nothing personal about me while my tickets stay on the record."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, inspect, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.media import add_media
from bot.core.types import InboundKind, Reply
from bot.domain.retention import enforce_retention
from bot.services import Services
from bot.settings import Settings
from storage.models import (
    Complaint,
    ComplaintPhoto,
    ComplaintStatus,
    Consent,
    FailedAttempt,
    Feedback,
    Media,
    OutboxMessage,
    Person,
    PhotoKind,
    Role,
)
from tests.citizen.conftest import SET_STATUS, TicketMaker, known_person
from tests.conftest import make_settings
from tests.support.chat import Chat, labels, texts


@pytest.fixture
def settings(any_database_url: str) -> Settings:
    """Deletion is checked on SQLite and on PostgreSQL."""
    return make_settings(any_database_url)


USER = "U-somsri-7f3a91"  # the platform id: must not survive deletion
NAME = "สมศรี มีสุข"
PHONE = "0812345678"
PHONE_CALLS = "การโทรศัพท์ติดต่อเกี่ยวกับเรื่องร้องเรียนของฉัน"  # the consent to be phoned, as the person reads it
PHONE_BUTTON = "การโทรติดต่อ"  # the same on its button


async def first_contact(services: Services) -> Chat:
    """A new person meets the PDPA notice, agrees to phone calls and refuses public photos."""
    chat = Chat(services, user=USER, display_name=NAME)
    await chat.say("ข้อมูลของฉัน")
    await chat.press("ยินยอม")
    return chat


async def person_row(services: Services, user: str = USER) -> Person | None:
    async with services.db.read() as session:
        return await session.scalar(select(Person).where(Person.platform_user_id == user))


async def test_what_is_held_and_withdrawing_a_consent(services: Services) -> None:
    chat = await first_contact(services)
    shown = await chat.press("ไม่ยินยอม")  # the flow asked for first starts after the notice
    summary = shown[-1].text
    assert summary.startswith("ข้อมูลของท่านที่เราเก็บไว้:\n• ชื่อ: สมศรี มีสุข\n• ช่องทาง: เว็บจำลอง\n• ภาษา: ภาษาไทย")
    assert "• บทบาท: ประชาชน" in summary and "• เรื่องร้องเรียนที่แจ้ง: 0 เรื่อง" in summary
    assert "ความยินยอมของท่าน:" in summary and "ให้ความยินยอม" in summary
    assert "ไม่ให้ความยินยอม" in summary and "ถอนความยินยอม" not in summary  # refused at first, never withdrawn
    assert labels(shown[-1]) == [
        "ถอนความยินยอม",
        "เปลี่ยนจังหวัดของฉัน",
        "รับข่าวสารของจังหวัด",
        "ระบุภาคีเครือข่าย",
        "ลบข้อมูลของฉัน",
    ]

    purposes = await chat.press("ถอนความยินยอม")
    assert purposes[0].text == "ท่านต้องการถอนความยินยอมเรื่องใด"
    assert labels(purposes[0]) == [PHONE_BUTTON]  # only what is granted can be withdrawn
    wrong = await chat.say("ทั้งหมด")
    assert wrong[0].text.startswith("กรุณากดปุ่มความยินยอมที่ต้องการถอนด้านล่าง")
    done = await chat.press(PHONE_BUTTON)
    assert done[0].text.startswith('ถอนความยินยอม "')
    person = await person_row(services)
    assert person is not None
    async with services.db.read() as session:
        rows = (
            await session.scalars(
                select(Consent)
                .where(Consent.person_id == person.id, Consent.purpose == "contact_phone")
                .order_by(Consent.id)
            )
        ).all()
    assert [r.granted for r in rows] == [True, False]  # the grant stays in the history; the withdrawal is added
    again = await chat.say("ข้อมูลของฉัน")
    # Nothing left to withdraw.
    assert labels(again[0]) == ["เปลี่ยนจังหวัดของฉัน", "รับข่าวสารของจังหวัด", "ระบุภาคีเครือข่าย", "ลบข้อมูลของฉัน"]


async def test_saying_no_at_either_confirmation_deletes_nothing(services: Services) -> None:
    chat = await first_contact(services)
    await chat.press("ไม่ยินยอม")
    await chat.press("ลบข้อมูลของฉัน")
    kept = await chat.press("เก็บข้อมูลไว้")
    assert kept[0].text == "ไม่ได้ลบข้อมูลใด ๆ"
    await chat.say("ข้อมูลของฉัน")
    await chat.press("ลบข้อมูลของฉัน")
    await chat.press("ดำเนินการต่อ")
    kept = await chat.say("ไม่แน่ใจ")
    assert kept[0].text == "ไม่ได้ลบข้อมูลใด ๆ"
    person = await person_row(services)
    assert person is not None and person.display_name == NAME and person.deleted_at is None


async def all_text(conn: AsyncConnection) -> dict[str, str]:
    """Every table's rows as text, to search for what must be gone."""
    tables = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
    dumped = {}
    for table in tables:
        rows = (await conn.execute(text(f'SELECT * FROM "{table}"'))).all()
        dumped[table] = "\n".join(repr(tuple(row)) for row in rows)
    return dumped


async def test_deleting_my_data_leaves_no_personal_data_but_keeps_the_tickets(
    services: Services, tickets: TicketMaker, officer: Chat
) -> None:
    chat = await first_contact(services)
    await chat.press("ไม่ยินยอม")
    person = await person_row(services)
    assert person is not None
    async with services.db.write() as session:
        stored = await session.get(Person, person.id)
        assert stored is not None
        stored.phone = PHONE
        session.add(FailedAttempt(person_id=person.id, kind="invite"))
        photo = Media(sha256="a" * 64, content_type="image/jpeg", size=3, data=b"jpg", owner_id=person.id)
        stray = Media(sha256="b" * 64, content_type="image/jpeg", size=3, data=b"jpg", owner_id=person.id)
        session.add_all([photo, stray])
    ticket = await tickets.make(person, contact_phone=PHONE, description="ถนนหน้าบ้านเลขที่ 12 เป็นหลุมลึก")
    async with services.db.write() as session:
        session.add(ComplaintPhoto(complaint_id=ticket.id, media_id=photo.id))
        province_id = ticket.province_id
        session.add(
            Feedback(person_id=person.id, province_id=province_id, kind="comment", text="ขอถนนใหม่", support_count=0)
        )

    await chat.say("ข้อมูลของฉัน")
    first = await chat.press("ลบข้อมูลของฉัน")
    assert first[0].text.startswith("การลบข้อมูลจะลบชื่อ หมายเลขโทรศัพท์ ความยินยอม และประวัติการสนทนาของท่าน")
    second = await chat.press("ดำเนินการต่อ")
    assert texts(second) == ["ยืนยันหรือไม่ การลบนี้ย้อนกลับไม่ได้"]
    done = await chat.press("ลบถาวร")
    assert done[0].text.startswith("ลบข้อมูลส่วนบุคคลของท่านเรียบร้อยแล้ว")

    async with services.db.read() as session:
        marker = await session.get(Person, person.id)
        assert marker is not None and marker.deleted_at is not None
        assert (marker.display_name, marker.phone, marker.chat_id) == (None, None, "")
        assert marker.platform_user_id.startswith("deleted:")
        assert (
            await session.scalar(select(func.count()).select_from(Consent).where(Consent.person_id == person.id)) == 0
        )
        kept = await session.get(Complaint, ticket.id)
        assert kept is not None and (kept.person_id, kept.contact_phone) == (None, None)
        assert kept.ticket_no == ticket.ticket_no and kept.description == "ถนนหน้าบ้านเลขที่ 12 เป็นหลุมลึก"
        assert await session.get(Media, stray.id) is None  # not part of any ticket: gone
        kept_photo = await session.get(Media, photo.id)
        assert kept_photo is not None and kept_photo.owner_id == person.id  # the open ticket still needs it; it
        # is owned by the anonymous marker, so that it goes once the ticket is closed
        comment = await session.scalar(select(Feedback))
        assert comment is not None and comment.person_id is None
    async with services.db.engine.connect() as conn:
        dumped = await all_text(conn)
    for table, rows in dumped.items():
        assert NAME not in rows and PHONE not in rows and USER not in rows, table
    # Even the confirmation, once delivered, keeps no trace of the chat it went to.
    async with services.db.read() as session:
        left = (await session.scalars(select(OutboxMessage).where(OutboxMessage.person_id == person.id))).all()
    assert [(row.recipient, row.payload) for row in left] == [("erased", [])]

    # Status changes of the kept ticket no longer reach the chat; the record goes on.
    await officer.press_code(f"{SET_STATUS}{ticket.ticket_no} resolved")  # the officer's stand-in
    assert chat.new_replies() == []

    # Writing again starts afresh: a new person, who meets the PDPA notice again.
    again = await chat.say("สวัสดี")
    assert again[0].text.startswith("ก่อนเริ่มใช้งาน: การคุ้มครองข้อมูลส่วนบุคคล")
    fresh = await person_row(services)
    assert fresh is not None and fresh.id != person.id and fresh.pdpa_notice_at is None


async def test_staff_are_sent_to_the_secretariat_to_delete_their_account(services: Services) -> None:
    await known_person(services, "officer-x", role=Role.OFFICER, display_name="เจ้าหน้าที่")
    chat = Chat(services, user="officer-x")
    await chat.say("ข้อมูลของฉัน")
    replies = await chat.press("ลบข้อมูลของฉัน")
    assert replies[0].text == "บัญชีเจ้าหน้าที่ของท่านอยู่ในความดูแลของฝ่ายเลขานุการ กรุณาติดต่อฝ่ายเลขานุการเพื่อขอลบ"
    assert (await person_row(services, "officer-x")) is not None


async def send_from_the_platform(chat: Chat, ref: str) -> list[Reply]:
    """A photo as LINE or Telegram send it: a reference the inbox downloads and stores before the step runs."""
    chat.recorder.media[ref] = (f"jpeg {ref}".encode(), "image/jpeg")
    return await chat.send(InboundKind.IMAGE, shown=f"(photo {ref})", image_ref=ref)


async def add_photo(services: Services, complaint: Complaint, owner: Person, kind: PhotoKind) -> int:
    async with services.db.write() as session:
        media = await add_media(session, f"{kind} {complaint.ticket_no}".encode(), "image/jpeg", owner_id=owner.id)
        session.add(ComplaintPhoto(complaint_id=complaint.id, media_id=media.id, kind=kind))
        return media.id


async def media_owners(services: Services) -> dict[int, int | None]:
    async with services.db.read() as session:
        return {media_id: owner for media_id, owner in await session.execute(select(Media.id, Media.owner_id))}


async def test_deleting_my_data_deletes_every_photo_i_sent_that_no_open_ticket_needs(
    services: Services, tickets: TicketMaker, officer: Chat
) -> None:
    """Issue 16: photos stored by the inbox had no owner, so a photo from a cancelled draft or sent outside a
    flow survived "delete my data"."""
    chat = await first_contact(services)
    await chat.press("ไม่ยินยอม")
    await chat.say("ยกเลิก")
    await send_from_the_platform(chat, "outside-a-flow")
    await chat.say("แจ้งเรื่อง")
    await chat.share_location(19.9105, 99.8406)
    await chat.press("ถนน/ทางเท้า")
    await chat.say("ถนนหน้าบ้านเป็นหลุมลึก")
    await send_from_the_platform(chat, "in-a-draft")
    await chat.say("ยกเลิก")
    person = await person_row(services)
    officer_person = await person_row(services, "officer-cr")
    assert person is not None and officer_person is not None
    sent = await media_owners(services)
    assert list(sent.values()) == [person.id, person.id]  # the inbox records who sent each photo
    still_open = await tickets.make(person)
    closed = await tickets.make(person, status=ComplaintStatus.RESOLVED, resolved_days_ago=30)
    needed = await add_photo(services, still_open, person, PhotoKind.BEFORE)
    await add_photo(services, closed, person, PhotoKind.BEFORE)
    work_done = await add_photo(services, closed, officer_person, PhotoKind.AFTER)

    await chat.say("ข้อมูลของฉัน")
    await chat.press("ลบข้อมูลของฉัน")
    await chat.press("ดำเนินการต่อ")
    await chat.press("ลบถาวร")

    # Left: the open ticket's photo (the agency still needs it), owned by the anonymous marker; the officer's
    # photo of the work done, which is the agency's record. Gone: the two strays and the closed ticket's photo.
    assert await media_owners(services) == {needed: person.id, work_done: officer_person.id}

    # Once the open ticket is closed, the daily retention run deletes the photo it no longer needs.
    await officer.press_code(f"{SET_STATUS}{still_open.ticket_no} resolved")
    assert (await enforce_retention(services.db, datetime.now(UTC))).photos == 1
    assert await media_owners(services) == {work_done: officer_person.id}
