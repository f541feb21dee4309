"""Chat turns a second: hpp-bot in three set-ups against its peers, on the same users and payloads (issue 11).

Loads, each run on freshly started processes and a fresh copy of a migrated and seeded database:
  first      N new users each send "เมนู" and get the PDPA notice;
  returning  N users who have read the notice (inserted into the database beforehand) press the main-menu
             button m:follow (LINE postback, Telegram callback_query);
  burst      R events a second for S seconds from new users, LINE and Telegram alternately, sent open loop
             (at the set times whatever the answers), with the workers running.
The first two go on LINE and on Telegram, from C concurrent senders (each sends its next event once the last
is answered). Webhooks are signed as the platforms sign them; the bot is reached only through its public
surface: the `hpp-bot` command, HTTP webhooks, and reading its database.

Set-ups: hpp-bot on SQLite in one process (`hpp-bot serve`, as `make run`); on PostgreSQL with the web process
(`hpp-bot serve --no-workers`) and one, or two, `hpp-bot worker` processes. Peers, Telegram only:
python-telegram-bot's stock stack (an Application with a ConversationHandler and PicklePersistence, one
process, updates put on its queue from a Starlette webhook, no durable inbox) with concurrent_updates off and
on; and a bare Starlette endpoint that checks the secret header and answers 200. The fake LINE and Telegram
APIs (tests/fakes) run in a process of their own and answer at once.

Figures:
  acks/s     webhook requests answered, over first send to last answer; p50/p99: each request's answer time
  turns/s    applied inbox rows over their `processed_at`, first to last (the platforms' limits play no part)
  replies/s  successful reply calls the fake API saw, first to last: LINE reply or push calls, Telegram
             sendMessage calls. hpp-bot paces Telegram itself (30 messages/s per process): Telegram rows are
             observed until the inbox is drained plus --settle seconds, not until the last reply
  answered   users who got at least one reply by then
  e2e/s      users answered over first send to the last user's first reply; only when all were answered
  token      LINE replies sent by reply token rather than push
  CPU ms/ev  CPU time of the serving processes (+ PostgreSQL's backends for the database) per event, from the
             first send until the figures are read: less disturbed than the rates by other load on the machine
  RSS        peak resident memory (VmHWM) of the serving processes, summed (web + workers)

    python -m bench turns                                  # the default run (make bench): ~20 min here
    python -m bench.turns --users 3000 --burst-setups all  # the full matrix
    python -m bench.turns --users 300 --setups sqlite --peers none --no-burst   # a quick look
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import functools
import hashlib
import hmac
import itertools
import json
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs

ROOT = Path(__file__).resolve().parents[1]
T = TypeVar("T")
LINE_SECRET = "bench-line-channel-secret"
LINE_ACCESS_TOKEN = "bench-line-access-token"
TELEGRAM_TOKEN = "123:ABC"  # what tests/fakes/telegram_api.py accepts
TELEGRAM_SECRET = "bench-telegram-webhook-secret"
TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
LINE_PATH, TELEGRAM_PATH = "/webhooks/line", "/webhooks/telegram"
LOG_PATH = "/_bench/log"  # what the fake APIs saw, served by the fakes' process
FIRST, RETURNING = "first", "returning"
MENU_WORD = "เมนู"
FOLLOW_CODE = "m:follow"
LINE_USER_TAGS = {FIRST: 0xF1257, RETURNING: 0xBAC4, "burst": 0xB0257}
TELEGRAM_USER_BASES = {FIRST: 10_000_000, RETURNING: 20_000_000, "burst": 30_000_000}
DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
ANSWER_TIMEOUT = 120.0  # seconds a webhook may take to be answered before it counts as failed


# ---------------------------------------------------------------- users and webhook payloads


def line_user(load: str, index: int) -> str:
    return f"U{LINE_USER_TAGS[load]:08x}{index:024x}"


def telegram_user(load: str, index: int) -> int:
    return TELEGRAM_USER_BASES[load] + index


@dataclass(frozen=True)
class Webhook:
    path: str
    body: bytes
    headers: tuple[tuple[str, str], ...]


def reply_token(user: str, serial: int) -> str:
    return f"rt.{user}.{serial}"


def user_of_token(token: str) -> str:
    return token.split(".")[1] if token.count(".") == 2 else token


def line_webhook(user: str, serial: int, *, postback: str | None = None) -> Webhook:
    """One LINE event (a text "เมนู", or a postback) as LINE posts it, stamped now and signed."""
    event: dict[str, Any] = {
        "type": "postback" if postback else "message",
        "mode": "active",
        "timestamp": int(time.time() * 1000),
        "source": {"type": "user", "userId": user},
        "webhookEventId": f"01BENCH{serial:019d}",
        "deliveryContext": {"isRedelivery": False},
        "replyToken": reply_token(user, serial),
    }
    if postback:
        event["postback"] = {"data": postback}
    else:
        event["message"] = {"type": "text", "id": str(serial), "quoteToken": "q", "text": MENU_WORD}
    body = json.dumps({"destination": "Ubench", "events": [event]}, ensure_ascii=False).encode()
    signature = base64.b64encode(hmac.new(LINE_SECRET.encode(), body, hashlib.sha256).digest()).decode()
    return Webhook(LINE_PATH, body, (("X-Line-Signature", signature),))


def telegram_webhook(user_id: int, serial: int, *, callback: str | None = None) -> Webhook:
    """One Telegram update (a private text "เมนู", or a button press) as the Bot API posts it."""
    sender = {"id": user_id, "is_bot": False, "first_name": "Somchai", "language_code": "th"}
    chat = {"id": user_id, "type": "private", "first_name": "Somchai"}
    update: dict[str, Any] = {"update_id": serial}
    if callback:
        update["callback_query"] = {
            "id": f"q{serial}",
            "from": sender,
            "chat_instance": f"ci{user_id}",
            "data": callback,
            "message": {
                "message_id": 77,
                "date": int(time.time()),
                "chat": chat,
                "from": {"id": 123, "is_bot": True, "first_name": "HPP Bot"},
                "text": "menu",
            },
        }
    else:
        update["message"] = {
            "message_id": serial,
            "date": int(time.time()),
            "chat": chat,
            "from": sender,
            "text": MENU_WORD,
        }
    body = json.dumps(update, ensure_ascii=False).encode()
    return Webhook(TELEGRAM_PATH, body, ((TELEGRAM_SECRET_HEADER, TELEGRAM_SECRET),))


@dataclass(frozen=True)
class Load:
    """N events of one kind on one platform: event i comes from user i."""

    kind: str  # FIRST or RETURNING
    platform: str  # line or telegram
    count: int
    first_serial: int = 1  # event i is event id / update id first_serial + i

    def user(self, index: int) -> str:
        return line_user(self.kind, index) if self.platform == "line" else str(telegram_user(self.kind, index))

    def webhook(self, index: int) -> Webhook:
        serial = index + self.first_serial
        if self.platform == "line":
            postback = FOLLOW_CODE if self.kind == RETURNING else None
            return line_webhook(line_user(self.kind, index), serial, postback=postback)
        callback = FOLLOW_CODE if self.kind == RETURNING else None
        return telegram_webhook(telegram_user(self.kind, index), serial, callback=callback)


def burst_webhook(index: int) -> Webhook:
    """The burst: new users, LINE and Telegram alternately."""
    if index % 2 == 0:
        return line_webhook(line_user("burst", index), index + 1)
    return telegram_webhook(telegram_user("burst", index), index + 1)


# ---------------------------------------------------------------- a lean HTTP/1.1 client


class HttpConnection:
    """One kept-alive HTTP/1.1 connection: a few lines of asyncio instead of a client library, so that the
    load generator, which shares the machine's cores with what it measures, costs little CPU."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def post(self, webhook: Webhook) -> int:
        """Send it and read the answer; the status, or 0 when it failed or took over ANSWER_TIMEOUT seconds.

        A kept-alive connection the server has closed meanwhile (uvicorn closes idle ones after 5 s) fails at
        once: the request goes again on a new connection, as platforms redeliver (the inbox drops repeats)."""
        head = [f"POST {webhook.path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        head += ["Content-Type: application/json", f"Content-Length: {len(webhook.body)}"]
        head += [f"{name}: {value}" for name, value in webhook.headers]
        request = ("\r\n".join(head) + "\r\n\r\n").encode() + webhook.body
        for _attempt in range(2):
            reused = self._writer is not None
            try:
                async with asyncio.timeout(ANSWER_TIMEOUT):
                    if self._writer is None:
                        self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
                    assert self._reader is not None
                    self._writer.write(request)
                    return await self._read_answer(self._reader)
            except (OSError, asyncio.IncompleteReadError, ValueError, TimeoutError) as exc:
                self.close()
                if not reused or isinstance(exc, TimeoutError):
                    return 0
        return 0

    async def _read_answer(self, reader: asyncio.StreamReader) -> int:
        lines = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {k.strip().lower(): v.strip() for k, _s, v in (line.partition(":") for line in lines[1:] if line)}
        if headers.get("transfer-encoding", "").lower() == "chunked":
            while size := int((await reader.readuntil(b"\r\n")).strip() or b"0", 16):
                await reader.readexactly(size + 2)
            await reader.readuntil(b"\r\n")
        else:
            await reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = None


@dataclass(frozen=True)
class Ack:
    sent: float  # time.time() when the request went
    seconds: float  # until its answer
    status: int


async def send_closed_loop(port: int, make: Callable[[int], Webhook], count: int, senders: int) -> list[Ack]:
    """`senders` connections, each sending its next event as soon as the last one is answered."""
    acks: list[Ack] = []
    indexes = iter(range(count))

    async def sender() -> None:
        connection = HttpConnection("127.0.0.1", port)
        for index in indexes:  # one shared iterator: the event loop hands each index out once
            webhook = make(index)
            sent, started = time.time(), time.perf_counter()
            status = await connection.post(webhook)
            acks.append(Ack(sent, time.perf_counter() - started, status))
        connection.close()

    await asyncio.gather(*(sender() for _ in range(senders)))
    return acks


async def send_open_loop(
    port: int, make: Callable[[int], Webhook], rate: float, seconds: float, in_flight: int = 512
) -> list[Ack]:
    """Event i goes at i/rate seconds, answered or not, on an idle kept-alive connection or a new one; at most
    `in_flight` unanswered at once (then the schedule slips, and the achieved rate shows it)."""
    acks: list[Ack] = []
    idle: list[HttpConnection] = []
    tasks: set[asyncio.Task[None]] = set()
    room = asyncio.Semaphore(in_flight)

    async def one(index: int) -> None:
        connection = idle.pop() if idle else HttpConnection("127.0.0.1", port)
        webhook = make(index)
        sent, started = time.time(), time.perf_counter()
        status = await connection.post(webhook)
        acks.append(Ack(sent, time.perf_counter() - started, status))
        idle.append(connection)
        room.release()

    start = time.perf_counter()
    for index in range(int(rate * seconds)):
        delay = start + index / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        await room.acquire()
        task = asyncio.create_task(one(index))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    while tasks:
        await asyncio.gather(*list(tasks))
    for connection in idle:
        connection.close()
    return acks


# ---------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def proc_status_kb(pid: int, field_name: str) -> int:
    """VmRSS (resident now) or VmHWM (peak resident) of a process, in kB; 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far; 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Process:
    """A subprocess whose output goes to a log file of its own in the run's folder."""

    numbers = itertools.count(1)

    def __init__(self, name: str, argv: list[str], *, env: dict[str, str], cwd: Path, log_folder: Path) -> None:
        self.name = name
        self.log_path = log_folder / f"{next(self.numbers):03d}-{name}.log"
        with self.log_path.open("wb") as log:
            self.popen = subprocess.Popen(argv, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)

    def peak_rss_mb(self) -> float:
        return proc_status_kb(self.popen.pid, "VmHWM") / 1024

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.popen.pid)

    def alive(self) -> bool:
        return self.popen.poll() is None

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self, timeout: float = 20.0) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()


