"""No public page, download or Open311 answer contains a name, a phone number, a platform id, the text of a
complaint filed anonymously or without consent, or an exact position; the consented complaint's text does appear
(so that the test could fail)."""

from __future__ import annotations

from tests.web.public.conftest import (
    ANONYMOUS_TEXT,
    EXACT,
    NAME,
    NO_PHOTO_TEXT,
    PHONE,
    PLATFORM_ID,
    PRIVATE_TEXT,
    PUBLIC_TEXT,
    Site,
)

NEVER = (
    NAME,
    "สมศรี",
    PHONE,
    "081-234-5678",
    "+66812345678",
    PLATFORM_ID,
    PRIVATE_TEXT,
    ANONYMOUS_TEXT,
    str(EXACT[0]),
    str(EXACT[1]),
)


def public_urls(site: Site) -> list[str]:
    seeded = site.seeded
    tickets = (seeded.published, seeded.private, seeded.anonymous, seeded.no_photo)
    pages = ["/p", "/p?group=pilot2021", "/p?group=ceo2024", "/p/CRI", "/p/chiang-rai?lang=en", "/p/data/"]
    pages += [f"/p/t/{t}" for t in tickets] + [f"/p/t/{t}?lang=en" for t in tickets]
    data = [
        f"/p/data/{name}.{ext}"
        for name in ("complaints", "kpis", "kpi_reports", "provinces")
        for ext in ("csv", "json")
    ]
    data.append("/p/data/catalog.json")
    api = [f"/open311/v2/requests.{fmt}" for fmt in ("json", "xml")]
    api += [f"/open311/v2/requests/{t}.{fmt}" for t in tickets for fmt in ("json", "xml")]
    api += [
        f"/open311/v2/requests.json?service_request_id={','.join(tickets)}",
        "/open311/v2/services.json?jurisdiction_id=CRI",
    ]
    return pages + data + api


async def test_nothing_personal_is_public_anywhere(site: Site) -> None:
    everything = ""
    for url in public_urls(site):
        response = await site.http.get(url)
        assert response.status_code == 200, url
        for value in NEVER:
            assert value not in response.text, f"{value!r} is public at {url}"
        everything += response.text
    assert PUBLIC_TEXT in everything and NO_PHOTO_TEXT in everything


async def test_photos_only_with_photo_consent(site: Site) -> None:
    published = (await site.http.get(f"/p/t/{site.seeded.published}")).text
    no_photo = (await site.http.get(f"/p/t/{site.seeded.no_photo}")).text
    first, second = site.seeded.photo_ids
    assert f"/p/photos/{first}" in published
    assert "/p/photos/" not in no_photo and "/media/" not in no_photo
    for url in ("/p/CRI", "/p/data/complaints.json", "/open311/v2/requests.json"):
        assert f"/p/photos/{second}" not in (await site.http.get(url)).text
    [api] = (await site.http.get(f"/open311/v2/requests/{site.seeded.published}.json")).json()
    photo = await site.http.get(api["media_url"].removeprefix("http://127.0.0.1:8000"))
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/png"
    assert (await site.http.get(f"/p/photos/{second}")).status_code == 404  # its complaint has no photo consent


async def test_anonymous_and_unconsented_complaints_are_not_on_the_map_or_in_the_data(site: Site) -> None:
    rows = {row["ticket_no"]: row for row in (await site.http.get("/p/data/complaints.json")).json()}
    assert rows[site.seeded.published]["description"] == PUBLIC_TEXT
    assert (rows[site.seeded.published]["latitude"], rows[site.seeded.published]["longitude"]) == (19.91, 99.841)
    for hidden in (site.seeded.private, site.seeded.anonymous):
        assert (rows[hidden]["description"], rows[hidden]["latitude"], rows[hidden]["longitude"]) == (None, None, None)
    html = (await site.http.get("/p/CRI")).text
    points = html.split('<script id="points" type="application/json">', 1)[1].split("</script>", 1)[0]
    assert site.seeded.published in points and site.seeded.no_photo in points
    assert site.seeded.private not in points and site.seeded.anonymous not in points
