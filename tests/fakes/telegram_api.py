"""A fake Telegram Bot API on loopback: python-telegram-bot's real `Bot` talks to it over HTTP.

It implements what the bot calls (getMe, sendMessage, sendPhoto, sendDocument, answerCallbackQuery,
editMessageReplyMarkup, getFile and the file download, setWebhook, deleteWebhook, setMyCommands, getUpdates),
records every request with a monotonic timestamp and its chat id, and can be told to fail the next calls:
429 with `retry_after`, 403 (the user blocked the bot), 400, or 500, optionally for one method or one chat.
Bodies come as form fields, multipart (files) or JSON, as PTB and the Bot API allow.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.chaos import Chaos
from tests.fakes.server import LoopbackServer

TOKEN = "123:ABC"
BOT_USER = {"id": 123, "is_bot": True, "first_name": "HPP Bot", "username": "hpp_test_bot"}
# Form values that carry JSON (PTB encodes objects and lists as JSON strings in form bodies).
JSON_FIELDS = frozenset(
    {"reply_markup", "allowed_updates", "commands", "scope", "link_preview_options", "reply_parameters"}
)
HTML_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "a",
        "code",
        "pre",
        "tg-spoiler",
        "span",
        "blockquote",
        "tg-emoji",
    }
)
SEND_METHODS = frozenset({"sendMessage", "sendPhoto", "sendDocument"})


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, tuple[str | None, bytes]]
    at: float

    @property
    def chat_id(self) -> str | None:
        value = self.params.get("chat_id")
        return None if value is None else str(value)

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")

    @property
    def reply_markup(self) -> dict[str, Any] | None:
        markup = self.params.get("reply_markup")
        return markup if isinstance(markup, dict) else None

    def button_rows(self) -> list[list[dict[str, Any]]]:
        markup = self.reply_markup or {}
        rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
        return [[b if isinstance(b, dict) else {"text": b} for b in row] for row in rows]

    def callback_codes(self) -> list[str]:
        return [b["callback_data"] for row in self.button_rows() for b in row if "callback_data" in b]


@dataclass
class Failure:
    status: int
    description: str
    method: str | None = None
    chat_id: str | None = None
    retry_after: int | None = None
    remaining: int = 1

    def applies(self, method: str, chat_id: str | None) -> bool:
        return (self.method is None or self.method == method) and (self.chat_id is None or self.chat_id == chat_id)


@dataclass
class FakeTelegramState:
    calls: list[Call] = field(default_factory=list)  # every request, including failed ones
    delivered: list[Call] = field(default_factory=list)  # sends that succeeded: what users saw
    failures: list[Failure] = field(default_factory=list)
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # file_id -> (file_path, content)
    updates: list[dict[str, Any]] = field(default_factory=list)  # waiting for getUpdates
    webhook: dict[str, Any] = field(default_factory=dict)
    commands: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # language code ("" default) -> list
    next_message_id: int = 1000
    chaos: Chaos | None = None  # random faults on sends (the soak test)
    lock: threading.Lock = field(default_factory=threading.Lock)


class FakeTelegramApi:
    """Start with `with FakeTelegramApi() as fake:`; point TELEGRAM_API_BASE_URL at `fake.url`."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.state = FakeTelegramState()
        self.app = Starlette(
            routes=[
                Route("/bot{token}/{method}", self._api, methods=["GET", "POST"]),
                Route("/file/bot{token}/{path:path}", self._download, methods=["GET"]),
            ]
        )
        self._server = LoopbackServer(self.app, "fake Telegram API")
        self.url = self._server.url

    def __enter__(self) -> FakeTelegramApi:
        self._server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stop()

    # ------------------------------------------------------------ what tests set up

    def fail_next(
        self,
        status: int,
        *,
        times: int = 1,
        method: str | None = None,
        chat_id: str | int | None = None,
        retry_after: int | None = None,
        description: str | None = None,
    ) -> None:
        default = {
            429: f"Too Many Requests: retry after {retry_after}",
            403: "Forbidden: bot was blocked by the user",
            400: "Bad Request: message text is empty",
            500: "Internal Server Error",
        }.get(status, "Error")
        failure = Failure(
            status, description or default, method, None if chat_id is None else str(chat_id), retry_after, times
        )
        with self.state.lock:
            self.state.failures.append(failure)

    def add_file(self, file_id: str, content: bytes, path: str | None = None) -> None:
        with self.state.lock:
            self.state.files[file_id] = (path or f"photos/{file_id}.jpg", content)

    def queue_update(self, update: dict[str, Any]) -> None:
        with self.state.lock:
            self.state.updates.append(update)

    # ------------------------------------------------------------ what tests read

    def calls_to(self, method: str, chat_id: str | int | None = None) -> list[Call]:
        with self.state.lock:
            calls = list(self.state.calls)
        return [c for c in calls if c.method == method and (chat_id is None or c.chat_id == str(chat_id))]

    def sent_to(self, chat_id: str | int) -> list[Call]:
        """Messages the chat received (successful sends only), in order."""
        with self.state.lock:
            return [c for c in self.state.delivered if c.chat_id == str(chat_id)]

    # ------------------------------------------------------------ the API

    async def _api(self, request: Request) -> Response:
        if request.path_params["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.path_params["method"]
        params, files = await _read_body(request)
        call = Call(method, params, files, time.monotonic())
        with self.state.lock:
            self.state.calls.append(call)
            failure = self._take_failure(method, call.chat_id)
        if failure is None and self.state.chaos is not None and method in SEND_METHODS:
            failure = await self._chaos_failure(self.state.chaos)
        if failure is not None:
            extra = {"retry_after": failure.retry_after} if failure.retry_after is not None else None
            return _error(failure.status, failure.description, extra)
        problem = _html_problem(call) if call.params.get("parse_mode") == "HTML" else None
        if problem is not None:
            return _error(400, f"Bad Request: can't parse entities: {problem}")
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return _error(404, "Not Found")
        result = handler(call)
        if isinstance(result, Response):
            return result
        if method in SEND_METHODS:
            with self.state.lock:
                self.state.delivered.append(call)
        return JSONResponse({"ok": True, "result": result})

    async def _chaos_failure(self, chaos: Chaos) -> Failure | None:
        fault = chaos.pick()
        if fault == "hang":
            await asyncio.sleep(chaos.hang_seconds)
        if fault == "429":
            return Failure(429, f"Too Many Requests: retry after {chaos.retry_after}", retry_after=chaos.retry_after)
        return Failure(500, "Internal Server Error") if fault else None

    def _take_failure(self, method: str, chat_id: str | None) -> Failure | None:
        for failure in self.state.failures:
            if failure.remaining > 0 and failure.applies(method, chat_id):
                failure.remaining -= 1
                return failure
        return None

    async def _download(self, request: Request) -> Response:
        if request.path_params["token"] != self.token:
            return _error(401, "Unauthorized")
        path = request.path_params["path"]
        with self.state.lock:
            match = [content for file_path, content in self.state.files.values() if file_path == path]
        if not match:
            return _error(404, "Not Found")
        return Response(match[0], media_type="application/octet-stream")

    def _message(self, call: Call, **content: Any) -> dict[str, Any]:
        with self.state.lock:
            self.state.next_message_id += 1
            message_id = self.state.next_message_id
        chat_id = int(call.chat_id or 0)
        chat = {"id": chat_id, "type": "group" if chat_id < 0 else "private"}
        return {"message_id": message_id, "date": int(time.time()), "chat": chat, "from": BOT_USER, **content}

    def _m_getMe(self, call: Call) -> Any:
        return BOT_USER

    def _m_sendMessage(self, call: Call) -> Any:
        return self._message(call, text=call.params.get("text", ""))

    def _m_sendPhoto(self, call: Call) -> Any:
        photo = {"file_id": "sent-photo", "file_unique_id": "sent-photo-u", "width": 640, "height": 480}
        return self._message(call, photo=[photo])

    def _m_sendDocument(self, call: Call) -> Any:
        name = next((filename for filename, _data in call.files.values()), None)
        return self._message(call, document={"file_id": "sent-doc", "file_unique_id": "sent-doc-u", "file_name": name})

    def _m_answerCallbackQuery(self, call: Call) -> Any:
        return True

    def _m_editMessageReplyMarkup(self, call: Call) -> Any:
        return self._message(call, text="")

    def _m_getFile(self, call: Call) -> Any:
        file_id = str(call.params.get("file_id"))
        with self.state.lock:
            stored = self.state.files.get(file_id)
        if stored is None:
            return _error(400, "Bad Request: invalid file_id")
        path, content = stored
        return {"file_id": file_id, "file_unique_id": f"{file_id}-u", "file_size": len(content), "file_path": path}

    def _m_setWebhook(self, call: Call) -> Any:
        with self.state.lock:
            self.state.webhook = dict(call.params)
        return True

    def _m_deleteWebhook(self, call: Call) -> Any:
        with self.state.lock:
            self.state.webhook = {}
        return True

    def _m_setMyCommands(self, call: Call) -> Any:
        with self.state.lock:
            self.state.commands[str(call.params.get("language_code", ""))] = list(call.params["commands"])
        return True

    def _m_getUpdates(self, call: Call) -> Any:
        offset = int(call.params.get("offset", 0))
        with self.state.lock:
            # An offset confirms every update before it: Telegram forgets them.
            self.state.updates = [u for u in self.state.updates if u["update_id"] >= offset]
            return list(self.state.updates[: int(call.params.get("limit", 100))])


async def _read_body(request: Request) -> tuple[dict[str, Any], dict[str, tuple[str | None, bytes]]]:
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        body = await request.body()
        return (json.loads(body) if body else {}), {}
    params: dict[str, Any] = dict(request.query_params)
    files: dict[str, tuple[str | None, bytes]] = {}
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                files[key] = (value.filename, await value.read())
                params[key] = f"attach://{key}"
            else:
                params[key] = json.loads(value) if key in JSON_FIELDS else value
    return params, files


def _html_problem(call: Call) -> str | None:
    """What Telegram's HTML parser would refuse: a tag it does not know, or a bare '&' or '<'."""
    text = call.text
    for match in re.finditer(r"<(/?)([a-zA-Z-]*)[^>]*>|<|&(#?\w+;)?", text):
        if match.group(0).startswith("&"):
            if match.group(1) is None and not match.group(0).endswith(";"):
                return f"bare '&' at {match.start()}"
            continue
        if match.group(0) == "<":
            return f"bare '<' at {match.start()}"
        if match.group(2).lower() not in HTML_TAGS:
            return f'unsupported start tag "{match.group(2)}" at {match.start()}'
    return None


def _error(status: int, description: str, parameters: dict[str, Any] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return JSONResponse(body, status_code=status)
