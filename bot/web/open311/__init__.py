"""Open311 GeoReport v2 at /open311/v2/ (http://wiki.open311.org/GeoReport_v2): discovery, services, service
definitions, requests (GET and POST), a request, tokens; JSON and XML; errors as GeoReport's list of
{code, description}. The rules are the domain's (bot/domain/open311.py, bot/domain/publication.py)."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from bot.web.open311 import endpoints
from bot.web.open311.openapi import openapi_document

PREFIX = "/open311/v2"


def routes() -> list[BaseRoute]:
    return [
        Route(f"{PREFIX}/openapi.json", openapi_document),
        Route(f"{PREFIX}/discovery.{{fmt}}", endpoints.discovery),
        Route(f"{PREFIX}/services.{{fmt}}", endpoints.services),
        Route(f"{PREFIX}/services/{{service_code}}.{{fmt}}", endpoints.service_definition),
        Route(f"{PREFIX}/requests.{{fmt}}", endpoints.requests, methods=["GET", "POST"]),
        Route(f"{PREFIX}/requests/{{service_request_id}}.{{fmt}}", endpoints.one_request),
        Route(f"{PREFIX}/tokens/{{token}}.{{fmt}}", endpoints.token),
        Route(f"{PREFIX}/{{rest:path}}", endpoints.not_found, methods=["GET", "POST"]),
    ]
