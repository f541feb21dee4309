"""Open data at /p/data/: anonymised complaints, KPIs with their reports and province figures, as CSV and JSON,
with a data dictionary page, a CC BY 4.0 licence and a DCAT catalogue (catalog.json) for portals to harvest.

The complaints are streamed in batches, whatever their number; each row is the public form of a complaint
(bot/domain/publication.py): its text and rounded place only where its sender agreed to publication."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from bot.domain import stats
from bot.domain.comparison import ComparisonFilter, compare_provinces
from bot.domain.publication import PublicComplaint, to_public
from bot.services import Services
from bot.web.public.render import MAX_AGE, cached, page, remembered
from storage.models import Agenda, Complaint, Kpi, ProgressReport, Province

LICENCE = "https://creativecommons.org/licenses/by/4.0/"
BATCH = 2000


@dataclass(frozen=True)
class Dataset:
    name: str
    title_th: str
    title_en: str
    fields: tuple[tuple[str, str, str], ...]  # name, meaning in Thai, in English


COMPLAINTS = Dataset(
    "complaints",
    "เรื่องร้องเรียน (ไม่ระบุตัวตน)",
    "Complaints (anonymised)",
    (
        ("ticket_no", "เลขที่เรื่อง: รหัสจังหวัด ปี พ.ศ. และลำดับ", "ticket number: province code, Buddhist year, sequence"),
        ("province_code", "รหัสจังหวัดสามตัวอักษร", "the province's three-letter code"),
        ("district", "อำเภอ/เขต (ชื่อภาษาไทย) ถ้าทราบ", "district (Thai name), if known"),
        (
            "service_code",
            "รหัสประเภท หรือ agenda-<เลข> สำหรับเรื่องที่เกี่ยวกับประเด็นนโยบายของจังหวัด",
            "category code, or agenda-<id> for a complaint about the province's agenda",
        ),
        ("subject", "ประเภทหรือประเด็นนโยบาย (ภาษาไทย)", "the category or agenda (Thai)"),
        (
            "status",
            "สถานะ: received, accepted, in_progress, forwarded, resolved, rejected, duplicate, closed",
            "received, accepted, in_progress, forwarded, resolved, rejected, duplicate, closed",
        ),
        ("filed_at", "เวลาที่แจ้ง (ISO 8601, UTC)", "when it was filed (ISO 8601, UTC)"),
        ("updated_at", "เวลาที่เปลี่ยนแปลงล่าสุด (ISO 8601, UTC)", "its last change (ISO 8601, UTC)"),
        ("answer_by", "กำหนดตอบ (วันที่ ISO 8601)", "the answer date (ISO 8601 date)"),
        ("resolved_at", "เวลาที่แก้ไขเสร็จ ถ้าเสร็จแล้ว", "when it was resolved, if it was"),
        ("days_taken", "จำนวนวันเต็มตั้งแต่แจ้งจนแก้ไขเสร็จ", "whole days from filing to resolution"),
        ("agency", "หน่วยงานที่รับผิดชอบ (ภาษาไทย)", "the agency responsible (Thai)"),
        ("rating", "คะแนนความพึงพอใจของผู้แจ้ง 1 ถึง 5 ถ้าให้ไว้", "the complainant's rating, 1 to 5, if given"),
        (
            "description",
            "รายละเอียดที่แจ้ง เฉพาะเมื่อผู้แจ้งยินยอมให้เผยแพร่ มิฉะนั้นเว้นว่าง",
            "what was reported: only where its sender agreed to publication, else empty",
        ),
        (
            "latitude",
            "ละติจูด ปัดเศษ 0.001 องศา (ราว 100 เมตร) เฉพาะเมื่อยินยอมให้เผยแพร่",
            "rounded to 0.001° (about 100 m): only with consent to publication",
        ),
        ("longitude", "ลองจิจูด เช่นเดียวกับละติจูด", "as latitude"),
    ),
)
KPIS = Dataset(
    "kpis",
    "ตัวชี้วัดของประเด็นนโยบายจังหวัด",
    "KPIs of the provinces' agendas",
    (
        ("kpi_id", "เลขที่ตัวชี้วัด", "the KPI's number"),
        ("province_code", "รหัสจังหวัดสามตัวอักษร", "the province's three-letter code"),
        ("agenda", "ชื่อประเด็นนโยบาย (ภาษาไทย)", "the agenda's title (Thai)"),
        ("kpi", "ชื่อตัวชี้วัด (ภาษาไทย)", "the KPI's name (Thai)"),
        ("kind", "ชนิด: cumulative (สะสม), level (ระดับ) หรือ milestone (ขั้นความสำเร็จ)", "cumulative, level or milestone"),
        ("unit", "number หรือ percent; unit_label บอกหน่วย", "number or percent; unit_label names it"),
        ("unit_label", "หน่วย เช่น ตัน ครัวเรือน (ภาษาไทย)", "e.g. tonnes, households (Thai)"),
        ("baseline", "ค่าฐาน", "the starting value"),
        ("target", "ค่าเป้าหมาย", "the target value"),
        ("higher_is_better", "true หรือ false (ค่ามากยิ่งดี)", "true or false"),
        (
            "latest_value",
            "ผลรวมตั้งแต่ต้นปีงบประมาณ ค่าล่าสุด หรือขั้นที่บรรลุ",
            "the year-to-date sum, latest value or stage reached",
        ),
        ("progress_percent", "ความก้าวหน้า 0 ถึง 100", "progress, 0 to 100 (see README: KPIs)"),
        (
            "is_example",
            "true: ตัวเลขตัวอย่าง ไม่ใช่ข้อมูลจริงของจังหวัด",
            "true: made-up example figures, not the province's data",
        ),
    ),
)
KPI_REPORTS = Dataset(
    "kpi_reports",
    "รายงานผลตัวชี้วัด",
    "KPI reports",
    (
        ("kpi_id", "ตัวชี้วัดที่รายงาน", "the KPI reported on"),
        ("period_on", "วันแรกของรอบรายงาน", "the first day of the reporting period"),
        ("value", "ค่าที่รายงาน", "the value reported"),
        ("reported_at", "เวลาที่รายงาน (ISO 8601, UTC)", "when (ISO 8601, UTC)"),
        ("superseded", "true: มีรายงานภายหลังแก้ไขแทนแล้ว", "true: a later report corrected it"),
    ),
)
PROVINCES = Dataset(
    "provinces",
    "สถิติรายจังหวัด",
    "Province statistics",
    (
        ("province_code", "รหัสจังหวัดสามตัวอักษร", "the province's three-letter code"),
        ("name_th", "ชื่อภาษาไทย", "Thai name"),
        ("name_en", "ชื่อภาษาอังกฤษ", "English name"),
        ("pilot_2021", "เป็นหนึ่งใน 22 จังหวัดนำร่อง ปี 2564", "one of the 22 pilot provinces of 2021"),
        ("ceo_pilot_2024", "เป็นหนึ่งใน 5 จังหวัดนำร่องผู้ว่าซีอีโอ ปี 2567", "one of the 5 CEO-governor pilots of 2024"),
        ("received_year", "เรื่องร้องเรียนที่รับในปีงบประมาณนี้", "complaints received this fiscal year"),
        ("open", "เรื่องที่ยังไม่เสร็จในขณะนี้", "complaints open now"),
        ("overdue", "เรื่องที่ยังไม่เสร็จและเลยกำหนดตอบ", "open complaints past their answer date"),
        ("answered", "เรื่องของปีงบประมาณนี้ที่ตอบแล้ว", "complaints of this fiscal year answered"),
        ("answered_on_time_percent", "ร้อยละของเรื่องที่ตอบภายในกำหนด", "share of those answered by their answer date"),
        ("mean_rating", "ความพึงพอใจเฉลี่ย 1 ถึง 5", "average satisfaction, 1 to 5"),
        (
            "kpi_progress_percent",
            "ความก้าวหน้าเฉลี่ยของตัวชี้วัดของจังหวัด (ตัวที่ยังไม่รายงานนับเป็น 0)",
            "mean progress of the province's KPIs (one without a report counts as 0)",
        ),
    ),
)
DATASETS = (COMPLAINTS, KPIS, KPI_REPORTS, PROVINCES)


def services_of(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def complaint_row(c: PublicComplaint) -> dict[str, Any]:
    return {
        "ticket_no": c.ticket_no,
        "province_code": c.province_code,
        "district": c.district_th,
        "service_code": c.service_code,
        "subject": c.subject_th,
        "status": c.status,
        "filed_at": _iso(c.requested_at.astimezone(UTC)),
        "updated_at": _iso(c.updated_at.astimezone(UTC)),
        "answer_by": _iso(c.due_on),
        "resolved_at": _iso(c.resolved_at.astimezone(UTC)) if c.resolved_at else None,
        "days_taken": c.days_taken,
        "agency": c.agency_th,
        "rating": c.rating,
        "description": c.description,
        "latitude": c.latitude,
        "longitude": c.longitude,
    }


async def complaint_rows(request: Request) -> AsyncIterator[list[dict[str, Any]]]:
    """Every complaint's public row, in batches by id (keyset: no offset scans)."""
    last = 0
    while True:
        async with services_of(request).db.read() as session:
            batch = (
                await session.scalars(select(Complaint).where(Complaint.id > last).order_by(Complaint.id).limit(BATCH))
            ).all()
            if not batch:
                return
            rows = [complaint_row(c) for c in await to_public(session, batch)]
        last = batch[-1].id
        yield rows


