"""Who is at the desk: the session cookie, the language, and the checks every page and form go through.

- `page`: a GET handler for a signed-in person; anyone else is sent to the page that says how to sign in.
- `action`: a POST handler that also needs the form's CSRF token; without it nothing is changed (403).
A person may only reach what their scope allows (bot/domain/scope.py): the handlers answer 404 otherwise.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.core.i18n import SUPPORTED, normalise_locale, use_locale
from bot.domain import signin
from bot.services import Services
from bot.web.desk.render import render
from storage.models import Person

SESSION_COOKIE = "hpp_desk"
LANGUAGE_COOKIE = "hpp_desk_lang"
SIGNED_OUT_PATH = "/desk/signed-out"


@dataclass
class Desk:
    """The signed-in person and what their pages need."""

    services: Services
    person: Person
    session_token: str
    csrf: str
    request: Request

    def page(self, form: FormData) -> str:
        """The page an action was sent from, for the audit log: each form says it (no Referer is sent)."""
        sent_from = form.get("from")
        return sent_from if isinstance(sent_from, str) and sent_from.startswith("/desk") else self.request.url.path

    def now(self) -> datetime:
        return datetime.now(UTC)

    def context(self, **values: Any) -> dict[str, Any]:
        here = self.request.url.path + (f"?{self.request.url.query}" if self.request.url.query else "")
        return {"desk": self, "person": self.person, "csrf": self.csrf, "here": here, **values}


Handler = Callable[[Request, Desk], Awaitable[Response]]
FormHandler = Callable[[Request, Desk, FormData], Awaitable[Response]]


def services_of(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def language(request: Request, person: Person | None = None) -> str:
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in SUPPORTED:
        return str(chosen)
    return normalise_locale(person.locale if person else None)


def is_https(request: Request) -> bool:
    """Behind a proxy the public URL says https although the hop to the app is plain HTTP."""
    base = services_of(request).settings.public_base_url or ""
    return request.url.scheme == "https" or base.startswith("https://")


async def _signed_in(request: Request) -> Desk | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    services = services_of(request)
    async with services.db.read() as session:
        person = await signin.session_person(session, token, datetime.now(UTC))
    if person is None:
        return None
    return Desk(services, person, token, signin.csrf_token(services.links.key, token), request)


def page(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        desk = await _signed_in(request)
        if desk is None:
            return RedirectResponse(SIGNED_OUT_PATH, status_code=303)
        with use_locale(language(request, desk.person)):
            return await handler(request, desk)

    return endpoint


def action(handler: FormHandler) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        desk = await _signed_in(request)
        if desk is None:
            return RedirectResponse(SIGNED_OUT_PATH, status_code=303)
        form = await request.form()
        given = form.get("csrf")
        with use_locale(language(request, desk.person)):
            if not isinstance(given, str) or not signin.csrf_matches(
                desk.services.links.key, desk.session_token, given
            ):
                return render("refused.html", desk.context(), status=403)
            return await handler(request, desk, form)

    return endpoint


def set_session_cookie(response: Response, request: Request, started: signin.Started) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        started.token,
        max_age=int(signin.SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=is_https(request),
        path="/desk",
    )


def clear_session_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/desk", httponly=True, samesite="lax", secure=is_https(request))