def python_module(*args: str) -> list[str]:
    return [sys.executable, "-m", "bench.turns", *args]


def hpp_bot_command() -> str:
    """The `hpp-bot` console script of this environment (its public command line)."""
    beside = Path(sys.executable).with_name("hpp-bot")
    found = str(beside) if beside.exists() else shutil.which("hpp-bot")
    if found is None:
        raise SystemExit("bench.turns: the hpp-bot command is not installed (make install)")
    return found


def quiet_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINE_", "TELEGRAM_", "DATABASE_URL"))}
    return env | {"PYTHONUNBUFFERED": "1"} | extra


async def wait_until(check: Callable[[], Awaitable[bool]], within: float, what: str, procs: Sequence[Process]) -> None:
    deadline = time.monotonic() + within
    while not await check():
        for proc in procs:
            if not proc.alive():
                raise RuntimeError(f"{proc.name} stopped while waiting for {what}:\n{proc.log_tail()}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


async def http_get(port: int, path: str) -> tuple[int, bytes]:
    """A one-off GET on loopback (control plane: health checks, the fakes' log)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        raw = await reader.read()
    finally:
        writer.close()
    head, _sep, body = raw.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


async def healthy(port: int) -> bool:
    try:
        status, _body = await http_get(port, "/healthz")
    except (OSError, IndexError, ValueError):
        return False
    return status == 200


# ---------------------------------------------------------------- the fake platform APIs, in their own process


@dataclass(frozen=True)
class Seen:
    """One call the bot (or a peer) made to a fake platform API."""

    platform: str  # line | telegram
    call: str  # LINE: reply, push, ...; Telegram: the method
    status: int
    at: float
    to: str  # the user it went to ("" when not a reply)

    @property
    def is_reply(self) -> bool:
        sends = ("reply", "push", "sendMessage", "sendPhoto", "sendDocument")
        return self.status == 200 and self.call in sends


class Fakes:
    """The fake LINE and Telegram APIs of tests/fakes, served by `python -m bench.turns --serve fakes`."""

    def __init__(self, folder: Path) -> None:
        self.proc = Process("fakes", python_module("--serve", "fakes"), env=quiet_env(), cwd=ROOT, log_folder=folder)
        self.line_url = self.telegram_url = ""
        self._seen: dict[str, list[Seen]] = {"line": [], "telegram": []}

    async def start(self) -> None:
        deadline = time.monotonic() + 30
        while not self.line_url:
            lines = self.proc.log_path.read_text(errors="replace").splitlines()
            urls = next((json.loads(line) for line in lines if line.startswith("{")), None)
            if urls is not None:
                self.line_url, self.telegram_url = urls["line"], urls["telegram"]
            elif not self.proc.alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the fake APIs did not start:\n{self.proc.log_tail()}")
            else:
                await asyncio.sleep(0.05)

    async def seen(self) -> list[Seen]:
        """Every call so far; only the new notes are fetched, so asking often costs the fakes little."""
        for platform, url in (("line", self.line_url), ("telegram", self.telegram_url)):
            known = self._seen[platform]
            _status, body = await http_get(int(url.rsplit(":", 1)[1]), f"{LOG_PATH}?since={len(known)}")
            for call, status, at, to in json.loads(body):
                known.append(Seen(platform, call, int(status), float(at), user_of_token(to)))
        return self._seen["line"] + self._seen["telegram"]

    def stop(self) -> None:
        self.proc.stop()


@contextlib.asynccontextmanager
async def fakes_running(folder: Path) -> AsyncIterator[Fakes]:
    fakes = Fakes(folder)
    try:
        await fakes.start()
        yield fakes
    finally:
        fakes.stop()


class Recorder:
    """ASGI middleware for a fake API: notes each call (what, status, when, to whom) and serves the notes."""

    def __init__(self, app: Any, *, notes: list[list[Any]], describe: Callable[[str, bytes], tuple[str, str]]) -> None:
        self.app, self.notes, self.describe = app, notes, describe

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] == LOG_PATH:
            from starlette.responses import JSONResponse

            since = int(parse_qs(scope["query_string"].decode()).get("since", ["0"])[0])
            await JSONResponse(self.notes[since:])(scope, receive, send)
            return
        chunks: list[bytes] = []
        status = [0]

        async def tee() -> Any:
            message = await receive()
            if message["type"] == "http.request":
                chunks.append(message.get("body", b""))
            return message

        async def watch(message: Any) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        await self.app(scope, tee, watch)
        call, to = self.describe(scope["path"], b"".join(chunks))
        self.notes.append([call, status[0], time.time(), to])


def describe_line_call(path: str, body: bytes) -> tuple[str, str]:
    call = path.rstrip("/").rsplit("/", 1)[-1]
    if call not in ("reply", "push"):
        return call, ""
    data = json.loads(body or b"{}")
    return call, str(data.get("replyToken") or data.get("to") or "")


def describe_telegram_call(path: str, body: bytes) -> tuple[str, str]:
    method = path.rsplit("/", 1)[-1]
    if not method.startswith("send"):
        return method, ""
    text = body.decode("utf-8", errors="replace")
    try:
        chat = json.loads(text).get("chat_id") if text.startswith("{") else parse_qs(text).get("chat_id", [""])[0]
    except ValueError:
        chat = ""
    return method, str(chat or "")


def serve_fakes() -> None:
    """`--serve fakes`: both fake APIs, each in its own thread, until SIGTERM; prints their URLs first."""
    from tests.fakes.line_api import FakeLineApi
    from tests.fakes.telegram_api import FakeTelegramApi

    line, telegram = FakeLineApi(), FakeTelegramApi(TELEGRAM_TOKEN)
    line.app.add_middleware(Recorder, notes=[], describe=describe_line_call)
    telegram.app.add_middleware(Recorder, notes=[], describe=describe_telegram_call)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with line, telegram:
        print(json.dumps({"line": line.url, "telegram": telegram.url}), flush=True)
        while not stop.wait(0.5):
            pass


# ---------------------------------------------------------------- the peers


PEER_NOTICE = (
    "ก่อนเริ่มใช้งาน: การคุ้มครองข้อมูลส่วนบุคคลของท่าน (พ.ร.บ. คุ้มครองข้อมูลส่วนบุคคล พ.ศ. 2562)\n"
    "• ข้อมูลที่เก็บ: ชื่อและรหัสผู้ใช้ในแชต และสิ่งที่ท่านส่งมา\n"
    "• วัตถุประสงค์: เพื่อส่งเรื่องของท่านให้หน่วยงานที่รับผิดชอบ และแจ้งความคืบหน้าให้ท่านทราบ\n"
    "• ระยะเวลาเก็บ: 5 ปีนับจากวันที่ปิดเรื่องล่าสุดของท่าน\n"
    "• ผู้ที่เห็นข้อมูล: เจ้าหน้าที่ของจังหวัดและหน่วยงานที่รับผิดชอบเรื่องของท่านเท่านั้น"
)
PEER_CONSENT = "ความยินยอมข้อ 1 จาก 2 (ไม่บังคับ): ท่านยินยอมให้หน่วยงานที่รับเรื่องโทรศัพท์สอบถามรายละเอียดหรือไม่"
PEER_NO_TICKETS = "ท่านยังไม่เคยแจ้งเรื่องร้องเรียน หากต้องการค้นหาเรื่อง พิมพ์เลขที่เรื่อง (เช่น CRI-69-00042)"
PEER_MENU = (("m:complain", "แจ้งเรื่องร้องเรียน"), ("m:follow", "ติดตามเรื่อง"), ("m:agenda", "ประเด็นของจังหวัด"))


def serve_ptb(port: int, api_url: str, state: Path, concurrent: bool) -> None:
    """`--serve ptb`: python-telegram-bot's custom-webhook example shape: a Starlette endpoint puts each update
    on the Application's queue; a persistent ConversationHandler answers, PicklePersistence keeps the state."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse, Response
    from starlette.routing import Route
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
    from telegram.ext import (
        Application,
        CallbackQueryHandler,
        CommandHandler,
        ContextTypes,
        ConversationHandler,
        MessageHandler,
        PicklePersistence,
        filters,
    )
    from telegram.warnings import PTBUserWarning

    warnings.filterwarnings("ignore", message=".*per_message=False.*", category=PTBUserWarning)
    consent_step = 1
    consent_buttons = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("ยินยอม", callback_data="pdpa:yes"),
                InlineKeyboardButton("ไม่ยินยอม", callback_data="pdpa:no"),
            ]
        ]
    )
    menu_buttons = InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=code)] for code, label in PEER_MENU]
    )

    async def first_contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        """A first message: the notice, then the first optional consent."""
        assert update.effective_chat is not None and context.user_data is not None
        context.user_data["notice_shown_at"] = time.time()
        await update.effective_chat.send_message(PEER_NOTICE)
        await update.effective_chat.send_message(PEER_CONSENT, reply_markup=consent_buttons)
        return consent_step

    async def follow(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        """The main menu's follow button: stop the spinner, drop the old keyboard, list the person's tickets."""
        query = update.callback_query
        assert query is not None and update.effective_chat is not None and context.user_data is not None
        context.user_data["last_seen_at"] = time.time()
        await query.answer()
        await query.edit_message_reply_markup(None)
        await update.effective_chat.send_message(PEER_NO_TICKETS, reply_markup=menu_buttons)
        return ConversationHandler.END

    async def consent(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        query = update.callback_query
        assert query is not None and update.effective_chat is not None and context.user_data is not None
        context.user_data["consent"] = query.data
        await query.answer()
        await update.effective_chat.send_message("ขอบคุณ", reply_markup=menu_buttons)
        return ConversationHandler.END

    async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        return ConversationHandler.END

    application = (
        Application.builder()
        .token(TELEGRAM_TOKEN)
        .base_url(f"{api_url}/bot")
        .base_file_url(f"{api_url}/file/bot")
        .updater(None)
        .persistence(PicklePersistence(filepath=state / "ptb-state.pickle"))
        .concurrent_updates(concurrent)
        .build()
    )
    application.add_handler(
        ConversationHandler(
            entry_points=[
                MessageHandler(filters.TEXT & ~filters.COMMAND, first_contact),
                CallbackQueryHandler(follow, pattern=f"^{FOLLOW_CODE}$"),
            ],
            states={consent_step: [CallbackQueryHandler(consent, pattern="^pdpa:")]},
            fallbacks=[CommandHandler("cancel", cancel)],
            name="turns",
            persistent=True,
        )
    )

    async def webhook(request: Request) -> Response:
        given = request.headers.get(TELEGRAM_SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), TELEGRAM_SECRET.encode()):
            return Response(status_code=403)
        await application.update_queue.put(Update.de_json(await request.json(), application.bot))
        return Response()

    async def health(request: Request) -> Response:
        return PlainTextResponse("ok")

    routes = [Route(TELEGRAM_PATH, webhook, methods=["POST"]), Route("/healthz", health)]
    server = uvicorn.Server(
        uvicorn.Config(Starlette(routes=routes), host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )

    async def run() -> None:
        async with application:
            await application.start()
            await server.serve()
            await application.stop()

    asyncio.run(run())


def serve_bare(port: int) -> None:
    """`--serve bare`: a Starlette endpoint that checks Telegram's secret header, reads the body, answers 200."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse, Response
    from starlette.routing import Route

    async def webhook(request: Request) -> Response:
        given = request.headers.get(TELEGRAM_SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), TELEGRAM_SECRET.encode()):
            return Response(status_code=403)
        await request.body()
        return Response()

    async def health(request: Request) -> Response:
        return PlainTextResponse("ok")

    routes = [Route(TELEGRAM_PATH, webhook, methods=["POST"]), Route("/healthz", health)]
    uvicorn.run(Starlette(routes=routes), host="127.0.0.1", port=port, log_level="warning", access_log=False)


# ---------------------------------------------------------------- databases


def sqlalchemy_to_asyncpg(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def with_database(url: str, name: str) -> str:
    base, _slash, rest = url.rpartition("/")
    query = rest.partition("?")[2]
    return f"{base}/{name}" + (f"?{query}" if query else "")


def returning_people(count: int) -> list[tuple[str, str]]:
    """(channel, platform user id) of the returning users, on both platforms."""
    line = [("line", line_user(RETURNING, i)) for i in range(count)]
    telegram = [("telegram", str(telegram_user(RETURNING, i))) for i in range(count)]
    return line + telegram


IDLE_CONVERSATION = json.dumps({"flow": {}, "offered": {}, "last": [], "deferred": None})
PEOPLE_COLUMNS = "channel, platform_user_id, chat_id, locale, role, is_reachable, pdpa_notice_at, created_at"


class Databases:
    """Where a set-up's databases come from: a template migrated and seeded once by `hpp-bot db upgrade` and
    `hpp-bot seed`, with the returning users added; each run gets a fresh copy of it."""

    backend = ""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def prepare(self, returning: int) -> None:
        raise NotImplementedError

    async def fresh(self) -> str:
        raise NotImplementedError

    async def discard(self, url: str) -> None:
        raise NotImplementedError

    async def inbox(self, url: str) -> tuple[dict[str, int], list[float]]:
        """Inbox rows by status, and the `processed_at` (epoch seconds) of the applied ones."""
        raise NotImplementedError

    async def server_cpu(self, url: str) -> dict[int, float]:
        """CPU seconds so far of the database server's processes serving `url` (none for SQLite: in process)."""
        return {}

    async def close(self) -> None:
        pass

    def migrate_and_seed(self, url: str) -> None:
        env = quiet_env(DATABASE_URL=url, LOG_LEVEL="WARNING")
        for args in (["db", "upgrade"], ["seed"]):
            done = subprocess.run(
                [hpp_bot_command(), *args], env=env, cwd=self.folder, capture_output=True, text=True, check=False
            )
            if done.returncode != 0:
                raise RuntimeError(f"hpp-bot {' '.join(args)} failed:\n{done.stdout}{done.stderr}")


class SqliteDatabases(Databases):
    backend = "sqlite"

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self.template = folder / "template.db"
        self._copies = itertools.count(1)

    async def prepare(self, returning: int) -> None:
        await asyncio.to_thread(self._prepare, returning)

    def _prepare(self, returning: int) -> None:
        self.migrate_and_seed(f"sqlite+aiosqlite:///{self.template}")
        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        people = returning_people(returning)
        with contextlib.closing(sqlite3.connect(self.template)) as conn, conn:
            conn.executemany(
                f"INSERT INTO people ({PEOPLE_COLUMNS}) VALUES (?, ?, ?, 'th', 'citizen', 1, ?, ?)",
                [(channel, user, user, now, now) for channel, user in people],
            )
            conn.executemany(
                "INSERT INTO conversations (channel, user_id, data, version, updated_at) VALUES (?, ?, ?, 1, ?)",
                [(channel, user, IDLE_CONVERSATION, now) for channel, user in people],
            )
        with contextlib.closing(sqlite3.connect(self.template)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    async def fresh(self) -> str:
        path = self.folder / f"run-{next(self._copies)}.db"
        shutil.copyfile(self.template, path)
        return f"sqlite+aiosqlite:///{path}"

    async def discard(self, url: str) -> None:
        remove_sqlite_files(url.removeprefix("sqlite+aiosqlite:///"))

    async def inbox(self, url: str) -> tuple[dict[str, int], list[float]]:
        path = url.removeprefix("sqlite+aiosqlite:///")
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)) as conn:
            counts = dict(conn.execute("SELECT status, count(*) FROM inbox GROUP BY status").fetchall())
            stamps = conn.execute("SELECT processed_at FROM inbox WHERE status = 'done'").fetchall()
        return counts, [epoch(stamp) for (stamp,) in stamps if stamp]


def remove_sqlite_files(path: str) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def epoch(value: str | datetime) -> float:
    stamp = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return (stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)).timestamp()


