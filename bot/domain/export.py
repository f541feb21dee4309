"""The province summary as an XLSX workbook (openpyxl): a "Summary" sheet of figures and a "KPIs" sheet with
one row per KPI. Headings are in the current locale, dates in the Buddhist Era for Thai."""

from __future__ import annotations

import io

from bot.core.i18n import _, format_date, format_datetime, localized
from bot.domain.summaries import KpiLine, ProvinceSummary

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def summary_rows(summary: ProvinceSummary) -> list[tuple[str, object]]:
    """The figures of the Summary sheet, label and value."""
    progress = summary.mean_progress
    return [
        (_("Province"), localized(summary.province_th, summary.province_en)),
        (_("As of"), format_date(summary.today, "long")),
        (_("Active agendas"), summary.agendas),
        (_("KPIs"), len(summary.kpis)),
        (_("Mean KPI progress (%)"), round(progress, 1) if progress is not None else "-"),
        (_("Reports overdue"), summary.reports_overdue),
        (_("Open complaints"), summary.complaints_open),
        (_("Complaints past their answer date"), summary.complaints_overdue),
        (_("Mean rating (1-5)"), round(summary.mean_rating, 2) if summary.mean_rating is not None else "-"),
        (_("Ratings"), summary.ratings),
        (_("Comments from citizens"), summary.feedback.get("comment", 0)),
        (_("KPI proposals from citizens"), summary.feedback.get("kpi_proposal", 0)),
        (_("Target proposals from citizens"), summary.feedback.get("target_proposal", 0)),
    ]


def kpi_header() -> list[str]:
    return [
        _("Agenda"),
        _("KPI"),
        _("Unit"),
        _("Baseline"),
        _("Target"),
        _("Latest value"),
        _("Progress (%)"),
        _("Last report"),
        _("Due"),
        _("Report overdue"),
    ]


def kpi_row(line: KpiLine) -> list[object]:
    return [
        localized(line.agenda_th, line.agenda_en),
        localized(line.name_th, line.name_en),
        line.unit_label_th or line.unit,
        line.baseline,
        line.target,
        line.latest_value,
        round(line.latest_percent, 1) if line.latest_percent is not None else None,
        format_datetime(line.latest_reported_at) if line.latest_reported_at else "",
        format_date(line.due_on) if line.due_on else "",
        _("yes") if line.report_overdue else _("no"),
    ]


def summary_workbook(summary: ProvinceSummary) -> bytes:
    # openpyxl is imported here: it is some 6 MB that a serving process needs only when someone exports.
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Summary"
    for label, value in summary_rows(summary):
        sheet.append([label, value])
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 30
    kpis = book.create_sheet("KPIs")
    kpis.append(kpi_header())
    for cell in kpis[1]:
        cell.font = Font(bold=True)
    for line in summary.kpis:
        kpis.append(kpi_row(line))
    kpis.column_dimensions["A"].width = 40
    kpis.column_dimensions["B"].width = 50
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_filename(summary: ProvinceSummary) -> str:
    return f"summary-{summary.province_en.lower().replace(' ', '-')}-{summary.today.isoformat()}.xlsx"
