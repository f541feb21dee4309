"""Issue 14's follow-up on Open311: a posted `media_url` is kept (checked, never fetched) and returned only with
photo consent; a reporter's phone number and photo address are personal data under the same PDPA retention as a
chat complaint (removed RETENTION_YEARS after their last request closed) and erased on request."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from bot.domain.consents import RETENTION_YEARS
from bot.domain.retention import enforce_retention
from storage.models import Complaint, ComplaintStatus, ContactMode
from tests.web.open311.conftest import Api, run_cli, xml_of

PHOTO = "https://city-app.example.org/uploads/pothole-19.jpg?size=large"
CONSENTED = {"attribute[publish_consent]": "yes", "attribute[photo_consent]": "yes"}


async def stored(api: Api, ticket: str) -> Complaint:
    async with api.services.db.read() as session:
        complaint = await session.scalar(select(Complaint).where(Complaint.ticket_no == ticket))
    assert complaint is not None
    return complaint


async def test_a_media_url_is_returned_only_with_photo_consent(api: Api) -> None:
    [shown] = (await api.post(media_url=PHOTO, **CONSENTED)).json()
    [text_only] = (await api.post(media_url=PHOTO, **{"attribute[publish_consent]": "yes"})).json()
    [private] = (await api.post(media_url=PHOTO, **{"attribute[photo_consent]": "yes"})).json()
    got = {
        ticket: (await api.get(f"requests/{ticket}.json")).json()[0]["media_url"]
        for ticket in (shown["service_request_id"], text_only["service_request_id"], private["service_request_id"])
    }
    assert got == {
        shown["service_request_id"]: PHOTO,
        text_only["service_request_id"]: None,
        private["service_request_id"]: None,
    }
    root = xml_of(await api.get(f"requests/{shown['service_request_id']}.xml"))
    assert root.findtext("request/media_url") == PHOTO
    listed = (await api.get("requests.json", jurisdiction_id="CRI")).json()
    assert [r["media_url"] for r in listed if r["media_url"]] == [PHOTO]
    page = await api.http.get(f"/p/t/{shown['service_request_id']}")
    assert PHOTO.replace("&", "&amp;") in page.text
    for hidden in (text_only, private):
        assert PHOTO not in (await api.http.get(f"/p/t/{hidden['service_request_id']}")).text
    for ticket in got:  # stored as given, for the agency, whatever the consent
        assert (await stored(api, ticket)).media_url == PHOTO


@pytest.mark.parametrize(
    "bad",
    [
        "ftp://city-app.example.org/pothole.jpg",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "https://user:secret@city-app.example.org/pothole.jpg",
        "https:///pothole.jpg",
        "https://city-app.example.org/pot hole.jpg",
        "https://city-app.example.org:99999/pothole.jpg",
        "https://city-app.example.org/" + "x" * 480,
        "pothole.jpg",
    ],
)
async def test_a_bad_media_url_is_refused_and_nothing_is_filed(api: Api, bad: str) -> None:
    answer = await api.post(media_url=bad, **CONSENTED)
    assert answer.status_code == 400
    [problem] = answer.json()
    assert problem["code"] == 400 and problem["description"].startswith("media_url:")
    async with api.services.db.read() as session:
        assert (await session.scalars(select(Complaint))).all() == []


async def _age(api: Api, ticket: str, *, status: ComplaintStatus, years: float) -> None:
    """Set the request's status and its last change `years` ago."""
    moment = datetime.now(UTC) - timedelta(days=365.25 * years)
    async with api.services.db.write() as session:
        await session.execute(
            update(Complaint).where(Complaint.ticket_no == ticket).values(status=status, updated_at=moment)
        )


async def _post_with_phone(api: Api, phone: str) -> str:
    fields = {"phone": phone, "attribute[contact_phone_consent]": "yes", "media_url": PHOTO, **CONSENTED}
    [posted] = (await api.post(**fields)).json()
    ticket: str = posted["service_request_id"]
    return ticket


async def test_retention_removes_a_reporters_phone_and_photo_address_after_their_last_request_closed(
    api_on_any_database: Api,
) -> None:
    api = api_on_any_database
    expired = await _post_with_phone(api, "081-111-2222")
    await _age(api, expired, status=ComplaintStatus.CLOSED, years=RETENTION_YEARS + 0.5)
    recent = await _post_with_phone(api, "089-333-4444")
    await _age(api, recent, status=ComplaintStatus.CLOSED, years=RETENTION_YEARS - 0.5)
    # The same reporter as `old_but_kept` has a request still open: like a chat person, all of theirs are kept.
    old_but_kept = await _post_with_phone(api, "086-555-6666")
    await _age(api, old_but_kept, status=ComplaintStatus.RESOLVED, years=RETENTION_YEARS + 1)
    still_open = await _post_with_phone(api, "086-555-6666")

    report = await enforce_retention(api.services.db, datetime.now(UTC))

    assert report.reporters == 1 and "1 Open311 requests' reporter data removed" in str(report)
    gone = await stored(api, expired)
    assert (gone.contact_phone, gone.media_url, gone.contact_mode) == (None, None, ContactMode.ANONYMOUS)
    assert gone.description.startswith("ขยะกองใหญ่")  # the request itself stays on the record
    assert (await api.get(f"requests/{expired}.json")).json()[0]["media_url"] is None
    for kept, phone in ((recent, "0893334444"), (old_but_kept, "0865556666"), (still_open, "0865556666")):
        complaint = await stored(api, kept)
        assert (complaint.contact_phone, complaint.media_url) == (phone, PHOTO), kept


async def test_erasure_on_request_removes_a_reporters_phone_from_every_request(
    api_on_any_database: Api, any_database_url: str
) -> None:
    api = api_on_any_database
    first = await _post_with_phone(api, "081-777-8888")
    second = await _post_with_phone(api, "0817778888")
    other = await _post_with_phone(api, "089-999-0000")
    printed = await run_cli(any_database_url, "api-key", "forget-reporter", "--phone", "081 777 8888")
    assert "reporter data removed from 2 Open311 requests" in printed
    for ticket in (first, second):
        complaint = await stored(api, ticket)
        assert (complaint.contact_phone, complaint.media_url, complaint.contact_mode) == (
            None,
            None,
            ContactMode.ANONYMOUS,
        )
    assert (await stored(api, other)).contact_phone == "0899990000"
