"""The complaints list: filters, Thai text search, paging and sorting (bot/domain/stats.py), and the filtered
list exported to CSV or XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response

from bot.core.i18n import _, format_date, format_datetime, localized
from bot.domain import scope, signin, stats
from bot.domain.periods import local_day
from bot.domain.stats import ComplaintFilter, ComplaintRow, Sort
from bot.domain.tickets import STATUS_LABELS, status_label
from bot.web.desk.auth import Desk, page
from bot.web.desk.places import complaints_where, picked_province, province_choices
from bot.web.desk.render import SECURITY_HEADERS, render
from storage.models import Agency, Agenda, ComplaintCategory, District, Person

EXPORT_LIMIT = 100_000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILTER_FIELDS = ("province", "status", "category", "agency", "district", "agenda", "overdue", "from", "to", "q", "sort")


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None  # a mistyped date filters nothing rather than failing the page


def read_filter(params: QueryParams) -> ComplaintFilter:
    statuses = tuple(s for s in params.getlist("status") if s in {str(k) for k in STATUS_LABELS})
    sort = params.get("sort", Sort.NEWEST)
    return ComplaintFilter(
        statuses=statuses,
        category_id=_int(params.get("category")),
        agency_id=_int(params.get("agency")),
        district_id=_int(params.get("district")),
        agenda_id=_int(params.get("agenda")),
        overdue=params.get("overdue") == "1",
        received_from=_day(params.get("from")),
        received_to=_day(params.get("to")),
        text=params.get("q", "")[:100],
        sort=Sort(sort) if sort in {str(s) for s in Sort} else Sort.NEWEST,
    )


def filter_query(params: QueryParams) -> str:
    """The filter part of the query string, for the paging and export links."""
    kept = [(key, value) for key, value in params.multi_items() if key in FILTER_FIELDS and value]
    return urlencode(kept)


@dataclass(frozen=True)
class Options:
    categories: Sequence[tuple[int, str]]
    agencies: Sequence[tuple[int, str]]
    districts: Sequence[tuple[int, str]]
    agendas: Sequence[tuple[int, str]]
    provinces: Sequence[tuple[int, str]] = ()


async def filter_options(session: AsyncSession, person: Person, province: int | None) -> Options:
    """The choices of the filters, within the person's province (the picked one for the national team, whose
    agencies and districts are too many to list until they pick one)."""
    categories = await session.execute(select(ComplaintCategory).order_by(ComplaintCategory.position))
    agencies = select(Agency).order_by(Agency.name_th)
    districts = select(District).order_by(District.name_th)
    agendas = select(Agenda).where(scope.agendas_of(person), Agenda.is_active.is_(True)).order_by(Agenda.id)
    if province is not None:
        agencies = agencies.where(Agency.province_id == province)
        districts = districts.where(District.province_id == province)
        agendas = agendas.where(Agenda.province_id == province)
    else:
        agencies, districts = agencies.limit(0), districts.limit(0)
    return Options(
        [(c.id, localized(c.name_th, c.name_en)) for c in categories.scalars()],
        [(a.id, localized(a.name_th, a.name_en)) for a in (await session.scalars(agencies)).all()],
        [(d.id, d.name_th) for d in (await session.scalars(districts)).all()],
        [(a.id, localized(a.title_th, a.title_en)) for a in (await session.scalars(agendas)).all()],
        await province_choices(session) if scope.is_national(person) else (),
    )


@page
async def complaint_list(request: Request, desk: Desk) -> Response:
    chosen = read_filter(request.query_params)
    requested = _int(request.query_params.get("page")) or 1
    picked = picked_province(desk.person, request.query_params)
    async with desk.services.db.read() as session:
        where = complaints_where(desk.person, picked)
        listed = await stats.complaint_page(session, where, chosen, desk.now(), page=requested)
        options = await filter_options(session, desk.person, picked)
    query = filter_query(request.query_params)
    return render(
        "complaints.html",
        desk.context(
            listed=listed,
            chosen=chosen,
            options=options,
            statuses=[(str(code), str(label)) for code, label in STATUS_LABELS.items()],
            sorts=[(Sort.NEWEST, _("Newest first")), (Sort.OLDEST, _("Oldest first")), (Sort.DUE, _("Due first"))],
            query=query,
            province_id=picked,
            today=local_day(desk.now()),
        ),
    )


def _columns() -> list[str]:
    return [
        _("Ticket"),
        _("Received"),
        _("Status"),
        _("Due"),
        _("Province"),
        _("District"),
        _("Category"),
        _("Agency"),
        _("Description"),
        _("Rating"),
    ]


def _cells(row: ComplaintRow) -> list[Any]:
    complaint = row.complaint
    return [
        complaint.ticket_no,
        format_datetime(complaint.created_at),
        status_label(complaint.status),
        format_date(complaint.due_on),
        row.province_th,
        row.district_th or "",
        row.agenda_th or localized(row.category_th or "", row.category_en),
        localized(row.agency_th or "", row.agency_en),
        complaint.description,
        complaint.rating if complaint.rating is not None else "",
    ]


def _csv(rows: Sequence[ComplaintRow]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_columns())
    writer.writerows(_safe(_cells(row)) for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes Excel read Thai as UTF-8


def _safe(cells: list[Any]) -> list[Any]:
    """A citizen's text starting with = + - @ would be a formula in a spreadsheet: quote it."""
    return [f"'{cell}" if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@") else cell for cell in cells]


def _xlsx(rows: Sequence[ComplaintRow]) -> bytes:
    from openpyxl import Workbook  # loaded only when someone exports

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Complaints"))
    sheet.append(_columns())
    for row in rows:
        sheet.append(_safe(_cells(row)))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def _export(request: Request, desk: Desk, kind: str) -> Response:
    chosen = read_filter(request.query_params)
    now = desk.now()
    async with desk.services.db.read() as session:
        where = complaints_where(desk.person, picked_province(desk.person, request.query_params))
        rows = await stats.complaint_rows(session, where, chosen, now, limit=EXPORT_LIMIT)
    async with desk.services.db.write() as session:  # an export of citizens' words is itself worth a record
        signin.audit(
            session,
            desk.person,
            f"export_{kind}",
            "complaints",
            page=desk.context()["here"],
            now=now,
            detail={"rows": len(rows), "filter": filter_query(request.query_params)},
        )
    name = f"complaints-{format_date(now, 'short').replace('/', '-')}.{kind}"
    headers = {**SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'}
    if kind == "csv":
        return Response(_csv(rows), media_type="text/csv; charset=utf-8", headers=headers)
    return Response(_xlsx(rows), media_type=XLSX_TYPE, headers=headers)


@page
async def export_csv(request: Request, desk: Desk) -> Response:
    return await _export(request, desk, "csv")


@page
async def export_xlsx(request: Request, desk: Desk) -> Response:
    return await _export(request, desk, "xlsx")
