"""Issue 14's follow-up: the citizen is asked in chat whether the complaint (and its photos) may be shown in public;
what they answer is what the public pages, downloads and the Open311 API show, and a withdrawal from the ticket's
card reaches all of them: the photo at once, the pages within a minute."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.core.media import store_media
from bot.web.public import render
from storage.models import Complaint
from tests.complaints.support import CHIANG_RAI_CITY_HALL, accept_pdpa
from tests.support.chat import Chat, labels
from tests.web.public.conftest import PNG, Site

DESCRIPTION = "ไฟส่องสว่างริมถนนหน้าศาลากลางดับทั้งแนว มืดมากตอนกลางคืน"


async def file_with_photo(chat: Chat, *, publish: str, photos: str | None, notice: bool = True) -> tuple[str, int]:
    """A complaint with one photo, answering the two public-page questions (and first the notice, unless
    `notice` is False); its ticket and photo."""
    if notice:
        await accept_pdpa(chat)
    await chat.say("แจ้งเรื่อง")
    await chat.share_location(*CHIANG_RAI_CITY_HALL)
    await chat.press("ถนน/ทางเท้า")
    await chat.say(DESCRIPTION)
    media = await store_media(chat.services.db, PNG + chat.user.encode(), "image/png")
    await chat.send_photo(media)
    await chat.press("เสร็จแล้ว")
    await chat.press("ทางแชตเท่านั้น")
    await chat.press("ข้าม")  # no sector
    await chat.press(publish)
    if photos is not None:
        await chat.press(photos)
    await chat.press("ยืนยันและส่งเรื่อง")
    async with chat.services.db.read() as session:
        ticket = await session.scalar(select(Complaint.ticket_no).order_by(Complaint.id.desc()))
    assert ticket is not None
    return ticket, media


async def consents(site: Site, ticket: str) -> tuple[bool, bool]:
    async with site.services.db.read() as session:
        complaint = await session.scalar(select(Complaint).where(Complaint.ticket_no == ticket))
    assert complaint is not None
    return complaint.publish_consent, complaint.photo_consent


async def public_answers(site: Site, ticket: str) -> str:
    """Everything the public can read about the ticket: its page, the open data and the Open311 answer."""
    answers = [
        await site.http.get(f"/p/t/{ticket}"),
        await site.http.get("/p/data/complaints.json"),
        await site.http.get(f"/open311/v2/requests/{ticket}.json"),
        await site.http.get(f"/open311/v2/requests/{ticket}.xml"),
    ]
    assert all(a.status_code == 200 for a in answers)
    return "\n".join(a.text for a in answers)


def later(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """Move the public pages' clock on (their 20-second memory)."""
    start = render.clock()
    monkeypatch.setattr(render, "clock", lambda: start + seconds)


