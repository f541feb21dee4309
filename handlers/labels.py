"""Button labels designed for LINE's 20 characters (Telegram allows more; the simulator shows LINE's).

Each long thing has a designed short form on its button, and its full text goes in the message above the buttons:
an agency's abbreviation ("ทสจ.เชียงราย"), an agenda's short title, a ticket with a short status
("CRI-69-00001 รอรับ"). Free text with no short form is cut at a space and marked "…" (bot/core/text.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.i18n import N_, localized
from bot.core.text import button_label
from storage.models import Agency, Agenda, ComplaintStatus, Kpi

SHORT_STATUS = {
    ComplaintStatus.RECEIVED: N_("waiting"),
    ComplaintStatus.ACCEPTED: N_("taken"),
    ComplaintStatus.IN_PROGRESS: N_("working"),
    ComplaintStatus.FORWARDED: N_("moved"),
    ComplaintStatus.RESOLVED: N_("solved"),
    ComplaintStatus.REJECTED: N_("refused"),
    ComplaintStatus.DUPLICATE: N_("merged"),
    ComplaintStatus.CLOSED: N_("closed"),
}


def agency_label(agency: Agency) -> str:
    short = localized(agency.short_name_th or "", agency.short_name_en) if agency.short_name_th else None
    return button_label(short or localized(agency.name_th, agency.name_en))


def agency_name(agency: Agency) -> str:
    return localized(agency.name_th, agency.name_en)


def agenda_label(agenda: Agenda) -> str:
    short = localized(agenda.short_title_th or "", agenda.short_title_en) if agenda.short_title_th else None
    return button_label(short or localized(agenda.title_th, agenda.title_en))


def kpi_label(kpi: Kpi) -> str:
    """A KPI's designed short name (`hpp-bot kpi edit --short-name-th`), else its name cut to fit."""
    return button_label(kpi_short_name(kpi))


def kpi_short_name(kpi: Kpi) -> str:
    if kpi.short_name_th:
        return localized(kpi.short_name_th, kpi.short_name_en)
    return kpi_name(kpi)


def kpi_name(kpi: Kpi) -> str:
    return localized(kpi.name_th, kpi.name_en)


def ticket_label(ticket_no: str, status: str) -> str:
    """ "CRI-69-00001 รอรับ": the whole number, and as much status as fits."""
    short = SHORT_STATUS.get(ComplaintStatus(status))
    return button_label(f"{ticket_no} {short}" if short is not None else ticket_no)


def legend(pairs: Sequence[tuple[str, str]]) -> str:
    """The full names behind short labels, for the message above the buttons: "• ทสจ.เชียงราย: สำนักงาน…"."""
    return "\n".join(f"• {label}: {full}" if label != full else f"• {full}" for label, full in pairs)


def numbered(names: Sequence[str]) -> tuple[str, list[str]]:
    """Long names as a numbered list (the text) and numbered buttons that begin with each name."""
    text = "\n".join(f"{n}. {name}" for n, name in enumerate(names, start=1))
    return text, [button_label(f"{n}. {name}") for n, name in enumerate(names, start=1)]


def listed_kpis(kpis: Sequence[Kpi]) -> tuple[str, list[str]]:
    """KPIs for the text above their buttons, and the buttons' labels. Where KPIs have designed short names, the
    buttons carry them and the text pairs each label with the full name ("• วันฝุ่น PM2.5 เกิน: จำนวนวันที่…");
    else, or when two labels would look alike, the text numbers the full names and the buttons begin with the
    number."""
    labels = [kpi_label(k) for k in kpis]
    if any(k.short_name_th for k in kpis) and len(set(labels)) == len(labels):
        return legend([(label, kpi_name(k)) for label, k in zip(labels, kpis, strict=True)]), labels
    return numbered([kpi_name(k) for k in kpis])