class PostgresDatabases(Databases):
    """Databases named hpp_bench_<pid>_<random>_*, created on the server at `admin_url` and dropped at the end."""

    backend = "postgres"

    def __init__(self, folder: Path, admin_url: str) -> None:
        super().__init__(folder)
        self.admin_url = admin_url
        self.prefix = f"hpp_bench_{os.getpid()}_{secrets.token_hex(3)}"
        self.template = f"{self.prefix}_template"
        self._copies = itertools.count(1)
        self._created: list[str] = []

    async def _admin(self, *statements: str) -> None:
        import asyncpg

        conn = await asyncpg.connect(sqlalchemy_to_asyncpg(self.admin_url), timeout=10)
        try:
            for statement in statements:
                await conn.execute(statement)
        finally:
            await conn.close()

    async def reachable(self) -> str | None:
        """None when the server answers, else why not."""
        try:
            await self._admin("SELECT 1")
        except Exception as exc:
            return f"{type(exc).__name__}: {exc}"
        return None

    async def prepare(self, returning: int) -> None:
        import asyncpg

        await self._admin(f'CREATE DATABASE "{self.template}"')
        self._created.append(self.template)
        url = with_database(self.admin_url, self.template)
        await asyncio.to_thread(self.migrate_and_seed, url)
        now = datetime.now(UTC)
        people = returning_people(returning)
        conn = await asyncpg.connect(sqlalchemy_to_asyncpg(url), timeout=10)
        try:
            await conn.executemany(
                f"INSERT INTO people ({PEOPLE_COLUMNS}) VALUES ($1, $2, $3, 'th', 'citizen', true, $4, $4)",
                [(channel, user, user, now) for channel, user in people],
            )
            await conn.executemany(
                "INSERT INTO conversations (channel, user_id, data, version, updated_at) VALUES ($1, $2, $3, 1, $4)",
                [(channel, user, IDLE_CONVERSATION, now) for channel, user in people],
            )
        finally:
            await conn.close()

    async def fresh(self) -> str:
        name = f"{self.prefix}_{next(self._copies)}"
        await self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        self._created.append(name)
        return with_database(self.admin_url, name)

    async def discard(self, url: str) -> None:
        name = url.rpartition("/")[2].partition("?")[0]
        await self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if name in self._created:
            self._created.remove(name)

    async def inbox(self, url: str) -> tuple[dict[str, int], list[float]]:
        import asyncpg

        conn = await asyncpg.connect(sqlalchemy_to_asyncpg(url), timeout=10)
        try:
            counts = {r[0]: int(r[1]) for r in await conn.fetch("SELECT status, count(*) FROM inbox GROUP BY status")}
            stamps = await conn.fetch("SELECT processed_at FROM inbox WHERE status = 'done'")
        finally:
            await conn.close()
        return counts, [epoch(r[0]) for r in stamps if r[0] is not None]

    async def server_cpu(self, url: str) -> dict[int, float]:
        import asyncpg

        name = url.rpartition("/")[2].partition("?")[0]
        conn = await asyncpg.connect(sqlalchemy_to_asyncpg(self.admin_url), timeout=10)
        try:
            rows = await conn.fetch("SELECT pid FROM pg_stat_activity WHERE datname = $1", name)
        finally:
            await conn.close()
        return {int(r[0]): cpu_seconds(int(r[0])) for r in rows}

    async def close(self) -> None:
        for name in list(self._created):
            await self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._created.clear()