async def test_consented_in_chat_then_photos_then_the_complaint_withdrawn_from_its_card(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    chat = Chat(site.services, user="citizen-public-1")
    ticket, media = await file_with_photo(chat, publish="ยินยอมให้แสดง", photos="ให้แสดงรูปภาพ")
    assert await consents(site, ticket) == (True, True)
    shown = await public_answers(site, ticket)
    assert DESCRIPTION in shown and f"/p/photos/{media}" in shown
    [api] = (await site.http.get(f"/open311/v2/requests/{ticket}.json")).json()
    assert api["media_url"] == f"http://127.0.0.1:8000/p/photos/{media}" and (api["lat"], api["long"]) == (
        19.91,
        99.841,
    )
    photo = await site.http.get(f"/p/photos/{media}")
    assert photo.status_code == 200 and photo.content == PNG + chat.user.encode()
    assert photo.headers["cache-control"] == "public, max-age=40"  # with the 20 s page memory, gone within the minute

    card_replies = await chat.say(ticket)
    card = next(r.card for r in card_replies if r.card is not None)
    assert ("หน้าสาธารณะ", "รายละเอียด ตำแหน่งโดยประมาณ และรูปภาพ") in [(f.label, f.value) for f in card.fields]
    assert card.footer == f"http://127.0.0.1:8000/p/t/{ticket}"
    assert {"ไม่แสดงต่อสาธารณะ", "ไม่แสดงรูปภาพ"} <= set(labels(card_replies[-1]))

    replies = await chat.press("ไม่แสดงรูปภาพ")
    assert f"รูปภาพของเรื่องเลขที่ {ticket} จะไม่แสดงต่อสาธารณะแล้ว" in replies[0].text
    assert await consents(site, ticket) == (True, False)
    assert (await site.http.get(f"/p/photos/{media}")).status_code == 404  # at once, whoever linked it
    [api] = (await site.http.get(f"/open311/v2/requests/{ticket}.json")).json()
    assert api["media_url"] is None and api["description"] == DESCRIPTION
    later(monkeypatch, render.REMEMBER_SECONDS + 1)
    shown = await public_answers(site, ticket)
    assert DESCRIPTION in shown and "/p/photos/" not in shown

    card_replies = await chat.say(ticket)
    assert "ไม่แสดงรูปภาพ" not in labels(card_replies[-1])
    replies = await chat.press("ไม่แสดงต่อสาธารณะ")
    assert f"เรื่องเลขที่ {ticket} จะไม่แสดงต่อสาธารณะแล้ว" in replies[0].text
    assert await consents(site, ticket) == (False, False)
    later(monkeypatch, 2 * (render.REMEMBER_SECONDS + 1))
    hidden = await public_answers(site, ticket)
    assert ticket in hidden and DESCRIPTION not in hidden
    [api] = (await site.http.get(f"/open311/v2/requests/{ticket}.json")).json()
    assert (api["description"], api["lat"], api["long"], api["media_url"]) == (None, None, None, None)


async def test_someone_else_cannot_hide_a_ticket(site: Site) -> None:
    owner = Chat(site.services, user="citizen-public-2")
    ticket, _media = await file_with_photo(owner, publish="ยินยอมให้แสดง", photos="ให้แสดงรูปภาพ")
    stranger = Chat(site.services, user="citizen-public-3")
    await accept_pdpa(stranger)
    replies = await stranger.say(ticket)
    assert not {"ไม่แสดงต่อสาธารณะ", "ไม่แสดงรูปภาพ"} & set(labels(replies[-1]))
    replies = await stranger.press_code(f"hide:complaint:{ticket}")  # a forged button
    assert "เฉพาะผู้แจ้งเรื่องเท่านั้น" in replies[0].text
    assert await consents(site, ticket) == (True, True)


async def test_saying_no_keeps_the_complaint_and_photos_off_every_public_answer(site: Site) -> None:
    chat = Chat(site.services, user="citizen-public-4")
    ticket, media = await file_with_photo(chat, publish="ไม่แสดง", photos=None)  # the photo question is not asked
    assert await consents(site, ticket) == (False, False)
    shown = await public_answers(site, ticket)
    assert ticket in shown and DESCRIPTION not in shown and "/p/photos/" not in shown
    assert (await site.http.get(f"/p/photos/{media}")).status_code == 404


async def test_my_data_hides_every_ticket_and_withdrawing_the_photo_consent_reaches_filed_tickets(site: Site) -> None:
    chat = Chat(site.services, user="citizen-public-5")
    first, first_photo = await file_with_photo(chat, publish="ยินยอมให้แสดง", photos="ให้แสดงรูปภาพ")
    await chat.say("เมนู")
    replies = await chat.say("ข้อมูลของฉัน")
    assert "เรื่องร้องเรียนที่แสดงในหน้าข้อมูลสาธารณะ: 1 เรื่อง (พร้อมรูปภาพ: 1 เรื่อง)" in replies[-1].text
    replies = await chat.press("ถอนความยินยอม")
    assert {"เรื่องที่แสดงสาธารณะ", "รูปที่แสดงสาธารณะ"} <= set(labels(replies[-1]))
    replies = await chat.say("ไม่เอาแล้ว")
    assert "กรุณากดปุ่มความยินยอมที่ต้องการถอน" in replies[0].text and await consents(site, first) == (True, True)
    replies = await chat.press("รูปที่แสดงสาธารณะ")
    assert "รูปภาพของเรื่องของท่าน 1 เรื่อง จะไม่แสดงต่อสาธารณะแล้ว" in replies[0].text
    assert await consents(site, first) == (True, False)
    assert (await site.http.get(f"/p/photos/{first_photo}")).status_code == 404

    await chat.say("ข้อมูลของฉัน")
    await chat.press("ถอนความยินยอม")
    replies = await chat.press("เรื่องที่แสดงสาธารณะ")
    assert "เรื่องของท่าน 1 เรื่อง จะไม่แสดงต่อสาธารณะแล้ว" in replies[0].text
    assert await consents(site, first) == (False, False)


async def test_withdrawing_the_first_contact_photo_consent_hides_the_photos_of_filed_tickets(site: Site) -> None:
    chat = Chat(site.services, user="citizen-public-6")
    await chat.say("สวัสดี")
    await chat.press("ยินยอม")  # may be phoned
    await chat.press("ยินยอม")  # complaint photos may be published
    ticket, media = await file_with_photo(chat, publish="ยินยอมให้แสดง", photos="ให้แสดงรูปภาพ", notice=False)
    assert (await site.http.get(f"/p/photos/{media}")).status_code == 200
    await chat.say("ข้อมูลของฉัน")
    await chat.press("ถอนความยินยอม")
    replies = await chat.press("การเผยแพร่รูปภาพ")
    assert "ถอน" in replies[0].text
    assert await consents(site, ticket) == (True, False)
    assert (await site.http.get(f"/p/photos/{media}")).status_code == 404
    [api] = (await site.http.get(f"/open311/v2/requests/{ticket}.json")).json()
    assert api["media_url"] is None and api["description"] == DESCRIPTION
