"""XLSX workbooks (openpyxl). The province summary: a "Summary" sheet of figures, an "Agendas" sheet (dimension,
mechanisms, working group) and a "KPIs" sheet with one row per KPI. The comparison of provinces: a "Provinces"
sheet and an "About" sheet saying what was compared. Headings are in the current locale, dates in the Buddhist
Era for Thai."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from bot.core.i18n import _, buddhist_year, format_date, format_datetime, get_locale, localized
from bot.domain.agendas import AgendaLists
from bot.domain.comparison import Comparison, PilotGroup, ProvinceFigures
from bot.domain.periods import figures_span, period_label, shown_fiscal_year
from bot.domain.progress import kind_label, kpi_value_text
from bot.domain.summaries import AgendaLine, KpiLine, ProvinceSummary

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def summary_rows(summary: ProvinceSummary) -> list[tuple[str, object]]:
    """The figures of the Summary sheet, label and value."""
    progress = summary.progress
    return [
        (_("Province"), localized(summary.province_th, summary.province_en)),
        (_("As of"), format_date(summary.today, "long")),
        (_("Active agendas"), summary.agendas),
        (_("KPIs"), len(summary.kpis)),
        (_("Mean KPI progress (%)"), round(progress.mean, 1) if progress.mean is not None else "-"),
        (_("KPIs with no report yet (counted as 0 %)"), progress.unreported),
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
        _("Kind"),
        _("Unit"),
        _("Baseline"),
        _("Target"),
        _("Figure"),
        _("Progress (%)"),
        _("Period of the figure"),
        _("Last report"),
        _("Report owed for"),
        _("Report due by"),
        _("Report overdue"),
        _("Due"),
        _("Example figures"),
    ]


def kpi_row(line: KpiLine) -> list[object]:
    kpi = line.kpi
    return [
        localized(line.agenda_th, line.agenda_en),
        localized(kpi.name_th, kpi.name_en),
        kind_label(kpi),
        localized(kpi.unit_label_th, kpi.unit_label_en) or kpi.unit,
        kpi.baseline,
        kpi.target if kpi.target is not None else kpi_value_text(kpi, kpi.stages),
        kpi.latest_value,
        round(kpi.latest_percent, 1) if kpi.latest_percent is not None else None,
        figures_span(kpi) or "",
        format_datetime(kpi.latest_reported_at) if kpi.latest_reported_at else "",
        period_label(line.owed.period) if line.owed else "",
        format_date(line.owed.period.due) if line.owed else "",
        _("yes") if line.report_overdue else _("no"),
        format_date(kpi.due_on) if kpi.due_on else "",
        _("yes") if kpi.is_example else _("no"),
    ]


def lists_row(lists: AgendaLists) -> list[str]:
    """An agenda's dimension, mechanisms and working group, as words."""
    return [
        localized(lists.dimension.name_th, lists.dimension.name_en) if lists.dimension else "",
        ", ".join(localized(m.name_th, m.name_en) for m in lists.mechanisms),
        localized(lists.working_group.name_th, lists.working_group.name_en) if lists.working_group else "",
    ]


def agenda_header() -> list[str]:
    return [_("Agenda"), _("Dimension"), _("Mechanisms"), _("Working group"), _("CEO governor's agenda")]


def agenda_row(line: AgendaLine) -> list[object]:
    agenda = line.agenda
    ceo = _("yes") if agenda.is_ceo_pilot else _("no")
    return [localized(agenda.title_th, agenda.title_en), *lists_row(line.lists), ceo]


def _workbook_bytes(sheets: Sequence[tuple[str, Sequence[object] | None, Iterable[Sequence[object]]]]) -> bytes:
    """A workbook of (title, bold header or None, rows) sheets."""
    # openpyxl is imported here: it is some 6 MB that a serving process needs only when someone exports.
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.worksheets[0])
    for title, header, rows in sheets:
        sheet: Any = book.create_sheet(title)
        if header is not None:
            sheet.append(list(header))
            for cell in sheet[1]:
                cell.font = Font(bold=True)
        for row in rows:
            sheet.append(list(row))
        sheet.column_dimensions["A"].width = 40
        sheet.column_dimensions["B"].width = 40
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def summary_workbook(summary: ProvinceSummary) -> bytes:
    return _workbook_bytes(
        [
            ("Summary", None, (list(row) for row in summary_rows(summary))),
            ("Agendas", agenda_header(), (agenda_row(line) for line in summary.agenda_lines)),
            ("KPIs", kpi_header(), (kpi_row(line) for line in summary.kpis)),
        ]
    )


