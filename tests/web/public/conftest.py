"""A province with complaints of every kind a public page must handle: published with photos, not consented,
anonymous; filed through the real filing path by people with names, phone numbers and platform ids."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import select
from starlette.applications import Starlette

from bot.app import create_app
from bot.core.types import Channel
from bot.domain.complaints.filing import Draft, file_complaint
from bot.domain.tickets import change_status
from bot.services import Services
from storage.models import ComplaintCategory, ComplaintStatus, ContactMode, Media, Person, Province
from tests.conftest import make_settings
from tests.support.chat import RecordingChannel

NAME = "สมศรี มีสุขสันต์"
PHONE = "0812345678"
PLATFORM_ID = "U4af4980629abcdef0123456789abcdef"
PUBLIC_TEXT = "ไฟถนนดับทั้งซอยหน้าโรงเรียนบ้านดู่"
PRIVATE_TEXT = "ท่อระบายน้ำอุดตันหน้าบ้านเลขที่ 99 ซอยลับเฉพาะ"
ANONYMOUS_TEXT = "แจ้งแบบไม่ประสงค์ออกนามเรื่องบ่อนการพนันหลังวัด"
NO_PHOTO_TEXT = "ถนนเป็นหลุมลึกหน้าตลาดสดเทศบาล"
CLOSING_NOTE = "เปลี่ยนหลอดไฟถนนครบทั้งซอยแล้ว"
EXACT = (19.91049, 99.84061)  # shown only as 19.91, 99.841
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0000003010100c9fe92ef0000000049454e44ae426082"
)


@dataclass
class Seeded:
    published: str  # consented to publication and photos; resolved with a note
    private: str  # no consent
    anonymous: str  # filed anonymously (consent given, still never shown)
    no_photo: str  # consented to publication, not to photos
    photo_ids: tuple[int, int]  # the published one's, the no-photo one's


async def _photo(services: Services, owner: Person) -> int:
    async with services.db.write() as session:
        media = Media(
            sha256=hashlib.sha256(PNG + str(owner.id).encode()).hexdigest(),
            content_type="image/png",
            size=len(PNG),
            data=PNG,
            owner_id=owner.id,
        )
        session.add(media)
        await session.flush()
        return media.id


async def _file(
    services: Services, person: Person, text: str, *, mode: str, publish: bool, photos: bool, media: list[int]
) -> str:
    async with services.db.write() as session:
        province = await session.scalar(select(Province).where(Province.code == "CRI"))
        category = await session.scalar(select(ComplaintCategory.id).where(ComplaintCategory.code == "roads"))
        assert province is not None
        draft = Draft(
            province_id=province.id,
            latitude=EXACT[0],
            longitude=EXACT[1],
            category_id=category,
            description=text,
            photos=media,
            contact_mode=mode,
            phone=PHONE if mode == ContactMode.PHONE else None,
        )
        complaint = await file_complaint(
            session, person, draft, channel="line", now=datetime.now(UTC), settings=services.settings
        )
        complaint.publish_consent, complaint.photo_consent = publish, photos
        return complaint.ticket_no


async def seed(services: Services) -> Seeded:
    async with services.db.write() as session:
        person = Person(
            channel="line",
            platform_user_id=PLATFORM_ID,
            chat_id=PLATFORM_ID,
            display_name=NAME,
            phone=PHONE,
            locale="th",
        )
        session.add(person)
        await session.flush()
    photos = (await _photo(services, person), await _photo(services, person))
    phone = ContactMode.PHONE.value
    seeded = Seeded(
        published=await _file(services, person, PUBLIC_TEXT, mode=phone, publish=True, photos=True, media=[photos[0]]),
        private=await _file(services, person, PRIVATE_TEXT, mode=phone, publish=False, photos=True, media=[]),
        anonymous=await _file(
            services, person, ANONYMOUS_TEXT, mode=ContactMode.ANONYMOUS, publish=True, photos=True, media=[]
        ),
        no_photo=await _file(
            services, person, NO_PHOTO_TEXT, mode=phone, publish=True, photos=False, media=[photos[1]]
        ),
        photo_ids=photos,
    )
    async with services.db.write() as session:
        from bot.domain.tickets import find_ticket

        for ticket, note in ((seeded.published, CLOSING_NOTE), (seeded.private, "ล้างท่อแล้ว")):
            complaint = await find_ticket(session, ticket)
            assert complaint is not None
            await change_status(
                session, complaint, ComplaintStatus.RESOLVED, now=datetime.now(UTC), tell=None, note=note
            )
    return seeded


@dataclass
class Site:
    http: httpx.AsyncClient
    app: Starlette
    seeded: Seeded

    @property
    def services(self) -> Services:
        services: Services = self.app.state.services
        return services


@pytest.fixture
async def site(sqlite_url: str) -> AsyncIterator[Site]:
    # Chat transcripts on the same services record the bot's answers (tests/support/chat.py).
    channels: dict[str, Channel] = {"simulator": RecordingChannel("simulator")}
    app = create_app(make_settings(sqlite_url), channels=channels, run_workers=False)
    async with app.router.lifespan_context(app):
        seeded = await seed(app.state.services)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://public.test") as http:
            yield Site(http, app, seeded)
