"""Each GeoReport v2 method, in JSON and in XML, against the specification (wiki.open311.org/GeoReport_v2)."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from storage.models import Complaint, ContactMode
from tests.web.open311.conftest import Api, run_cli, xml_of

REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}


async def test_discovery_names_the_v2_endpoint_and_both_formats(api: Api) -> None:
    body = (await api.get("discovery.json")).json()
    [endpoint] = body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://open311.test/open311/v2/"
    assert endpoint["formats"] == ["application/json", "text/xml"]
    root = xml_of(await api.get("discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.iter("format")] == ["application/json", "text/xml"]


async def test_services_are_the_categories_and_the_provinces_agendas(api: Api) -> None:
    national = (await api.get("services.json")).json()
    assert [s["group"] for s in national] == ["category"] * len(national)
    assert {"roads", "waste", "air"} <= {s["service_code"] for s in national}
    by_code = (await api.get("services.json", jurisdiction_id="CRI")).json()
    by_slug = (await api.get("services.json", jurisdiction_id="chiang-rai")).json()
    assert by_code == by_slug
    agendas = [s for s in by_code if s["group"] == "agenda"]
    assert agendas and all(s["service_code"].startswith("agenda-") for s in agendas)
    assert all(s["metadata"] is True and s["type"] == "realtime" for s in by_code)
    root = xml_of(await api.get("services.xml", jurisdiction_id="CRI"))
    assert root.tag == "services"
    assert [s.findtext("service_code") for s in root.findall("service")] == [s["service_code"] for s in by_code]
    assert root.find("service/metadata").text == "true"  # type: ignore[union-attr]


async def test_an_unknown_jurisdiction_is_a_404_in_georeport_form(api: Api) -> None:
    response = await api.get("services.json", jurisdiction_id="atlantis")
    assert response.status_code == 404
    assert response.json() == [{"code": 404, "description": "jurisdiction_id not found: atlantis"}]
    root = xml_of(await api.get("services.xml", jurisdiction_id="atlantis"))
    assert (root.tag, root.findtext("error/code")) == ("errors", "404")


async def test_service_definition_offers_the_partner_sectors_and_the_consents(api: Api) -> None:
    body = (await api.get("services/waste.json")).json()
    assert body["service_code"] == "waste"
    attributes = {a["code"]: a for a in body["attributes"]}
    assert set(attributes) == {"sector", "publish_consent", "photo_consent", "contact_phone_consent"}
    assert len(attributes["sector"]["values"]) == 7
    assert attributes["sector"]["datatype"] == "singlevaluelist"
    assert [v["key"] for v in attributes["publish_consent"]["values"]] == ["yes", "no"]
    assert [v["key"] for v in attributes["photo_consent"]["values"]] == ["yes", "no"]
    root = xml_of(await api.get("services/waste.xml"))
    assert root.tag == "service_definition"
    assert len(root.findall("attributes/attribute")) == 4
    assert len(root.findall("attributes/attribute/values/value")) == 7 + 2 + 2 + 2
    assert (await api.get("services/potholes.json")).status_code == 404


@pytest.mark.parametrize("fmt", ["json", "xml"])
async def test_a_posted_request_is_numbered_routed_and_given_its_answer_date(api: Api, fmt: str) -> None:
    response = await api.post(fmt)
    assert response.status_code == 200, response.text
    if fmt == "json":
        [posted] = response.json()
        ticket, token = posted["service_request_id"], posted["token"]
    else:
        root = xml_of(response)
        ticket, token = root.findtext("request/service_request_id"), root.findtext("request/token")
    assert ticket is not None and ticket.startswith("CRI-") and token
    async with api.services.db.read() as session:
        complaint = await session.scalar(select(Complaint).where(Complaint.ticket_no == ticket))
    assert complaint is not None
    assert complaint.channel == "open311" and complaint.agency_id is not None and complaint.district_id is not None
    assert (complaint.due_on - complaint.created_at.date()).days in (15, 16)  # Bangkok's day may be UTC's next

    got = (await api.get(f"requests/{ticket}.json")).json()[0]
    assert set(got) == REQUEST_FIELDS
    assert got["status"] == "open" and got["status_notes"] == "received"
    assert got["agency_responsible"] and got["service_code"] == "waste"
    for field in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert datetime.fromisoformat(got[field]).utcoffset() is not None
    assert got["description"] is None and got["lat"] is None  # no consent to publication was given
    root = xml_of(await api.get(f"requests/{ticket}.xml"))
    assert {child.tag for child in root.find("request")} == REQUEST_FIELDS  # type: ignore[union-attr]
    assert root.findtext("request/service_request_id") == ticket
    tokens = (await api.get(f"tokens/{token}.json")).json()
    assert tokens == [{"service_request_id": ticket, "token": token}]
    assert xml_of(await api.get(f"tokens/{token}.xml")).findtext("request/service_request_id") == ticket


async def test_with_consent_the_text_and_a_rounded_place_are_public(api: Api) -> None:
    [posted] = (await api.post(**{"attribute[publish_consent]": "yes", "lat": "19.91049", "long": "99.84061"})).json()
    got = (await api.get(f"requests/{posted['service_request_id']}.json")).json()[0]
    assert got["description"].startswith("ขยะกองใหญ่")
    assert (got["lat"], got["long"]) == (19.91, 99.841)


async def test_a_phone_is_kept_only_with_consent_and_no_name_or_email_is_kept(api: Api) -> None:
    person = {"first_name": "สมชาย", "last_name": "ใจดี", "email": "somchai@example.com", "phone": "081-234-5678"}
    [without] = (await api.post(**person)).json()
    [with_consent] = (await api.post(**person, **{"attribute[contact_phone_consent]": "yes"})).json()
    async with api.services.db.read() as session:
        rows = {c.ticket_no: c for c in (await session.scalars(select(Complaint))).all()}
    kept = rows[with_consent["service_request_id"]]
    dropped = rows[without["service_request_id"]]
    assert (kept.contact_mode, kept.contact_phone) == (ContactMode.PHONE, "0812345678")
    assert (dropped.contact_mode, dropped.contact_phone) == (ContactMode.CHAT, None)
    for complaint in rows.values():
        assert "somchai" not in complaint.description and complaint.person_id is None


@pytest.mark.parametrize(
    ("fields", "status", "description"),
    [
        ({"api_key": None}, 403, "api_key is missing, unknown or revoked"),
        ({"api_key": "hpp_guessed"}, 403, "api_key is missing, unknown or revoked"),
        ({"jurisdiction_id": "BKK"}, 403, "this api_key may not post to BKK"),
        ({"jurisdiction_id": None}, 400, "jurisdiction_id is required"),
        ({"service_code": "potholes"}, 400, "unknown service_code 'potholes' in CRI"),
        ({"description": "สั้น"}, 400, "description: too_short (10 to 800 characters)"),
        ({"lat": "13.7563", "long": "100.5018"}, 400, "lat/long is not in jurisdiction CRI"),
        ({"lat": "north"}, 400, "lat: not a number"),
        ({"lat": None, "long": None}, 400, "a location is required: lat and long, or address_string"),
        ({"phone": "12345"}, 400, "phone: not a Thai phone number"),
        ({"attribute[sector]": "pirates"}, 400, "attribute[sector]: unknown value 'pirates'"),
    ],
)
async def test_what_cannot_be_filed_is_refused_and_nothing_is_stored(
    api: Api, fields: dict[str, str | None], status: int, description: str
) -> None:
    for fmt in ("json", "xml"):
        response = await api.post(fmt, **fields)
        assert response.status_code == status
        if fmt == "json":
            [problem] = response.json()
            assert problem["code"] == status and problem["description"].startswith(description)
        else:
            assert xml_of(response).findtext("error/description", "").startswith(description)
    async with api.services.db.read() as session:
        assert (await session.scalars(select(Complaint))).all() == []


async def test_a_revoked_key_posts_nothing(api: Api, sqlite_url: str) -> None:
    assert "revoked: city-app" in await run_cli(sqlite_url, "api-key", "revoke", "--name", "city-app")
    response = await api.post()
    assert response.status_code == 403


async def test_an_address_without_coordinates_finds_its_district(api: Api) -> None:
    [posted] = (await api.post(lat=None, long=None, address_string="แม่สาย")).json()
    got = (await api.get(f"requests/{posted['service_request_id']}.json")).json()[0]
    assert got["address"] == "แม่สาย จังหวัดเชียงราย"