def export_filename(summary: ProvinceSummary) -> str:
    """The name people see in their downloads, in their language: สรุป-เชียงราย-2569-11-29.xlsx (a Buddhist Era
    date in Thai), summary-chiang-rai-2026-11-29.xlsx in English."""
    thai = get_locale() == "th"
    province = summary.province_th if thai else summary.province_en.lower().replace(" ", "-")
    return _("summary-{province}-{date}.xlsx", province=province, date=file_date(summary.today))


def file_date(day: date) -> str:
    """A date in a file name, sorting as it reads: 2569-11-29 (Buddhist Era) in Thai, 2026-11-29 in English."""
    year = buddhist_year(day) if get_locale() == "th" else day.year
    return f"{year}-{day:%m-%d}"


# ---------------------------------------------------------------- the comparison of provinces


def group_label(group: PilotGroup) -> str:
    if group == PilotGroup.PILOT_2021:
        return _("the 22 pilot provinces of 2021")
    if group == PilotGroup.CEO_2024:
        return _("the 5 CEO-governor pilots of 2024")
    return _("every province")


def comparison_title(comparison: Comparison) -> str:
    """What was compared: "the 22 pilot provinces of 2021, dimension …, fiscal year 2570"."""
    parts = [group_label(comparison.filter.group)]
    if comparison.dimension is not None:
        name = localized(comparison.dimension.name_th, comparison.dimension.name_en)
        parts.append(_("dimension: {name}", name=name))
    if comparison.mechanism is not None:
        name = localized(comparison.mechanism.name_th, comparison.mechanism.name_en)
        parts.append(_("mechanism: {name}", name=name))
    return ", ".join(parts)


def comparison_header() -> list[str]:
    return [
        _("Province"),
        _("Pilot province of 2021"),
        _("CEO-governor pilot of 2024"),
        _("Active agendas"),
        _("Programme steps handed in"),
        _("Programme steps of the year"),
        _("Programme steps overdue"),
        _("KPIs"),
        _("Mean KPI progress (%)"),
        _("KPIs with no report yet (counted as 0 %)"),
        _("Complaints answered"),
        _("Answered on time"),
        _("Answered on time (%)"),
        _("Ratings"),
        _("Mean rating (1-5)"),
    ]


def comparison_row(row: ProvinceFigures) -> list[object]:
    province, progress = row.province, row.progress
    return [
        localized(province.name_th, province.name_en),
        _("yes") if province.is_pilot_2021 else _("no"),
        _("yes") if province.is_ceo_pilot_2024 else _("no"),
        row.agendas,
        row.steps_handed_in,
        row.steps,
        row.steps_overdue,
        progress.kpis,
        round(progress.mean, 1) if progress.mean is not None else None,
        progress.unreported,
        row.answered,
        row.answered_on_time,
        round(row.on_time_share, 1) if row.on_time_share is not None else None,
        row.ratings,
        round(row.mean_rating, 2) if row.mean_rating is not None else None,
    ]


def comparison_about(comparison: Comparison) -> list[list[object]]:
    return [
        [_("Compared"), comparison_title(comparison)],
        [_("Fiscal year"), shown_fiscal_year(comparison.year_be)],
        [_("As of"), format_date(comparison.today, "long")],
        [_("Provinces"), len(comparison.provinces)],
        [_("KPI progress"), _("A KPI with no report counts as 0 %.")],
        [_("On time"), _("Resolved or closed on or before the answer date; complaints filed in the fiscal year.")],
    ]


def comparison_workbook(comparison: Comparison) -> bytes:
    return _workbook_bytes(
        [
            ("Provinces", comparison_header(), (comparison_row(row) for row in comparison.provinces)),
            ("About", None, comparison_about(comparison)),
        ]
    )


def comparison_filename(comparison: Comparison) -> str:
    """เปรียบเทียบจังหวัด-ceo2024-2569-11-29.xlsx: the group compared and the day, in the person's language."""
    return _("provinces-{group}-{date}.xlsx", group=comparison.filter.group.value, date=file_date(comparison.today))