async def kpi_rows(request: Request) -> list[dict[str, Any]]:
    async with services_of(request).db.read() as session:
        found = await session.execute(
            select(Kpi, Agenda, Province)
            .join(Agenda, Agenda.id == Kpi.agenda_id)
            .join(Province, Province.id == Agenda.province_id)
            .where(Agenda.is_active.is_(True))
            .order_by(Kpi.id)
        )
        return [
            {
                "kpi_id": k.id,
                "province_code": p.code,
                "agenda": a.title_th,
                "kpi": k.name_th,
                "kind": k.kind,
                "unit": k.unit,
                "unit_label": k.unit_label_th,
                "baseline": k.baseline,
                "target": k.target,
                "higher_is_better": k.higher_is_better,
                "latest_value": k.latest_value,
                "progress_percent": k.latest_percent,
                "is_example": k.is_example,
            }
            for k, a, p in found
        ]


async def kpi_report_rows(request: Request) -> list[dict[str, Any]]:
    """The reports' figures; not their narrative or author, which officers write and may name people."""
    async with services_of(request).db.read() as session:
        found = await session.scalars(
            select(ProgressReport)
            .join(Kpi, Kpi.id == ProgressReport.kpi_id)
            .join(Agenda, Agenda.id == Kpi.agenda_id)
            .where(Agenda.is_active.is_(True))
            .order_by(ProgressReport.kpi_id, ProgressReport.id)
        )
        return [
            {
                "kpi_id": r.kpi_id,
                "period_on": _iso(r.period_on),
                "value": r.value,
                "reported_at": _iso(r.created_at.astimezone(UTC)),
                "superseded": r.superseded,
            }
            for r in found
        ]


