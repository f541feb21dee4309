"""Schemathesis against the OpenAPI document the API serves: generated calls to every operation, in-process
through the real app in its lifespan, answer with no 5xx and as the document says (status codes, content types,
JSON bodies, headers). Few examples per operation, so that it runs in well under a minute."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.testclient import TestClient

from bot.app import create_app
from bot.web.open311.limits import RateLimits, TokenBuckets
from bot.web.open311.openapi import document
from tests.conftest import make_settings

SCHEMA = schemathesis.openapi.from_dict(document())
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


@pytest.fixture
def client(sqlite_url: str) -> Iterator[TestClient]:
    app = create_app(make_settings(sqlite_url), run_workers=False)
    # Every generated call should reach the method: the rate limit (tested on its own) would answer most with 429.
    app.state.open311_limits = RateLimits(per_ip=TokenBuckets(burst=100_000, per_second=1000))
    with TestClient(app) as http:  # the lifespan runs: the database is open
        yield http


def test_the_served_document_is_the_one_tested(client: TestClient) -> None:
    assert client.get("/open311/v2/openapi.json").json() == document()


@SCHEMA.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_api_keeps_its_contract(case: schemathesis.Case, client: TestClient) -> None:
    request: dict[str, Any] = {"params": case.query, "headers": case.headers}
    if isinstance(case.body, dict):
        request["data"] = case.body
    response = client.request(case.method, case.formatted_path, **request)
    case.validate_response(response, checks=CHECKS)
