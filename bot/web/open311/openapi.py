"""The OpenAPI 3 document of the Open311 API, served at /open311/v2/openapi.json (schemathesis tests the API
against it: tests/web/open311/test_schema.py)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from bot.domain.open311 import MAX_PAGE_SIZE

_NULLABLE_TEXT = {"type": "string", "nullable": True}
_TEXT = {"type": "string"}

SCHEMAS: dict[str, Any] = {
    "Errors": {
        "type": "array",
        "items": {
            "type": "object",
            "required": ["code", "description"],
            "properties": {"code": {"type": "integer"}, "description": _TEXT},
        },
    },
    "Discovery": {
        "type": "object",
        "required": ["changeset", "contact", "key_service", "endpoints"],
        "properties": {
            "changeset": _TEXT,
            "contact": _TEXT,
            "key_service": _TEXT,
            "endpoints": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["specification", "url", "changeset", "type", "formats"],
                    "properties": {
                        "specification": _TEXT,
                        "url": _TEXT,
                        "changeset": _TEXT,
                        "type": {"type": "string", "enum": ["production", "test"]},
                        "formats": {"type": "array", "items": _TEXT},
                    },
                },
            },
        },
    },
    "Services": {
        "type": "array",
        "items": {
            "type": "object",
            "required": ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"],
            "properties": {
                "service_code": _TEXT,
                "service_name": _TEXT,
                "description": _TEXT,
                "metadata": {"type": "boolean"},
                "type": {"type": "string", "enum": ["realtime", "batch", "blackbox"]},
                "keywords": _TEXT,
                "group": {"type": "string", "enum": ["category", "agenda"]},
            },
        },
    },
    "ServiceDefinition": {
        "type": "object",
        "required": ["service_code", "attributes"],
        "properties": {
            "service_code": _TEXT,
            "attributes": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["variable", "code", "datatype", "required", "order", "description", "values"],
                    "properties": {
                        "variable": {"type": "boolean"},
                        "code": _TEXT,
                        "datatype": {
                            "type": "string",
                            "enum": ["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"],
                        },
                        "required": {"type": "boolean"},
                        "datatype_description": _NULLABLE_TEXT,
                        "order": {"type": "integer"},
                        "description": _TEXT,
                        "values": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["key", "name"],
                                "properties": {"key": _TEXT, "name": _TEXT},
                            },
                        },
                    },
                },
            },
        },
    },
    "ServiceRequests": {
        "type": "array",
        "items": {
            "type": "object",
            "required": [
                "service_request_id",
                "status",
                "status_notes",
                "service_name",
                "service_code",
                "agency_responsible",
                "requested_datetime",
                "updated_datetime",
                "expected_datetime",
            ],
            "properties": {
                "service_request_id": _TEXT,
                "status": {"type": "string", "enum": ["open", "closed"]},
                "status_notes": _TEXT,
                "service_name": _TEXT,
                "service_code": _TEXT,
                "description": _NULLABLE_TEXT,
                "agency_responsible": _NULLABLE_TEXT,
                "service_notice": _NULLABLE_TEXT,
                "requested_datetime": {"type": "string", "format": "date-time"},
                "updated_datetime": {"type": "string", "format": "date-time"},
                "expected_datetime": {"type": "string", "format": "date-time"},
                "address": _NULLABLE_TEXT,
                "address_id": _NULLABLE_TEXT,
                "zipcode": _NULLABLE_TEXT,
                "lat": {"type": "number", "nullable": True},
                "long": {"type": "number", "nullable": True},
                "media_url": _NULLABLE_TEXT,
            },
        },
    },
    "Posted": {
        "type": "array",
        "items": {
            "type": "object",
            "required": ["service_request_id", "token", "service_notice"],
            "properties": {
                "service_request_id": _TEXT,
                "token": _TEXT,
                "service_notice": _TEXT,
                "account_id": _NULLABLE_TEXT,
            },
        },
    },
    "Tokens": {
        "type": "array",
        "items": {
            "type": "object",
            "required": ["service_request_id", "token"],
            "properties": {"service_request_id": _TEXT, "token": _TEXT},
        },
    },
}


def _content(schema: str) -> dict[str, Any]:
    return {
        "application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}},
        "text/xml": {"schema": {"type": "string"}},
    }


def _responses(schema: str, *errors: int) -> dict[str, Any]:
    answers: dict[str, Any] = {"200": {"description": "OK", "content": _content(schema)}}
    for status in (400, *errors, 404):
        answers[str(status)] = {"description": "GeoReport errors", "content": _content("Errors")}
    answers["429"] = {
        "description": "Too many requests",
        "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds"}},
        "content": _content("Errors"),
    }
    return answers


def _query(name: str, description: str, **schema: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema or _TEXT}


def _path(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": _TEXT}


FORMAT = {"name": "fmt", "in": "path", "required": True, "schema": {"type": "string", "enum": ["json", "xml"]}}
JURISDICTION = _query("jurisdiction_id", "the province: its code (CRI) or English name slug (chiang-rai)")


def _get(summary: str, schema: str, parameters: list[dict[str, Any]], *errors: int) -> dict[str, Any]:
    return {"get": {"summary": summary, "parameters": parameters, "responses": _responses(schema, *errors)}}


POST_FIELDS: dict[str, Any] = {
    "type": "object",
    "required": ["api_key", "jurisdiction_id", "service_code"],
    "properties": {
        "api_key": _TEXT,
        "jurisdiction_id": _TEXT,
        "service_code": _TEXT,
        "lat": {"type": "number"},
        "long": {"type": "number"},
        "address_string": _TEXT,
        "description": _TEXT,
        "email": _TEXT,
        "phone": _TEXT,
        "first_name": _TEXT,
        "last_name": _TEXT,
        "media_url": {"type": "string", "maxLength": 500, "description": "http(s) address of a photo, kept as given"},
        "attribute[sector]": _TEXT,
        "attribute[publish_consent]": {"type": "string", "enum": ["yes", "no"]},
        "attribute[photo_consent]": {"type": "string", "enum": ["yes", "no"]},
        "attribute[contact_phone_consent]": {"type": "string", "enum": ["yes", "no"]},
    },
}


def document(server: str = "/") -> dict[str, Any]:
    requests_filters = [
        FORMAT,
        JURISDICTION,
        _query("service_request_id", "ticket numbers, comma separated"),
        _query("service_code", "service codes, comma separated"),
        _query("start_date", "ISO 8601; default: 90 days ago", type="string", format="date-time"),
        _query("end_date", "ISO 8601", type="string", format="date-time"),
        _query("status", "open, closed or both (comma separated)"),
        _query("page", "from 1", type="integer", minimum=1),
        _query("page_size", f"1 to {MAX_PAGE_SIZE}; default 100", type="integer", minimum=1, maximum=MAX_PAGE_SIZE),
    ]
    post = {
        "summary": "Post a service request (filed as a complaint: routed, numbered and given its answer date)",
        "parameters": [FORMAT],
        "requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": POST_FIELDS}}},
        "responses": _responses("Posted", 403),
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "hpp-bot Open311 GeoReport v2",
            "version": "2.0",
            "description": "Complaints to Thai provinces (จังหวัดที่มีผลสัมฤทธิ์สูง) as Open311 service requests.",
            "license": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
        },
        "servers": [{"url": server}],
        "paths": {
            "/open311/v2/discovery.{fmt}": _get("Service discovery", "Discovery", [FORMAT]),
            "/open311/v2/services.{fmt}": _get("Service list", "Services", [FORMAT, JURISDICTION]),
            "/open311/v2/services/{service_code}.{fmt}": _get(
                "Service definition", "ServiceDefinition", [_path("service_code"), FORMAT, JURISDICTION]
            ),
            "/open311/v2/requests.{fmt}": {
                **_get("Service requests", "ServiceRequests", requests_filters),
                "post": post,
            },
            "/open311/v2/requests/{service_request_id}.{fmt}": _get(
                "One service request", "ServiceRequests", [_path("service_request_id"), FORMAT, JURISDICTION]
            ),
            "/open311/v2/tokens/{token}.{fmt}": _get(
                "Service request id from a token", "Tokens", [_path("token"), FORMAT]
            ),
        },
        "components": {"schemas": SCHEMAS},
    }


async def openapi_document(request: Request) -> JSONResponse:
    return JSONResponse(document())