async def province_rows(request: Request) -> list[dict[str, Any]]:
    """The desk's counts per province (bot/domain/stats.py) beside the comparison's on-time share and progress."""
    now = datetime.now(UTC)
    async with services_of(request).db.read() as session:
        counts = {s.id: s for s in await stats.breakdown(session, stats.province_scope(None), now, stats.By.PROVINCE)}
        compared = await compare_provinces(session, now, ComparisonFilter())
    rows = []
    for figures in sorted(compared.provinces, key=lambda f: f.province.code):
        p, counted = figures.province, counts.get(figures.province.id)
        rows.append(
            {
                "province_code": p.code,
                "name_th": p.name_th,
                "name_en": p.name_en,
                "pilot_2021": p.is_pilot_2021,
                "ceo_pilot_2024": p.is_ceo_pilot_2024,
                "received_year": counted.received if counted else 0,
                "open": counted.open if counted else 0,
                "overdue": counted.overdue if counted else 0,
                "answered": figures.answered,
                "answered_on_time_percent": figures.on_time_share,
                "mean_rating": figures.mean_rating,
                "kpi_progress_percent": figures.progress.mean,
            }
        )
    return rows


def _csv_text(fields: tuple[str, ...], rows: list[dict[str, Any]], header: bool) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    if header:
        writer.writeheader()
    writer.writerows({k: ("" if v is None else v) for k, v in row.items()} for row in rows)
    return out.getvalue()


