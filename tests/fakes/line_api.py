"""A fake LINE Messaging API on loopback: the real line-bot-sdk client talks to it over HTTP.

It records every request (path, headers, JSON body, time), keeps what was delivered (a push or multicast repeated
with an accepted `X-Line-Retry-Key` answers 409 and is not delivered twice, as LINE does), serves message
content, and can be told to fail the next calls: 429 with Retry-After, 500, 400 "Invalid reply token", any 4xx
with LINE's error body, or hang.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.chaos import Chaos
from tests.fakes.server import LoopbackServer

REPLY, PUSH, MULTICAST = "/v2/bot/message/reply", "/v2/bot/message/push", "/v2/bot/message/multicast"
LOADING = "/v2/bot/chat/loading/start"


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    at: float

    @property
    def retry_key(self) -> str | None:
        return self.headers.get("x-line-retry-key")


@dataclass
class Delivery:
    """What a user would see: messages that LINE accepted for one or more recipients."""

    kind: str  # reply, push, multicast
    to: list[str]
    messages: list[dict[str, Any]]
    retry_key: str | None


@dataclass
class Failure:
    path_prefix: str
    status: int
    body: dict[str, Any]
    retry_after: str | None = None
    hang_seconds: float = 0.0


@dataclass
class FakeLineState:
    requests: list[Recorded] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    accepted_keys: set[str] = field(default_factory=set)
    failures: list[Failure] = field(default_factory=list)
    used_reply_tokens: set[str] = field(default_factory=set)
    content: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    rich_menus: dict[str, dict[str, Any]] = field(default_factory=dict)
    rich_menu_images: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    user_menus: dict[str, str] = field(default_factory=dict)
    default_menu: str | None = None
    webhook_endpoint: str = "https://example.org/webhooks/line"
    chaos: Chaos | None = None  # random faults on deliveries (the soak test)
    lock: threading.Lock = field(default_factory=threading.Lock)


class FakeLineApi:
    """Start with `with FakeLineApi() as fake:`; point LINE_API_BASE_URL at `fake.url`."""

    def __init__(self) -> None:
        self.state = FakeLineState()
        self.app = _build_app(self.state)
        self._server = LoopbackServer(self.app, "fake LINE API")
        self.port = self._server.port
        self.url = self._server.url

    def __enter__(self) -> FakeLineApi:
        self._server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stop()

    def reset(self) -> None:
        fresh = FakeLineState()
        with self.state.lock:
            for name in fresh.__dataclass_fields__:
                if name != "lock":
                    setattr(self.state, name, getattr(fresh, name))

    # --- telling it how to answer ---------------------------------------------------------------------------

    def fail_next(
        self,
        path_prefix: str,
        status: int,
        *,
        times: int = 1,
        message: str = "failure",
        retry_after: float | None = None,
        hang_seconds: float = 0.0,
    ) -> None:
        failure = Failure(path_prefix, status, {"message": message}, _header(retry_after), hang_seconds)
        with self.state.lock:
            self.state.failures.extend([failure] * times)

    def hang_next(self, path_prefix: str, seconds: float, *, times: int = 1) -> None:
        self.fail_next(path_prefix, 500, times=times, message="hung", hang_seconds=seconds)

    def lose_answer_next(self, path_prefix: str, seconds: float, *, times: int = 1) -> None:
        """Accept the request (it is delivered) but answer only after `seconds`: the client times out."""
        self.fail_next(path_prefix, 0, times=times, message="accepted, answer lost", hang_seconds=seconds)

    def add_content(self, message_id: str, data: bytes, content_type: str = "image/jpeg") -> None:
        self.state.content[message_id] = (data, content_type)

    # --- what happened --------------------------------------------------------------------------------------

    def calls(self, path: str) -> list[Recorded]:
        return [r for r in self.state.requests if r.path == path]

    def delivered(self, kind: str | None = None) -> list[Delivery]:
        return [d for d in self.state.deliveries if kind is None or d.kind == kind]

    def texts_to(self, user: str) -> list[str]:
        return [m.get("text", "") for d in self.state.deliveries if user in d.to for m in d.messages]


def _header(retry_after: float | None) -> str | None:
    return (
        None if retry_after is None else str(int(retry_after)) if retry_after == int(retry_after) else str(retry_after)
    )


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"message": message}, status_code=status, headers=headers)


Handler = Callable[[Request, FakeLineState, Any], Awaitable[Response]]


def _build_app(state: FakeLineState) -> Starlette:
    def wrap(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            raw = await request.body()
            is_json = "json" in request.headers.get("content-type", "")
            body: Any = json.loads(raw) if is_json and raw else raw
            with state.lock:
                state.requests.append(
                    Recorded(request.method, request.url.path, dict(request.headers), body, time.monotonic())
                )
                failure = _take_failure(state, request.url.path) or _chaos_failure(state, request.url.path)
            if failure is not None and failure.status == 0:
                response = await handler(request, state, body)
                await asyncio.sleep(failure.hang_seconds)
                return response
            if failure is not None:
                if failure.hang_seconds:
                    await asyncio.sleep(failure.hang_seconds)
                headers = {"Retry-After": failure.retry_after} if failure.retry_after else None
                return JSONResponse(failure.body, status_code=failure.status, headers=headers)
            if not request.headers.get("authorization", "").startswith("Bearer "):
                return _error(401, "Authentication failed due to the following reason: no access token")
            return await handler(request, state, body)

        return endpoint

    routes = [
        Route(REPLY, wrap(_reply), methods=["POST"]),
        Route(PUSH, wrap(_push), methods=["POST"]),
        Route(MULTICAST, wrap(_multicast), methods=["POST"]),
        Route(LOADING, wrap(_accepted), methods=["POST"]),
        Route("/v2/bot/message/{message_id}/content", wrap(_content), methods=["GET"]),
        Route("/v2/bot/info", wrap(_bot_info), methods=["GET"]),
        Route("/v2/bot/channel/webhook/endpoint", wrap(_webhook_endpoint), methods=["GET"]),
        Route("/v2/bot/richmenu", wrap(_create_menu), methods=["POST"]),
        Route("/v2/bot/richmenu/alias", wrap(_create_alias), methods=["POST"]),
        Route("/v2/bot/richmenu/alias/{alias}", wrap(_alias), methods=["GET", "POST", "DELETE"]),
        Route("/v2/bot/richmenu/{menu_id}/content", wrap(_menu_image), methods=["POST"]),
        Route("/v2/bot/richmenu/{menu_id}", wrap(_delete_menu), methods=["DELETE"]),
        Route("/v2/bot/user/all/richmenu/{menu_id}", wrap(_default_menu), methods=["POST"]),
        Route("/v2/bot/user/{user_id}/richmenu/{menu_id}", wrap(_link_menu), methods=["POST"]),
        Route("/v2/bot/user/{user_id}/richmenu", wrap(_unlink_menu), methods=["DELETE"]),
    ]
    return Starlette(routes=routes)


def _chaos_failure(state: FakeLineState, path: str) -> Failure | None:
    if state.chaos is None or path not in (REPLY, PUSH, MULTICAST):
        return None
    fault = state.chaos.pick()
    if fault == "429":
        return Failure(path, 429, {"message": "The API rate limit has been exceeded."}, str(state.chaos.retry_after))
    if fault == "500":
        return Failure(path, 500, {"message": "Internal server error"})
    if fault == "hang":
        return Failure(path, 500, {"message": "hung"}, hang_seconds=state.chaos.hang_seconds)
    return None


def _take_failure(state: FakeLineState, path: str) -> Failure | None:
    for index, failure in enumerate(state.failures):
        if path.startswith(failure.path_prefix):
            return state.failures.pop(index)
    return None


def _check_messages(messages: Any) -> str | None:
    if not isinstance(messages, list) or not 1 <= len(messages) <= 5:
        return "Size must be between 1 and 5"
    for message in messages:
        items = (message.get("quickReply") or {}).get("items", [])
        if len(items) > 13:
            return "quickReply.items: Size must be between 0 and 13"
        for item in items:
            if len(item["action"].get("label", "")) > 20:
                return "quickReply.items.action.label: Length must be between 0 and 20"
    return None


async def _reply(request: Request, state: FakeLineState, body: Any) -> Response:
    token = body.get("replyToken")
    problem = _check_messages(body.get("messages"))
    if problem:
        return _error(400, f"The request body has 1 error(s): {problem}")
    with state.lock:
        if not token or token in state.used_reply_tokens or token.startswith("expired"):
            return _error(400, "Invalid reply token")
        state.used_reply_tokens.add(token)
        state.deliveries.append(Delivery("reply", [f"token:{token}"], body["messages"], None))
    return JSONResponse({"sentMessages": [{"id": str(i)} for i, _m in enumerate(body["messages"])]})


async def _keyed_delivery(request: Request, state: FakeLineState, kind: str, to: list[str], body: Any) -> Response:
    problem = _check_messages(body.get("messages"))
    if problem:
        return _error(400, f"The request body has 1 error(s): {problem}")
    key = request.headers.get("x-line-retry-key")
    with state.lock:
        if key is not None and key in state.accepted_keys:
            return _error(409, "The retry key is already accepted", {"x-line-accepted-request-id": "abc"})
        if key is not None:
            state.accepted_keys.add(key)
        state.deliveries.append(Delivery(kind, to, body["messages"], key))
    return JSONResponse({"sentMessages": [{"id": str(i)} for i, _m in enumerate(body["messages"])]})


async def _push(request: Request, state: FakeLineState, body: Any) -> Response:
    return await _keyed_delivery(request, state, "push", [body.get("to", "")], body)


async def _multicast(request: Request, state: FakeLineState, body: Any) -> Response:
    to = body.get("to") or []
    if len(to) > 500:
        return _error(400, "The request body has 1 error(s): to: Size must be between 1 and 500")
    return await _keyed_delivery(request, state, "multicast", list(to), body)


async def _accepted(request: Request, state: FakeLineState, body: Any) -> Response:
    return JSONResponse({}, status_code=202)


async def _content(request: Request, state: FakeLineState, body: Any) -> Response:
    found = state.content.get(request.path_params["message_id"])
    if found is None:
        return _error(404, "Not found")
    return Response(found[0], media_type=found[1])


async def _bot_info(request: Request, state: FakeLineState, body: Any) -> Response:
    return JSONResponse(
        {
            "userId": "Ubot",
            "basicId": "@hpp-bot",
            "displayName": "ศูนย์บริการจังหวัด",
            "chatMode": "bot",
            "markAsReadMode": "auto",
        }
    )


async def _webhook_endpoint(request: Request, state: FakeLineState, body: Any) -> Response:
    return JSONResponse({"endpoint": state.webhook_endpoint, "active": True})


async def _create_menu(request: Request, state: FakeLineState, body: Any) -> Response:
    menu_id = f"richmenu-{len(state.rich_menus) + 1:04d}"
    with state.lock:
        state.rich_menus[menu_id] = body
    return JSONResponse({"richMenuId": menu_id})


async def _menu_image(request: Request, state: FakeLineState, body: Any) -> Response:
    menu_id = request.path_params["menu_id"]
    if menu_id not in state.rich_menus:
        return _error(404, "Not found")
    state.rich_menu_images[menu_id] = (body, request.headers.get("content-type", ""))
    return JSONResponse({})


async def _delete_menu(request: Request, state: FakeLineState, body: Any) -> Response:
    if state.rich_menus.pop(request.path_params["menu_id"], None) is None:
        return _error(404, "Not found")
    return JSONResponse({})


async def _create_alias(request: Request, state: FakeLineState, body: Any) -> Response:
    if body["richMenuAliasId"] in state.aliases:
        return _error(400, "conflict richmenu alias id")
    state.aliases[body["richMenuAliasId"]] = body["richMenuId"]
    return JSONResponse({})


async def _alias(request: Request, state: FakeLineState, body: Any) -> Response:
    alias = request.path_params["alias"]
    if alias not in state.aliases:
        return _error(404, "richmenu alias not found")
    if request.method == "GET":
        return JSONResponse({"richMenuAliasId": alias, "richMenuId": state.aliases[alias]})
    if request.method == "DELETE":
        del state.aliases[alias]
    else:
        state.aliases[alias] = body["richMenuId"]
    return JSONResponse({})


async def _default_menu(request: Request, state: FakeLineState, body: Any) -> Response:
    state.default_menu = request.path_params["menu_id"]
    return JSONResponse({})


async def _link_menu(request: Request, state: FakeLineState, body: Any) -> Response:
    if request.path_params["menu_id"] not in state.rich_menus:
        return _error(400, "richmenu not found")
    state.user_menus[request.path_params["user_id"]] = request.path_params["menu_id"]
    return JSONResponse({})


async def _unlink_menu(request: Request, state: FakeLineState, body: Any) -> Response:
    state.user_menus.pop(request.path_params["user_id"], None)
    return JSONResponse({})
