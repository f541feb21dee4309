"""Request bodies over a limit are refused (413) before any route sees them: by their declared Content-Length at
once, and a chunked or understated body while it streams in, so a stranger cannot make the process read, hold or
hash a huge body (a signature check over 300 MB once took 900 MB of memory before its 401).

Pure ASGI: the body is counted as it arrives and never buffered here.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
_LENGTH = re.compile(rb"[0-9]{1,19}")  # at most 19 digits: a length that fits 64 bits and cannot be slow to read


class BodyTooLarge(Exception):
    """Raised from `receive` when the streamed body passes the limit; the middleware answers 413."""


def declared_length(scope: Scope) -> int | None:
    """The Content-Length header as a number; None when there is none; -1 when it is not a number."""
    values = [value for name, value in scope.get("headers", ()) if name.lower() == b"content-length"]
    if not values:
        return None
    if len(set(values)) != 1 or not _LENGTH.fullmatch(values[0].strip()):
        return -1
    return int(values[0])


class BodyLimit:
    """Refuse a request body over `max_bytes` (or over the path's own limit in `larger`, e.g. a photo upload)."""

    def __init__(self, app: ASGIApp, *, max_bytes: int = MAX_BODY_BYTES, larger: Mapping[str, int] | None = None):
        self.app = app
        self.max_bytes = max_bytes
        self.larger = dict(larger or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.larger.get(scope["path"], self.max_bytes)
        declared = declared_length(scope)
        if declared == -1:
            await JSONResponse({"error": "bad Content-Length"}, status_code=400)(scope, receive, send)
            return
        if declared is not None and declared > limit:
            await self._refuse(scope, receive, send, declared)
            return
        await self._streamed(scope, receive, send, limit)

    async def _streamed(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLarge:
            if started:  # the route answered before reading all of it; the server closes the connection
                return
            await self._refuse(scope, receive, send, received)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, size: int) -> None:
        log.warning("request body of %s bytes or more refused on %s", size, scope["path"][:100])
        await JSONResponse({"error": "request body too large"}, status_code=413)(scope, receive, send)
