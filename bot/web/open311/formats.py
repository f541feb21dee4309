"""One answer, two formats: the same data written as JSON or as GeoReport's XML (UTF-8, with its declaration).

Lists become a parent element holding one child per item, named as the spec names them (services → service,
service_requests → request, errors → error, ...); None becomes an empty element, booleans true/false."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree

from starlette.responses import Response

FORMATS = ("json", "xml")
MEDIA_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "keywords": "keyword",
}

Data = dict[str, Any] | list[Any]


def _element(name: str, value: Any) -> ElementTree.Element:
    element = ElementTree.Element(name)
    if isinstance(value, dict):
        for key, item in value.items():
            element.append(_element(key, item))
    elif isinstance(value, list):
        child = ITEM_NAMES.get(name, "item")
        for item in value:
            element.append(_element(child, item))
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)
    return element


def to_xml(root: str, data: Data) -> bytes:
    body: bytes = ElementTree.tostring(_element(root, data), encoding="unicode").encode("utf-8")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body


def answer(fmt: str, root: str, data: Data, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """`data` as JSON, or as XML under the element `root`."""
    if fmt == "xml":
        body = to_xml(root, data)
    else:
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(body, status_code=status, media_type=MEDIA_TYPES[fmt], headers=headers)


def error(fmt: str, status: int, description: str, headers: dict[str, str] | None = None) -> Response:
    """GeoReport's error answer: a list of {code, description}."""
    return answer(fmt, "errors", [{"code": status, "description": description}], status, headers)