# ---------------------------------------------------------------- what runs: hpp-bot set-ups and peers


def bot_env(url: str, port: int, line_url: str, telegram_url: str, **extra: str) -> dict[str, str]:
    """The environment of an `hpp-bot` process serving on `port`, talking to fake LINE and Telegram APIs."""
    return quiet_env(
        DATABASE_URL=url,
        PORT=str(port),
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        LINE_CHANNEL_SECRET=LINE_SECRET,
        LINE_CHANNEL_ACCESS_TOKEN=LINE_ACCESS_TOKEN,
        LINE_API_BASE_URL=line_url,
        TELEGRAM_BOT_TOKEN=TELEGRAM_TOKEN,
        TELEGRAM_WEBHOOK_SECRET=TELEGRAM_SECRET,
        TELEGRAM_API_BASE_URL=telegram_url,
        SIMULATOR="off",
        **extra,
    )


@dataclass(frozen=True)
class BotSetup:
    key: str
    label: str
    backend: str  # sqlite | postgres
    workers: int  # 0: the workers run in the web process

    def bot_env(self, url: str, port: int, fakes: Fakes, log_level: str) -> dict[str, str]:
        return bot_env(url, port, fakes.line_url, fakes.telegram_url, LOG_LEVEL=log_level)

    def start(self, url: str, port: int, fakes: Fakes, folder: Path, log_level: str) -> list[Process]:
        env = self.bot_env(url, port, fakes, log_level)
        command = hpp_bot_command()
        serve = [command, "serve"] if self.workers == 0 else [command, "serve", "--no-workers"]
        procs = [Process(f"{self.key}-web", serve, env=env, cwd=folder, log_folder=folder)]
        for number in range(1, self.workers + 1):
            procs.append(
                Process(f"{self.key}-worker{number}", [command, "worker"], env=env, cwd=folder, log_folder=folder)
            )
        return procs


