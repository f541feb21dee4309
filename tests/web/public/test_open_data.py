"""The open data: the downloads agree with each other and with the desk's figures; the catalogue lists them."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from bot.domain import stats
from bot.web.public.data import DATASETS
from storage.models import Province
from tests.web.public.conftest import Site


async def test_csv_and_json_carry_the_same_rows_with_the_dictionarys_fields(site: Site) -> None:
    for dataset in DATASETS:
        as_json = (await site.http.get(f"/p/data/{dataset.name}.json")).json()
        response = await site.http.get(f"/p/data/{dataset.name}.csv")
        assert response.headers["content-type"].startswith("text/csv")
        assert 'rel="license"' in response.headers["link"]
        reader = csv.DictReader(io.StringIO(response.text))
        rows = list(reader)
        names = [field[0] for field in dataset.fields]
        assert reader.fieldnames == names, dataset.name
        assert all(list(row) == names for row in as_json), dataset.name
        assert len(rows) == len(as_json), dataset.name
    complaints = (await site.http.get("/p/data/complaints.json")).json()
    assert len(complaints) == 4 and all(row["province_code"] == "CRI" for row in complaints)
    assert (await site.http.get("/p/data/complaints.xml")).status_code == 404


async def test_the_province_figures_are_the_desks(site: Site) -> None:
    rows = {row["province_code"]: row for row in (await site.http.get("/p/data/provinces.json")).json()}
    assert len(rows) == 77
    async with site.services.db.read() as session:
        from sqlalchemy import select

        province = await session.scalar(select(Province).where(Province.code == "CRI"))
        assert province is not None
        desk = await stats.overview(session, stats.province_scope(province.id), datetime.now(UTC))
    assert (rows["CRI"]["received_year"], rows["CRI"]["open"]) == (desk.received_year, desk.open) == (4, 2)
    assert rows["CRI"]["answered"] == desk.answered == 2
    page = (await site.http.get("/p/CRI")).text
    assert f"<b>{desk.received_year}</b><span>รับเรื่องในปีงบประมาณนี้</span>" in page


async def test_the_dictionary_page_and_the_dcat_catalogue(site: Site) -> None:
    page = (await site.http.get("/p/data/")).text
    assert "CC BY 4.0" in page and "ticket_no" in page and "kpi_progress_percent" in page
    catalog = (await site.http.get("/p/data/catalog.json")).json()
    assert catalog["@type"] == "dcat:Catalog"
    urls = [d["dcat:downloadURL"] for ds in catalog["dcat:dataset"] for d in ds["dcat:distribution"]]
    assert "http://public.test/p/data/complaints.csv" in urls and len(urls) == 8
    for url in urls:
        assert (await site.http.get(url.removeprefix("http://public.test"))).status_code == 200
