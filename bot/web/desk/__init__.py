"""The secretariat's web desk under /desk: signed in from chat, scoped by the person's record, Thai first.

Pages are rendered on the server (Jinja2); the browser libraries (htmx, Chart.js, Leaflet) are served from
bot/web/static/vendor, never from a CDN.
"""

from __future__ import annotations

from pathlib import Path

from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from bot.web.desk import access, agendas, broadcasts, complaints, feedback, kpis, overview, people, ticket

HERE = Path(__file__).resolve().parent
VENDOR = HERE.parent / "static" / "vendor"


def routes() -> list[BaseRoute]:
    return [
        Mount(
            "/desk",
            routes=[
                Route("/", overview.overview),
                Route("/complaints", complaints.complaint_list),
                Route("/complaints.csv", complaints.export_csv),
                Route("/complaints.xlsx", complaints.export_xlsx),
                Route("/complaints/{complaint_id:int}", ticket.ticket_page),
                Route("/complaints/{complaint_id:int}/action", ticket.ticket_action, methods=["POST"]),
                Route("/agendas", agendas.agendas_page),
                Route("/kpis/{kpi_id:int}/remind", agendas.remind, methods=["POST"]),
                Route("/kpis/{kpi_id:int}/edit", kpis.kpi_edit_page),
                Route("/kpis/{kpi_id:int}/edit", kpis.kpi_edit, methods=["POST"]),
                Route("/deadlines/{deadline_id:int}", kpis.deadline_move, methods=["POST"]),
                Route("/broadcasts", broadcasts.broadcasts_page),
                Route("/broadcasts", broadcasts.create, methods=["POST"]),
                Route("/broadcasts/preview", broadcasts.audience_preview),
                Route("/broadcasts/{broadcast_id:int}", broadcasts.broadcast_page),
                Route("/broadcasts/{broadcast_id:int}/progress", broadcasts.broadcast_progress),
                Route("/broadcasts/{broadcast_id:int}/cancel", broadcasts.cancel, methods=["POST"]),
                Route("/people", people.people),
                Route("/people/{person_id:int}/role", people.role_change, methods=["POST"]),
                Route("/invites", people.new_invite, methods=["POST"]),
                Route("/invites/{invite_id:int}", people.invite_page),
                Route("/invites/{invite_id:int}/revoke", people.revoke, methods=["POST"]),
                Route("/feedback", feedback.feedback_page),
                Route("/feedback/{feedback_id:int}/answer", feedback.feedback_answer, methods=["POST"]),
                Route("/signin/{token}", access.signin_page),
                Route("/signin/{token}", access.signin_submit, methods=["POST"]),
                Route("/signout", access.signout, methods=["POST"]),
                Route("/signed-out", access.signed_out),
                Route("/lang/{code}", access.switch_language),
                Mount("/static", StaticFiles(directory=HERE / "static"), name="desk-static"),
                Mount("/vendor", StaticFiles(directory=VENDOR), name="desk-vendor"),
            ],
        )
    ]