BOT_SETUPS = {
    "sqlite": BotSetup("sqlite", "hpp-bot SQLite, 1 process", "sqlite", 0),
    "pg1": BotSetup("pg1", "hpp-bot PG, web + 1 worker", "postgres", 1),
    "pg2": BotSetup("pg2", "hpp-bot PG, web + 2 workers", "postgres", 2),
}


@dataclass(frozen=True)
class Peer:
    key: str
    label: str
    serve: tuple[str, ...]  # the --serve arguments
    answers: bool  # sends replies

    def start(self, port: int, fakes: Fakes, folder: Path, state: Path) -> list[Process]:
        args = ["--serve", *self.serve, "--port", str(port), "--api-url", fakes.telegram_url, "--state", str(state)]
        return [Process(f"peer-{self.key}", python_module(*args), env=quiet_env(), cwd=ROOT, log_folder=folder)]


PEERS = {
    "ptb": Peer("ptb", "PTB ConversationHandler, sequential", ("ptb",), True),
    "ptb-concurrent": Peer("ptb-concurrent", "PTB ConversationHandler, concurrent", ("ptb", "--concurrent"), True),
    "bare": Peer("bare", "bare Starlette, secret check + 200", ("bare",), False),
}


# ---------------------------------------------------------------- figures


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def rate(count: int, span: float) -> float:
    return count / span if span > 0 else float("nan")


def first_to_last(times: Sequence[float]) -> float:
    """Events a second from the first to the last time: (n - 1) intervals over the span."""
    if len(times) < 2:
        return float("nan")
    return (len(times) - 1) / (max(times) - min(times))


@dataclass
class Cpu:
    """CPU seconds the serving processes (and, on PostgreSQL, the server's processes for the database) used
    from the first event sent until the figures were read: a figure the other load on the machine cannot inflate
    the way it can slow the rates."""

    processes: float = 0.0
    database: float = 0.0
    each: list[float] = field(default_factory=list)  # per process (web, workers), when there are several

    def cell(self, events: int) -> str:
        if not events:
            return "–"
        own = f"{1000 * self.processes / events:.1f}"
        if len(self.each) > 1:
            own += " (" + "+".join(f"{1000 * seconds / events:.1f}" for seconds in self.each) + ")"
        return own if not self.database else f"{own} +{1000 * self.database / events:.1f} db"


@dataclass
class CpuMeter:
    procs: Sequence[Process]
    db: Databases | None = None
    url: str = ""
    _procs: list[float] = field(default_factory=list)
    _db: dict[int, float] = field(default_factory=dict)

    async def start(self) -> None:
        self._procs = [p.cpu_seconds() for p in self.procs]
        self._db = await self.db.server_cpu(self.url) if self.db else {}

    async def read(self) -> Cpu:
        now = await self.db.server_cpu(self.url) if self.db else {}
        database = sum(max(0.0, seconds - self._db.get(pid, 0.0)) for pid, seconds in now.items())
        each = [p.cpu_seconds() - before for p, before in zip(self.procs, self._procs, strict=True)]
        return Cpu(sum(each), database, each)


@dataclass
class Row:
    setup: str
    platform: str
    load: str
    events: int
    acks: list[Ack]
    applied_times: list[float] | None  # None: no inbox (peers)
    failed: int
    replies: list[Seen]  # successful reply calls to the load's users
    users: set[str]
    rss_mb: list[float]
    cpu: Cpu
    note: str = ""
    key: str = ""  # the set-up's key (pg1, pg2, ...); "" for the peers
    busy_cores: float | None = None  # the whole machine's, from the first send until the inbox drained

    def ok_acks(self) -> list[Ack]:
        return [a for a in self.acks if a.status == 200]

    def cells(self) -> list[str]:
        acks = self.ok_acks()
        first_send = min((a.sent for a in self.acks), default=0.0)
        last_ack = max((a.sent + a.seconds for a in acks), default=0.0)
        latencies = [a.seconds * 1000 for a in acks]
        first_reply: dict[str, float] = {}
        for seen in sorted(self.replies, key=lambda s: s.at):
            first_reply.setdefault(seen.to, seen.at)
        answered = len(first_reply)
        e2e = rate(answered, max(first_reply.values()) - first_send) if answered == len(self.users) else None
        line = [s for s in self.replies if s.platform == "line"]
        by_token = sum(1 for s in line if s.call == "reply")
        failed = f" ({self.failed} failed)" if self.failed else ""
        return [
            self.setup,
            self.platform,
            self.load,
            str(self.events),
            f"{rate(len(acks), last_ack - first_send):.0f}"
            + ("" if len(acks) == self.events else f" ({not_acked(self.acks)})"),
            f"{percentile(latencies, 0.50):.1f}",
            f"{percentile(latencies, 0.99):.1f}",
            "–" if self.applied_times is None else f"{first_to_last(self.applied_times):.0f}{failed}",
            f"{first_to_last([s.at for s in self.replies]):.0f}" if self.replies else "–",
            f"{100 * answered / len(self.users):.0f}%" if self.replies or self.applied_times is not None else "–",
            "–" if e2e is None else f"{e2e:.0f}",
            f"{100 * by_token / len(line):.0f}%" if line else "–",
            self.cpu.cell(self.events),
            "–" if self.busy_cores is None else f"{self.busy_cores:.1f}",
            rss_cell(self.rss_mb),
        ]

    def turns_per_second(self) -> float | None:
        return None if self.applied_times is None else first_to_last(self.applied_times)


