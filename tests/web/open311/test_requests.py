"""GET requests and its filters; a posted request in the secretariat's chat and its status change in the API; the
rate limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from bot.domain.tickets import change_status, find_ticket
from bot.services import Services
from bot.web.open311.limits import RateLimits, TokenBuckets
from storage.models import Complaint, ComplaintStatus, OutboxMessage, Person, Role
from tests.officer.helpers import mark_notice_seen
from tests.officer.test_cases import case_list
from tests.support.chat import Chat
from tests.web.open311.conftest import Api, xml_of


async def posted(api: Api, **fields: str) -> str:
    response = await api.post(**fields)
    assert response.status_code == 200, response.text
    ticket: str = response.json()[0]["service_request_id"]
    return ticket


async def tickets(api: Api, fmt: str = "json", **params: str) -> list[str]:
    response = await api.get(f"requests.{fmt}", **params)
    assert response.status_code == 200, response.text
    if fmt == "xml":
        return [r.findtext("service_request_id", "") for r in xml_of(response).findall("request")]
    return [r["service_request_id"] for r in response.json()]


async def test_the_filters_ids_service_status_dates_and_page_size(api: Api) -> None:
    waste, roads, air = (
        await posted(api),
        await posted(api, service_code="roads"),
        await posted(api, service_code="air"),
    )
    async with api.services.db.write() as session:
        done = await find_ticket(session, roads)
        assert done is not None
        await change_status(session, done, ComplaintStatus.RESOLVED, now=datetime.now(UTC), tell=None)
    for fmt in ("json", "xml"):
        assert await tickets(api, fmt) == [air, roads, waste]  # newest first
        assert await tickets(api, fmt, service_request_id=f"{waste},{air.lower()}") == [air, waste]
        assert await tickets(api, fmt, service_code="roads,air") == [air, roads]
        assert await tickets(api, fmt, status="closed") == [roads]
        assert await tickets(api, fmt, status="open", jurisdiction_id="chiang-rai") == [air, waste]
        assert await tickets(api, fmt, page_size="2", page="2") == [waste]
        assert await tickets(api, fmt, jurisdiction_id="BKK") == []
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    assert await tickets(api, start_date=tomorrow) == []
    assert await tickets(api, end_date=tomorrow) == [air, roads, waste]


async def test_the_default_window_is_90_days_unless_asked_by_number(api: Api) -> None:
    old, new = await posted(api), await posted(api)
    async with api.services.db.write() as session:
        await session.execute(
            update(Complaint)
            .where(Complaint.ticket_no == old)
            .values(created_at=datetime.now(UTC) - timedelta(days=91))
        )
    assert await tickets(api) == [new]
    assert await tickets(api, service_request_id=old) == [old]
    assert (await api.get(f"requests/{old}.json")).json()[0]["service_request_id"] == old


async def test_bad_filters_are_400_and_an_unknown_ticket_404(api: Api) -> None:
    for params, description in (
        ({"status": "pending"}, "status: open or closed"),
        ({"start_date": "yesterday"}, "start_date: not an ISO 8601 date and time"),
        ({"page_size": "5000"}, "page_size: between 1 and 1000"),
        ({"start_date": "0001-01-01T00:00:00+14:00"}, "start_date: a year between 1900 and 9000"),
    ):
        response = await api.get("requests.json", **params)
        assert (response.status_code, response.json()) == (400, [{"code": 400, "description": description}])
    missing = await api.get("requests/CRI-69-99999.xml")
    assert missing.status_code == 404
    assert xml_of(missing).findtext("error/description") == "service_request_id not found: CRI-69-99999"
    assert (await api.get("requests.html")).status_code == 404
    assert (await api.get("no/such/thing.json")).json() == [{"code": 404, "description": "no such method"}]


async def test_a_posted_request_is_in_the_secretariats_cases_and_its_status_change_shows(
    api: Api, services: Services
) -> None:
    ticket = await posted(api)
    await mark_notice_seen(services.db, "secretariat-1")
    wipa = Chat(services, user="secretariat-1")  # the seeded secretariat of Chiang Rai, in chat
    assert ticket in [choice.label for choice in (await case_list(wipa)).choices]
    async with services.db.write() as session:
        complaint = await find_ticket(session, ticket)
        assert complaint is not None
        await change_status(
            session, complaint, ComplaintStatus.RESOLVED, now=datetime.now(UTC), tell=None, note="เก็บขยะแล้ว"
        )
    [got] = (await api.get("requests.json", service_request_id=ticket, status="closed")).json()
    assert (got["status"], got["status_notes"]) == ("closed", "resolved")
    assert datetime.fromisoformat(got["updated_datetime"]) >= datetime.fromisoformat(got["requested_datetime"])


async def test_rate_limits_per_ip_and_per_key_answer_429_with_retry_after(api: Api) -> None:
    def frozen() -> float:  # no time passes: no token comes back while the test runs
        return 0.0

    api.app.state.open311_limits = RateLimits(per_ip=TokenBuckets(burst=2, per_second=0.1, clock=frozen))
    assert (await api.get("services.json")).status_code == 200
    assert (await api.get("services.json")).status_code == 200
    refused = await api.get("services.xml")
    assert refused.status_code == 429 and refused.headers["retry-after"] == "10"
    assert xml_of(refused).findtext("error/code") == "429"

    api.app.state.open311_limits = RateLimits(per_key=TokenBuckets(burst=1, per_second=0.5, clock=frozen))
    assert (await api.post()).status_code == 200
    refused = await api.post()
    assert refused.status_code == 429 and refused.headers["retry-after"] == "2"
    assert (await api.get("services.json")).status_code == 200  # the IP itself is not limited yet


async def test_staff_are_alerted_of_a_posted_request_as_of_one_filed_in_chat(api: Api, services: Services) -> None:
    ticket = await posted(api)
    async with services.db.read() as session:
        keys = list(
            await session.scalars(
                select(OutboxMessage.idempotency_key).where(OutboxMessage.idempotency_key.like(f"n:newcase:{ticket}:%"))
            )
        )
        people = list(await session.scalars(select(Person).where(Person.role == Role.SECRETARIAT)))
    told = {int(key.rsplit(":", 1)[1]) for key in keys}
    assert keys != [] and any(person.id in told for person in people)  # Chiang Rai's secretariat, at least
