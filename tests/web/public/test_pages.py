"""The public pages: what each shows, in Thai and in English, and how it is cached."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from bot.services import Services
from storage.models import Complaint
from tests.officer.helpers import mark_notice_seen
from tests.support.chat import Chat
from tests.web.public.conftest import CLOSING_NOTE, PUBLIC_TEXT, Site


async def test_the_province_page_shows_its_agenda_figures_and_latest_resolved(site: Site) -> None:
    response = await site.http.get("/p/chiang-rai")
    assert response.status_code == 200
    html = response.text
    assert "เชียงราย" in html and "ประเด็นนโยบายสำคัญของจังหวัด" in html
    assert "อากาศสะอาด" in html  # the CEO agenda
    assert "ตัวเลขตัวอย่าง" in html  # its made-up figures say so
    assert "รับเรื่องในปีงบประมาณนี้" in html
    assert site.seeded.published in html and CLOSING_NOTE in html
    assert site.seeded.private not in html  # not consented: not among the resolved
    assert '"lat": 19.91, "lng": 99.841' in html  # the map's point, rounded
    english = (await site.http.get("/p/CRI?lang=en")).text
    assert "Chiang Rai" in english and "Latest resolved complaints" in english


async def test_etag_and_a_minute_of_cache(site: Site) -> None:
    first = await site.http.get("/p/CRI")
    assert first.headers["cache-control"] == "public, max-age=40"
    again = await site.http.get("/p/CRI", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


async def test_the_national_page_filters_the_pilot_groups(site: Site) -> None:
    everyone = (await site.http.get("/p")).text
    pilots = (await site.http.get("/p?group=pilot2021")).text
    ceo = (await site.http.get("/p?group=ceo2024")).text
    assert everyone.count('href="/p/') - everyone.count('href="/p/data') > pilots.count('href="/p/') - 1
    assert "/p/chiang-rai" in ceo and "/p/buriram" in ceo and "/p/nonthaburi" not in ceo
    assert "/p/nonthaburi" in pilots and "/p/bangkok" not in pilots and "/p/bangkok" in everyone


async def test_a_tickets_public_status_with_and_without_its_text(site: Site) -> None:
    published = (await site.http.get(f"/p/t/{site.seeded.published}")).text
    assert PUBLIC_TEXT in published and "ดำเนินการเสร็จสิ้น" in published and "/p/photos/" in published
    private = (await site.http.get(f"/p/t/{site.seeded.private.lower()}")).text
    assert "ไม่เปิดเผยรายละเอียด" in private and site.seeded.private in private
    assert (await site.http.get("/p/t/CRI-69-99999")).status_code == 404
    assert (await site.http.get("/p/atlantis")).status_code == 404


async def test_the_chats_ticket_card_links_to_the_public_status_page(site: Site, services: Services) -> None:
    await mark_notice_seen(services.db, "citizen-1")
    chat = Chat(services, user="citizen-1")  # the same database, in chat
    replies = await chat.say(f"ติดตามเรื่อง {site.seeded.published}")
    [card] = [reply.card for reply in replies if reply.card is not None]
    assert card.footer == f"http://127.0.0.1:8000/p/t/{site.seeded.published}"
    assert (await site.http.get(card.footer.removeprefix("http://127.0.0.1:8000"))).status_code == 200


async def test_a_page_is_rendered_again_after_its_short_memory(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rendered page is served again for REMEMBER_SECONDS (well within the minute), then recounted."""
    moments = iter([1000.0, 1005.0, 1030.0])
    monkeypatch.setattr("bot.web.public.render.clock", lambda: next(moments))
    first = await site.http.get("/p/data/provinces.csv")
    async with site.services.db.write() as session:
        await session.execute(update(Complaint).values(status="closed"))
    assert (await site.http.get("/p/data/provinces.csv")).text == first.text  # within 20 s: the same
    again = await site.http.get("/p/data/provinces.csv")
    assert again.text != first.text and 'rel="license"' in again.headers["link"]