def _headers(dataset: Dataset, ext: str) -> dict[str, str]:
    return {
        "Cache-Control": f"public, max-age={MAX_AGE}",
        "Content-Disposition": f'inline; filename="{dataset.name}.{ext}"',
        "Link": f'<{LICENCE}>; rel="license"',
    }


def not_a_format(ext: str) -> Response | None:
    return None if ext in ("csv", "json") else Response("not found", status_code=404, media_type="text/plain")


async def complaints_download(request: Request) -> Response:
    ext = request.path_params["ext"]
    if refused := not_a_format(ext):
        return refused
    names = tuple(field[0] for field in COMPLAINTS.fields)

    async def body() -> AsyncIterator[str]:
        first = True
        if ext == "json":
            yield "["
        async for rows in complaint_rows(request):
            if ext == "csv":
                yield _csv_text(names, rows, first)
            else:
                text = ",".join(json.dumps(row, ensure_ascii=False) for row in rows)
                yield ("" if first else ",") + text
            first = False
        if ext == "csv" and first:
            yield _csv_text(names, [], True)
        if ext == "json":
            yield "]"

    media = "text/csv; charset=utf-8" if ext == "csv" else "application/json"
    return StreamingResponse(body(), media_type=media, headers=_headers(COMPLAINTS, ext))


def _small_download(dataset: Dataset, rows_of: Callable[[Request], Any]) -> Callable[[Request], Any]:
    @remembered
    async def download(request: Request) -> Response:
        ext = request.path_params["ext"]
        if refused := not_a_format(ext):
            return refused
        rows = await rows_of(request)
        if ext == "csv":
            body = _csv_text(tuple(field[0] for field in dataset.fields), rows, True).encode("utf-8")
            response = cached(request, body, "text/csv; charset=utf-8")
        else:
            body = json.dumps(rows, ensure_ascii=False).encode("utf-8")
            response = cached(request, body, "application/json")
        response.headers.update(_headers(dataset, ext))
        return response

    return download


def catalog(request: Request) -> JSONResponse:
    """A DCAT catalogue (JSON-LD) of the datasets, for portals such as data.go.th to harvest."""
    base = str(request.base_url).rstrip("/")
    datasets = [
        {
            "@type": "dcat:Dataset",
            "dct:identifier": d.name,
            "dct:title": [{"@language": "th", "@value": d.title_th}, {"@language": "en", "@value": d.title_en}],
            "dct:license": LICENCE,
            "dct:accrualPeriodicity": "http://purl.org/cld/freq/continuous",
            "dcat:landingPage": f"{base}/p/data/#{d.name}",
            "dcat:keyword": ["HPP", "จังหวัดที่มีผลสัมฤทธิ์สูง", "open government"],
            "dcat:distribution": [
                {
                    "@type": "dcat:Distribution",
                    "dcat:downloadURL": f"{base}/p/data/{d.name}.{ext}",
                    "dcat:mediaType": media,
                    "dct:format": ext.upper(),
                    "dct:license": LICENCE,
                }
                for ext, media in (("csv", "text/csv"), ("json", "application/json"))
            ],
        }
        for d in DATASETS
    ]
    document = {
        "@context": {"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/"},
        "@type": "dcat:Catalog",
        "dct:title": "ข้อมูลเปิด จังหวัดที่มีผลสัมฤทธิ์สูง / High Performance Province open data",
        "dct:license": LICENCE,
        "dcat:dataset": datasets,
    }
    return JSONResponse(document, headers={"Cache-Control": f"public, max-age={MAX_AGE}"})


async def dictionary(request: Request) -> Response:
    return page(request, "data.html", datasets=DATASETS, licence=LICENCE)


def routes() -> list[BaseRoute]:
    ext = "{ext:str}"
    return [
        Route("/p/data/", dictionary),
        Route("/p/data", dictionary),
        Route("/p/data/catalog.json", catalog),
        *(
            Route(f"/p/data/{d.name}.{ext}", handler)
            for d, handler in (
                (COMPLAINTS, complaints_download),
                (KPIS, _small_download(KPIS, kpi_rows)),
                (KPI_REPORTS, _small_download(KPI_REPORTS, kpi_report_rows)),
                (PROVINCES, _small_download(PROVINCES, province_rows)),
            )
        ),
    ]