def busy_jiffies() -> tuple[int, int] | None:
    """The machine's busy and total CPU time so far (Linux /proc/stat), or None where there is none."""
    try:
        fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields) - idle, sum(fields)


def busy_cores(before: tuple[int, int] | None, after: tuple[int, int] | None) -> float | None:
    """How many of the machine's cores were busy between the two readings, on average."""
    if before is None or after is None or after[1] <= before[1]:
        return None
    return (os.cpu_count() or 1) * (after[0] - before[0]) / (after[1] - before[1])


def scaling_lines(rows: Sequence[Row]) -> list[str]:
    """PostgreSQL's two workers against one, per load, beside the most this machine allows: its cores over the
    cores the one-worker run kept busy (every process of the run shares them: web, workers, PostgreSQL, fakes,
    the load itself)."""
    by_key = {(row.key, row.platform, row.load): row for row in rows}
    lines = []
    for (key, platform, load), one in by_key.items():
        two = by_key.get(("pg2", platform, load))
        if key != "pg1" or two is None:
            continue
        r1, r2 = one.turns_per_second(), two.turns_per_second()
        if not r1 or not r2:
            continue
        line = f"  {platform} {load}: ×{r2 / r1:.2f} ({r2:.0f} / {r1:.0f} turns/s)"
        if one.busy_cores:
            cores = os.cpu_count() or 1
            ceiling = cores / one.busy_cores
            line += f"; one worker's run kept {one.busy_cores:.1f} of {cores} cores busy: ceiling ×{ceiling:.2f}"
        lines.append(line)
    return lines


def not_acked(acks: Sequence[Ack]) -> str:
    """The answers other than 200, e.g. "60 × 500" (0: no answer, or none within ANSWER_TIMEOUT)."""
    statuses = Counter(a.status for a in acks if a.status != 200)
    return ", ".join(f"{count} × {status or 'none'}" for status, count in sorted(statuses.items()))


def rss_cell(values: Sequence[float]) -> str:
    total = f"{sum(values):.0f}"
    return total if len(values) < 2 else f"{total} ({'+'.join(f'{v:.0f}' for v in values)})"


ROW_HEADERS = [
    "set-up", "channel", "load", "events", "acks/s", "p50 ms", "p99 ms", "turns/s", "replies/s", "answered",
    "e2e/s", "token", "CPU ms/ev", "busy", "RSS MB",
]  # fmt: skip


@dataclass
class BurstResult:
    setup: str
    planned_rate: float
    seconds: float
    acks: list[Ack]
    counts: dict[str, int]
    applied_times: list[float]
    drain_seconds: float | None  # from the last send until every event was applied; None: not within the wait
    replies: list[Seen]
    rss_mb: list[float]
    cpu: Cpu

    def cells(self) -> list[str]:
        acks = [a for a in self.acks if a.status == 200]
        span = max(a.sent for a in self.acks) - min(a.sent for a in self.acks) if self.acks else 0.0
        latencies = [a.seconds * 1000 for a in acks]
        applied = self.counts.get("done", 0)
        line = [s for s in self.replies if s.platform == "line"]
        by_token = sum(1 for s in line if s.call == "reply")
        drained = "no" if self.drain_seconds is None else f"+{self.drain_seconds:.0f} s"
        return [
            self.setup,
            f"{len(self.acks)} in {span:.0f} s",
            f"{rate(len(self.acks) - 1, span):.0f}",
            f"{percentile(latencies, 0.50):.1f}",
            f"{percentile(latencies, 0.99):.1f}",
            f"{applied}/{len(acks)}"
            + (f" ({self.counts['failed']} failed)" if self.counts.get("failed") else "")
            + (f" ({not_acked(self.acks)})" if len(acks) < len(self.acks) else ""),
            drained,
            f"{first_to_last(self.applied_times):.0f}",
            f"{100 * by_token / len(line):.0f}% of {len(line)}" if line else "–",
            self.cpu.cell(len(self.acks)),
            rss_cell(self.rss_mb),
        ]


BURST_HEADERS = [
    "set-up", "events", "sent/s", "p50 ms", "p99 ms", "applied/acked", "all applied", "turns/s", "LINE token",
    "CPU ms/ev", "RSS MB",
]  # fmt: skip


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(headers[i]), *(len(r[i]) for r in rows)) for i in range(len(headers))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i < 3 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)])


# ---------------------------------------------------------------- one run


@dataclass
class Options:
    users: int
    concurrency: int
    settle: float
    drain_timeout: float
    log_level: str
    folder: Path
    burst_rate: float
    burst_seconds: float
    verbose: bool = True
    databases: dict[str, Databases] = field(default_factory=dict)
    profile: Path | None = None  # py-spy's collapsed stacks of each served process go here


def say(options: Options, text: str) -> None:
    if options.verbose:
        print(f"  {time.strftime('%H:%M:%S')} {text}", flush=True)


@contextlib.asynccontextmanager
async def stopping(procs: list[Process]) -> AsyncIterator[list[Process]]:
    """Stop the processes however the block ends."""
    try:
        yield procs
    finally:
        for proc in procs:
            proc.stop()


@contextlib.asynccontextmanager
async def bot_running(setup: BotSetup, url: str, fakes: Fakes, options: Options) -> AsyncIterator[BotProcesses]:
    """The set-up's processes, once the web process answers /healthz and every process has started its Telegram
    channel (each says getMe to the fake once)."""
    port = free_port()
    async with stopping(setup.start(url, port, fakes, options.folder, options.log_level)) as procs:
        await wait_until(lambda: healthy(port), 60, f"{setup.key} to answer /healthz", procs)

        async def telegram_started() -> bool:
            return sum(1 for s in await fakes.seen() if s.call == "getMe") >= len(procs)

        await wait_until(telegram_started, 60, f"{setup.key} to start its Telegram channel", procs)
        with profiled(procs, options.profile):
            yield BotProcesses(procs, port)


