"""Every word of the public pages, as gettext msgids (domain `public`): the templates show `w.<name>`."""

from __future__ import annotations

from typing import Any

from bot.core.i18n import N_

WORDS: dict[str, Any] = {
    "site": N_("Open government: the province in public"),
    "national_title": N_("Provinces side by side"),
    "national_intro": N_(
        "Complaints answered on time, citizen satisfaction and KPI progress of each province, this fiscal year."
    ),
    "all_provinces": N_("All 77 provinces"),
    "pilot_2021": N_("The 22 pilot provinces of 2021"),
    "ceo_2024": N_("The 5 CEO-governor pilots of 2024"),
    "province": N_("Province"),
    "on_time": N_("Answered on time"),
    "satisfaction": N_("Satisfaction (out of 5)"),
    "kpi_progress": N_("KPI progress"),
    "agenda": N_("The province's agenda"),
    "goal": N_("Goal"),
    "no_agenda": N_("The province has not published an agenda yet."),
    "kpi": N_("KPI"),
    "target": N_("Target"),
    "latest": N_("Latest figure"),
    "no_report": N_("No report yet"),
    "example_figures": N_("Example figures, not the province's real data"),
    "steps": N_("Steps of the yearly cycle"),
    "handed_in": N_("Handed in"),
    "not_handed_in": N_("Not handed in yet"),
    "due": N_("Due"),
    "complaints": N_("Complaint handling"),
    "received_year": N_("Received this fiscal year"),
    "received_month": N_("Received this month"),
    "answered_on_time": N_("Answered within the answer time"),
    "median_days": N_("Median days to answer"),
    "mean_rating": N_("Average satisfaction"),
    "by_category": N_("By category"),
    "by_district": N_("By district"),
    "received": N_("Received"),
    "open": N_("Open"),
    "latest_resolved": N_("Latest resolved complaints"),
    "subject": N_("Subject"),
    "district": N_("District"),
    "days_taken": N_("Days taken"),
    "closing_note": N_("The agency's note"),
    "none_yet": N_("None yet."),
    "map": N_("Map of complaints"),
    "map_note": N_("Only complaints whose senders agreed to publication are shown, each placed to within about 100 m."),
    "ticket": N_("Ticket"),
    "ticket_title": N_("Ticket status"),
    "status": N_("Status"),
    "filed": N_("Filed"),
    "answer_by": N_("To be answered by"),
    "resolved_on": N_("Resolved on"),
    "agency": N_("Agency"),
    "description": N_("What was reported"),
    "not_public": N_("The text is not public: the sender did not agree to publication."),
    "photos": N_("Photos"),
    "history": N_("History"),
    "not_found": N_("Not found"),
    "not_found_text": N_("There is no such province or ticket."),
    "open_data": N_("Open data"),
    "data_intro": N_(
        "Anonymised complaints, KPIs with their reports and province figures, free to reuse under the licence "
        "below. Names, phone numbers and chat ids are never included; a complaint's text and place only where its "
        "sender agreed to publication."
    ),
    "licence": N_("Licence"),
    "dataset": N_("Dataset"),
    "field": N_("Field"),
    "meaning": N_("Meaning"),
    "catalog": N_("Catalogue (DCAT, for data portals such as data.go.th)"),
    "updated_every_minute": N_("Figures are recounted at least every minute."),
    "none": N_("none"),
}


def words() -> dict[str, str]:
    """The words in the current locale."""
    return {name: str(label) for name, label in WORDS.items()}
