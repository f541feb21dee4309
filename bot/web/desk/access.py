"""Signing in with a chat link, signing out, and the language switch."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.core.i18n import SUPPORTED, use_locale
from bot.domain import signin
from bot.web.desk.auth import (
    LANGUAGE_COOKIE,
    SIGNED_OUT_PATH,
    Desk,
    action,
    clear_session_cookie,
    language,
    services_of,
    set_session_cookie,
)
from bot.web.desk.render import render

YEAR_SECONDS = 365 * 86400


async def signin_page(request: Request) -> Response:
    """What the chat link opens: a button that signs in. Opening the link uses nothing up, so the preview a chat
    app fetches of it does no harm; pressing the button does."""
    with use_locale(language(request)):
        return render("signin.html", {"token": request.path_params["token"], "here": request.url.path})


async def signin_submit(request: Request) -> Response:
    services = services_of(request)
    now = datetime.now(UTC)
    async with services.db.write() as session:
        started = await signin.redeem(session, request.path_params["token"], now)
        if started is not None:
            signin.audit(
                session, started.person, "sign_in", f"person:{started.person.id}", page="/desk/signin", now=now
            )
    if started is None:
        with use_locale(language(request)):
            return render("link_refused.html", {"here": request.url.path}, status=400)
    response = RedirectResponse("/desk/", status_code=303)
    set_session_cookie(response, request, started)
    return response


@action
async def signout(request: Request, desk: Desk, form: FormData) -> Response:
    now = desk.now()
    async with desk.services.db.write() as session:
        await signin.end_session(session, desk.session_token, now)
        signin.audit(session, desk.person, "sign_out", f"person:{desk.person.id}", page=desk.page(form), now=now)
    response = RedirectResponse(SIGNED_OUT_PATH, status_code=303)
    clear_session_cookie(response, request)
    return response


async def signed_out(request: Request) -> Response:
    with use_locale(language(request)):
        return render("signed_out.html", {"here": request.url.path})


async def switch_language(request: Request) -> Response:
    """Only a cookie of the browser changes: no form, no CSRF token needed."""
    chosen = request.path_params["code"]
    back = request.query_params.get("next", "/desk/")
    response = RedirectResponse(back if back.startswith("/desk") else "/desk/", status_code=303)
    if chosen in SUPPORTED:
        response.set_cookie(LANGUAGE_COOKIE, chosen, max_age=YEAR_SECONDS, samesite="lax", path="/desk")
    return response
