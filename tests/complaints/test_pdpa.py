"""First contact: the PDPA notice and the separate, optional consents, recorded with their time."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.domain.consents import CONTACT_PHONE, PROVINCE_NEWS, PUBLISH_PHOTO, current_consents, withdraw_consent
from storage.models import Consent, Person
from tests.complaints.support import NO, YES, all_text, last
from tests.support.chat import Chat, labels


async def _person(chat: Chat) -> Person:
    async with chat.services.db.read() as session:
        person = await session.scalar(select(Person).where(Person.platform_user_id == chat.user))
        assert person is not None
        return person


async def _consents(chat: Chat) -> list[Consent]:
    person = await _person(chat)
    async with chat.services.db.read() as session:
        return list((await session.scalars(select(Consent).where(Consent.person_id == person.id))).all())


async def test_a_new_person_reads_the_notice_and_answers_each_consent_separately(chat: Chat) -> None:
    replies = await chat.say("สวัสดีครับ")
    notice = all_text(replies)
    assert "PDPA" in notice and "5 ปี" in notice  # what, why, how long, who sees it
    assert "ไม่มีการขายข้อมูล" in notice and "ระยะเวลาเก็บ" in notice and "ผู้ที่เห็นข้อมูล" in notice
    assert labels(last(replies)) == [YES, NO]
    assert "โทรศัพท์" in last(replies).text
    assert (await _person(chat)).pdpa_notice_at is None

    replies = await chat.press(YES)
    assert "รูปภาพ" in last(replies).text and labels(last(replies)) == [YES, NO]
    assert await _consents(chat) == []  # nothing is recorded until every question is answered

    replies = await chat.press(NO)
    assert "ยินดีต้อนรับ" in all_text(replies)
    assert "แจ้งเรื่องร้องเรียน" in labels(last(replies))  # the main menu
    person = await _person(chat)
    assert person.pdpa_notice_at is not None
    recorded = {c.purpose: c for c in await _consents(chat)}
    assert {p: c.granted for p, c in recorded.items()} == {CONTACT_PHONE: True, PUBLISH_PHOTO: False}
    for consent in recorded.values():
        assert abs(consent.created_at.replace(tzinfo=None) - person.pdpa_notice_at.replace(tzinfo=None)) < timedelta(
            seconds=1
        )

    replies = await chat.say("สวัสดี")  # the notice is shown once only
    assert "PDPA" not in all_text(replies)


async def test_an_answer_other_than_yes_or_no_repeats_the_question(chat: Chat) -> None:
    await chat.say("สวัสดี")
    replies = await chat.say("อาจจะ")
    assert "กรุณาตอบ" in replies[0].text
    assert labels(last(replies)) == [YES, NO] and "โทรศัพท์" in last(replies).text
    assert await _consents(chat) == []


async def test_following_on_line_starts_with_the_notice(chat: Chat) -> None:
    replies = await chat.follow()
    assert "PDPA" in all_text(replies)


async def test_asking_to_file_a_complaint_first_starts_it_right_after_the_notice(chat: Chat) -> None:
    replies = await chat.say("แจ้งเรื่อง")
    assert "PDPA" in all_text(replies)
    await chat.press(NO)
    replies = await chat.press(NO)
    assert "เลือกจากรายการ" in labels(last(replies))  # the complaint's first question


async def test_withdrawing_a_consent_adds_a_row_and_keeps_the_history(chat: Chat) -> None:
    await chat.say("สวัสดี")
    await chat.press(YES)
    await chat.press(YES)
    person = await _person(chat)
    async with chat.services.db.write() as session:
        assert await current_consents(session, person) == {
            CONTACT_PHONE: True,
            PUBLISH_PHOTO: True,
            PROVINCE_NEWS: False,
        }
        assert person.pdpa_notice_at is not None
        await withdraw_consent(session, person, PUBLISH_PHOTO, person.pdpa_notice_at + timedelta(days=3))
    async with chat.services.db.read() as session:
        assert await current_consents(session, person) == {
            CONTACT_PHONE: True,
            PUBLISH_PHOTO: False,
            PROVINCE_NEWS: False,  # asked separately under "My data", never answered here
        }
    history = [(c.purpose, c.granted) for c in sorted(await _consents(chat), key=lambda c: c.id)]
    assert history == [(CONTACT_PHONE, True), (PUBLISH_PHOTO, True), (PUBLISH_PHOTO, False)]
