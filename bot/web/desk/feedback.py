"""บอกเราถึงรัฐ on the desk: citizens' comments and KPI proposals with their support counts; the secretariat sets
each one's status and may reply, and the citizen is told in chat."""

from __future__ import annotations

from sqlalchemy import select
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.core.notify import Notifications
from bot.domain import scope, signin
from bot.domain.feedback import STATUS_LABELS as FEEDBACK_STATUS_LABELS
from bot.domain.feedback_status import answer, may_answer
from bot.web.desk.auth import Desk, action, page
from bot.web.desk.render import render
from bot.web.desk.ticket import MAX_NOTE, not_found
from handlers.desk.notices import tell_feedback_author
from storage.models import Agenda, Feedback, FeedbackStatus, Kpi, Province

MAX_LISTED = 200


@page
async def feedback_page(request: Request, desk: Desk) -> Response:
    if not scope.is_secretariat(desk.person):
        return not_found(desk)
    query = (
        select(Feedback, Agenda.title_th, Agenda.title_en, Kpi.name_th, Province.name_th)
        .join(Province, Province.id == Feedback.province_id)
        .outerjoin(Agenda, Agenda.id == Feedback.agenda_id)
        .outerjoin(Kpi, Kpi.id == Feedback.kpi_id)
        .order_by(Feedback.support_count.desc(), Feedback.created_at.desc())
        .limit(MAX_LISTED)
    )
    if not scope.is_national(desk.person):
        query = query.where(Feedback.province_id == desk.person.province_id)
    async with desk.services.db.read() as session:
        rows = (await session.execute(query)).all()
    statuses = [(str(code), str(label)) for code, label in FEEDBACK_STATUS_LABELS.items()]
    return render("feedback.html", desk.context(rows=rows, statuses=statuses, labels=dict(statuses)))


@action
async def feedback_answer(request: Request, desk: Desk, form: FormData) -> Response:
    chosen = str(form.get("status", ""))
    note = str(form.get("note", "")).strip()[:MAX_NOTE] or None
    if chosen not in {str(status) for status in FeedbackStatus}:
        return not_found(desk)
    notes = Notifications()
    now = desk.now()
    async with desk.services.db.write() as session:
        feedback = await session.get(Feedback, request.path_params["feedback_id"])
        if feedback is None or not may_answer(desk.person, feedback):
            return not_found(desk)
        key = f"feedback:{feedback.id}:{chosen}:{int(now.timestamp())}"
        await answer(session, feedback, FeedbackStatus(chosen), note, tell=tell_feedback_author(notes.notify, key))
        signin.audit(
            session,
            desk.person,
            "feedback_answer",
            f"feedback:{feedback.id}",
            page=desk.page(form),
            now=now,
            detail={"status": chosen, "note": note or ""},
        )
        await notes.queue(session)
    desk.services.outbox_wakeup.set()
    return RedirectResponse("/desk/feedback", status_code=303)