@contextlib.contextmanager
def profiled(procs: Sequence[Process], folder: Path | None) -> Iterator[None]:
    """With a folder, py-spy samples each process while the block runs and writes its collapsed stacks there
    (one file a process; `py-spy` must be installed beside this Python)."""
    if folder is None:
        yield
        return
    py_spy = Path(sys.executable).with_name("py-spy")
    folder.mkdir(parents=True, exist_ok=True)
    spies = [
        subprocess.Popen(
            [str(py_spy), "record", "--pid", str(p.popen.pid), "--rate", "250", "--format", "raw", "--nonblocking",
             "--output", str(folder / f"{p.log_path.stem}.txt")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for p in procs
    ]  # fmt: skip
    try:
        yield
    finally:
        for spy in spies:
            spy.send_signal(signal.SIGINT)  # py-spy writes its output when interrupted
        for spy in spies:
            spy.wait(timeout=60)


@dataclass(frozen=True)
class BotProcesses:
    procs: list[Process]
    port: int

    def peak_rss_mb(self) -> list[float]:
        return [p.peak_rss_mb() for p in self.procs]


async def wait_applied(db: Databases, url: str, expected: int, within: float, procs: Sequence[Process]) -> float | None:
    """Until the inbox holds `expected` rows, none pending; the time it happened, or None after `within` s."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        counts, _times = await db.inbox(url)
        if sum(counts.values()) >= expected and counts.get("pending", 0) == 0:
            return time.time()
        if not all(p.alive() for p in procs):
            raise RuntimeError("a bot process stopped:\n" + "\n".join(p.log_tail() for p in procs if not p.alive()))
        await asyncio.sleep(0.2)
    return None


async def wait_answered(
    fakes: Fakes, users: set[str], until: float, *, quiet: float = 0.0, silence: float | None = None
) -> list[Seen]:
    """Replies to `users` until each got one, or the time `until` (epoch). With `quiet`, also until no reply
    came for that long (the peers send two messages for a first contact); with `silence`, give up once no reply
    came for that long."""
    started = time.time()
    while True:
        replies = [s for s in await fakes.seen() if s.is_reply and s.to in users]
        last = max((s.at for s in replies), default=started)
        now = time.time()
        everyone = {s.to for s in replies} >= users
        if (everyone and now - last >= quiet) or now >= until or (silence is not None and now - last >= silence):
            return replies
        await asyncio.sleep(0.25)


async def run_bot_load(setup: BotSetup, load: Load, options: Options) -> Row:
    db = options.databases[setup.backend]
    url = await db.fresh()
    users = {load.user(i) for i in range(load.count)}
    try:
        async with fakes_running(options.folder) as fakes, bot_running(setup, url, fakes, options) as bot:
            say(options, f"{setup.key} {load.platform} {load.kind}: sending {load.count} events")
            meter = CpuMeter(bot.procs, db, url)
            await meter.start()
            machine_before = busy_jiffies()
            acks = await send_closed_loop(bot.port, load.webhook, load.count, options.concurrency)
            ok = sum(1 for a in acks if a.status == 200)
            drained = await wait_applied(db, url, ok, options.drain_timeout, bot.procs)
            busy = busy_cores(machine_before, busy_jiffies())
            # LINE replies go at once; hpp-bot paces Telegram at 30 messages/s: watch it for --settle s more.
            wait = 60.0 if load.platform == "line" else options.settle
            replies = await wait_answered(fakes, users, (drained or time.time()) + wait)
            cpu = await meter.read()
            counts, applied_times = await db.inbox(url)
            rss = bot.peak_rss_mb()
    finally:
        await db.discard(url)
    note = "" if drained is not None else f"not drained in {options.drain_timeout:.0f} s"
    failed = counts.get("failed", 0)
    return Row(
        setup.label, load.platform, load.kind, load.count, acks, applied_times, failed, replies, users, rss, cpu, note,
        key=setup.key, busy_cores=busy,
    )  # fmt: skip


async def run_peer_load(peer: Peer, load: Load, options: Options) -> Row:
    users = {load.user(i) for i in range(load.count)}
    state = options.folder / f"{peer.key}-state-{secrets.token_hex(3)}"  # every run starts with no saved state
    state.mkdir()
    async with fakes_running(options.folder) as fakes:
        port = free_port()
        async with stopping(peer.start(port, fakes, options.folder, state)) as procs:
            await wait_until(lambda: healthy(port), 60, f"{peer.key} to answer /healthz", procs)
            say(options, f"{peer.key} {load.platform} {load.kind}: sending {load.count} events")
            meter = CpuMeter(procs)
            await meter.start()
            started = time.monotonic()
            acks = await send_closed_loop(port, load.webhook, load.count, options.concurrency)
            replies: list[Seen] = []
            if peer.answers:
                until = time.time() + options.drain_timeout
                replies = await wait_answered(fakes, users, until, quiet=2.0, silence=120.0)
            cpu = await meter.read()
            rss = [p.peak_rss_mb() for p in procs]
            seconds = time.monotonic() - started
    note = ""
    if peer.answers:  # PicklePersistence saves every 60 s (update_interval): say whether this run included a save
        saved = any(state.iterdir())
        note = f"PicklePersistence {'saved its file' if saved else 'had not saved yet'} ({seconds:.0f} s run)"
    return Row(peer.label, load.platform, load.kind, load.count, acks, None, 0, replies, users, rss, cpu, note)


async def run_burst(setup: BotSetup, options: Options) -> BurstResult:
    db = options.databases[setup.backend]
    url = await db.fresh()
    total = int(options.burst_rate * options.burst_seconds)
    users = {line_user("burst", i) if i % 2 == 0 else str(telegram_user("burst", i)) for i in range(total)}
    try:
        async with fakes_running(options.folder) as fakes, bot_running(setup, url, fakes, options) as bot:
            say(options, f"{setup.key} burst: {options.burst_rate:.0f} events/s for {options.burst_seconds:.0f} s")
            meter = CpuMeter(bot.procs, db, url)
            await meter.start()
            acks = await send_open_loop(bot.port, burst_webhook, options.burst_rate, options.burst_seconds)
            write_acks(options.folder / f"burst-acks-{setup.key}.csv", acks)
            last_send = max(a.sent for a in acks)
            ok = sum(1 for a in acks if a.status == 200)
            drained = await wait_applied(db, url, ok, options.drain_timeout, bot.procs)
            line_users = {u for u in users if u.startswith("U")}
            await wait_answered(fakes, line_users, (drained or time.time()) + 60)
            replies = [s for s in await fakes.seen() if s.is_reply and s.to in users]
            cpu = await meter.read()
            counts, applied_times = await db.inbox(url)
            rss = bot.peak_rss_mb()
    finally:
        await db.discard(url)
    drain = None if drained is None else max(0.0, drained - last_send)
    return BurstResult(
        setup.label, options.burst_rate, options.burst_seconds, acks, counts, applied_times, drain, replies, rss, cpu
    )


def write_acks(path: Path, acks: Sequence[Ack]) -> None:
    """Each request's send time (seconds into the burst), answer time and status: kept with --keep, to see when
    the slow answers came."""
    first = min((ack.sent for ack in acks), default=0.0)
    lines = [
        f"{ack.sent - first:.4f},{ack.seconds * 1000:.2f},{ack.status}" for ack in sorted(acks, key=lambda a: a.sent)
    ]
    path.write_text("sent_s,answer_ms,status\n" + "\n".join(lines) + "\n")


# ---------------------------------------------------------------- the whole run


def choose(value: str, known: Sequence[str], what: str) -> list[str]:
    if value in ("all", ""):
        return list(known)
    if value == "none":
        return []
    chosen = [part.strip() for part in value.split(",") if part.strip()]
    unknown = [c for c in chosen if c not in known]
    if unknown:
        raise SystemExit(f"bench.turns: unknown {what}: {', '.join(unknown)} (known: {', '.join(known)})")
    return chosen


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bench.turns",
        description=(__doc__ or "").split("\n\n")[0],
        epilog="Set-ups: " + ", ".join(BOT_SETUPS) + ". Peers: " + ", ".join(PEERS) + ".",
    )
    parser.add_argument("--users", type=int, default=500, help="users per load (default 500; the issue asks for 3000)")
    parser.add_argument("--concurrency", type=int, default=32, help="concurrent senders (default 32)")
    parser.add_argument("--setups", default="all", help="hpp-bot set-ups, comma-separated, all or none")
    parser.add_argument("--peers", default="all", help="peers, comma-separated, all or none")
    parser.add_argument("--platforms", default="line,telegram", help="line, telegram or both (default)")
    parser.add_argument("--loads", default=f"{FIRST},{RETURNING}", help=f"{FIRST}, {RETURNING} or both (default)")
    parser.add_argument("--burst-rate", type=float, default=200.0, help="burst events a second (default 200)")
    parser.add_argument("--burst-seconds", type=float, default=60.0, help="burst length (default 60 s)")
    parser.add_argument("--burst-setups", default="sqlite", help="set-ups that take the burst (default sqlite)")
    parser.add_argument("--no-burst", action="store_true", help="skip the burst")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds Telegram replies are watched after drain")
    parser.add_argument("--drain-timeout", type=float, default=600.0, help="longest wait for the inbox to drain")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("TEST_POSTGRES_URL") or DEFAULT_POSTGRES,
        help="a PostgreSQL server and a database to connect to for CREATE/DROP DATABASE "
        "(default BENCH_POSTGRES_URL, TEST_POSTGRES_URL, or the local test database)",
    )
    parser.add_argument("--log-level", default="WARNING", help="the bot's LOG_LEVEL (default WARNING)")
    parser.add_argument("--profile", metavar="DIR", help="sample the bot's processes with py-spy into DIR")
    parser.add_argument("--keep", metavar="DIR", help="keep databases' logs and the processes' logs in DIR")
    parser.add_argument("--serve", choices=("fakes", "ptb", "bare"), help=argparse.SUPPRESS)
    parser.add_argument("--concurrent", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    parser.add_argument("--state", help=argparse.SUPPRESS)
    return parser


def serve(args: argparse.Namespace) -> None:
    kind = args.serve
    if kind == "fakes":
        serve_fakes()
    elif kind == "ptb":
        serve_ptb(args.port, args.api_url, Path(args.state), concurrent=args.concurrent)
    elif kind == "bare":
        serve_bare(args.port)
    else:
        raise SystemExit(f"bench.turns: nothing to serve called {kind}")


async def run_all(args: argparse.Namespace, folder: Path) -> None:
    setups = [BOT_SETUPS[k] for k in choose(args.setups, list(BOT_SETUPS), "set-ups")]
    peers = [PEERS[k] for k in choose(args.peers, list(PEERS), "peers")]
    platforms = choose(args.platforms, ["line", "telegram"], "platforms")
    kinds = choose(args.loads, [FIRST, RETURNING], "loads")
    burst_keys = [] if args.no_burst else choose(args.burst_setups, list(BOT_SETUPS), "burst set-ups")
    options = Options(
        users=args.users,
        concurrency=args.concurrency,
        settle=args.settle,
        drain_timeout=args.drain_timeout,
        log_level=args.log_level,
        folder=folder,
        burst_rate=args.burst_rate,
        burst_seconds=args.burst_seconds,
        profile=Path(args.profile) if args.profile else None,
    )
    backends = {s.backend for s in setups} | {BOT_SETUPS[k].backend for k in burst_keys}
    started, load_before = time.monotonic(), os.getloadavg()[0]
    try:
        if "sqlite" in backends:
            sqlite_dbs = SqliteDatabases(folder)
            await sqlite_dbs.prepare(options.users)
            options.databases["sqlite"] = sqlite_dbs
        if "postgres" in backends:
            postgres = PostgresDatabases(folder, args.postgres_url)
            problem = await postgres.reachable()
            if problem is None:
                options.databases["postgres"] = postgres
                await postgres.prepare(options.users)
            else:
                print(f"PostgreSQL at {args.postgres_url} is unreachable ({problem}): its set-ups are skipped")
        say(options, f"databases ready in {time.monotonic() - started:.0f} s")
        rows: list[Row] = []
        runs: list[tuple[str, Callable[[], Awaitable[Row]]]] = []
        for setup in setups:
            if setup.backend not in options.databases:
                continue
            for platform in platforms:
                for kind in kinds:
                    load = Load(kind, platform, options.users)
                    runs.append(
                        (f"{setup.key} {platform} {kind}", functools.partial(run_bot_load, setup, load, options))
                    )
        if "telegram" in platforms:
            for peer in peers:
                for kind in kinds if peer.answers else kinds[:1]:
                    load = Load(kind, "telegram", options.users)
                    runs.append((f"{peer.key} telegram {kind}", functools.partial(run_peer_load, peer, load, options)))
        for name, run in runs:
            row = await kept(options, name, run)
            if row is not None:
                rows.append(row)
                say(options, f"{name}: " + "; ".join(f"{h} {c}" for h, c in zip(ROW_HEADERS, row.cells(), strict=True)))
        bursts = []
        for key in burst_keys:
            if BOT_SETUPS[key].backend in options.databases:
                burst = await kept(options, f"{key} burst", functools.partial(run_burst, BOT_SETUPS[key], options))
                if burst is not None:
                    bursts.append(burst)
                    cells = zip(BURST_HEADERS, burst.cells(), strict=True)
                    say(options, f"{key} burst: " + "; ".join(f"{h} {c}" for h, c in cells))
    finally:
        for db in options.databases.values():
            await db.close()
    machine = f"{os.cpu_count()} CPUs, load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    print_report(args, rows, bursts, time.monotonic() - started, machine)


async def kept(options: Options, name: str, run: Callable[[], Awaitable[T]]) -> T | None:
    """One load's figures, said as soon as they are known; a load that fails is said and skipped, so a long run
    keeps the figures it has."""
    try:
        return await run()
    except RuntimeError as exc:
        say(options, f"{name}: FAILED: {exc}")
        return None


def print_report(
    args: argparse.Namespace, rows: list[Row], bursts: list[BurstResult], seconds: float, machine: str
) -> None:
    print()
    print(
        f"turns: {args.users} users per load, {args.concurrency} concurrent senders; fakes answer at once; "
        f"bot LOG_LEVEL={args.log_level}; {machine}; {seconds / 60:.1f} min"
    )
    if rows:
        print(table(ROW_HEADERS, [r.cells() for r in rows]))
        for row in rows:
            if row.note:
                print(f"  note: {row.setup} {row.platform} {row.load}: {row.note}")
        scaling = scaling_lines(rows)
        if scaling:
            print("PostgreSQL, turns/s of two workers over one:")
            print("\n".join(scaling))
    if bursts:
        print()
        print(
            f"burst: {args.burst_rate:.0f} events/s for {args.burst_seconds:.0f} s, new users, LINE and Telegram "
            "alternately, open loop (at most 512 unanswered: a slower bot makes the schedule slip, see sent/s); "
            "'all applied': seconds after the last send"
        )
        print(table(BURST_HEADERS, [b.cells() for b in bursts]))
    print(
        "acks/s, p50/p99: webhook answers; turns/s: inbox.processed_at of applied rows, first to last; replies/s: "
        "reply calls the fake saw (LINE reply/push, Telegram sendMessage); Telegram rows of hpp-bot are watched "
        f"until drain + {args.settle:.0f} s (it paces Telegram itself); e2e/s: users answered / (last first reply "
        "- first send), only when all were answered; token: LINE replies by reply token; CPU ms/ev: CPU time of the "
        "serving processes (+ PostgreSQL's) per event; busy: the machine's cores busy on average from the first send "
        "until the inbox drained; RSS: peak, summed."
    )


def main(argv: list[str] | None = None) -> None:
    parser = build_parser()
    args = parser.parse_args(sys.argv[1:] if argv is None and __name__ == "__main__" else argv or [])
    if args.serve:
        serve(args)
        return
    if args.keep:
        folder = Path(args.keep)
        folder.mkdir(parents=True, exist_ok=True)
        asyncio.run(run_all(args, folder))
        return
    with tempfile.TemporaryDirectory(prefix="hpp-bench-turns-") as tmp:
        asyncio.run(run_all(args, Path(tmp)))


if __name__ == "__main__":
    main()
