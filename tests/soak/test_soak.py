"""Issue 16's standing proof: the bot as it is deployed (the `hpp-bot` processes, signed webhooks, both fake
platforms) keeps 500 conversations in flight while every event is delivered twice, a fifth of the platforms'
delivery calls answer 429, 500 or hang past the client's timeout, and the worker is `kill -9`'d twice; on
PostgreSQL a second worker joins halfway.

It asserts that every event is applied once, every reply reaches its user, no webhook answers 5xx, no process
logs a traceback, and that the only duplicates are what was on the wire at a kill: rows a sender had claimed
and not yet recorded. The figures (duplicates per kill, faults injected) are printed with `-s`."""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bench.turns import (
    TELEGRAM_TOKEN,
    HttpConnection,
    Process,
    Webhook,
    bot_env,
    free_port,
    healthy,
    hpp_bot_command,
    line_webhook,
    telegram_webhook,
    user_of_token,
)
from bot.channels.telegram.render import render_replies
from bot.core.types import replies_from_json
from storage.db import Database
from storage.models import InboxEvent, InboxStatus, OutboxMessage, OutboxStatus
from tests.fakes.chaos import Chaos
from tests.fakes.line_api import FakeLineApi
from tests.fakes.telegram_api import FakeTelegramApi

pytestmark = pytest.mark.soak

USERS = 500  # conversations in flight: half on LINE, half on Telegram
EVENTS_PER_USER = 2
FAULT_RATE = 0.2
HANG_SECONDS = 11.0  # past both clients' timeouts (LINE 10 s, Telegram 5 s)
SENDERS = 32
DRAIN_SECONDS = 240.0


@dataclass(frozen=True)
class Event:
    user: str  # the LINE user id or the Telegram chat id
    serial: int

    @property
    def on_line(self) -> bool:
        return self.user.startswith("U")

    def webhook(self) -> Webhook:
        if self.on_line:
            return line_webhook(self.user, self.serial)
        return telegram_webhook(int(self.user), self.serial)


def conversations() -> list[list[Event]]:
    """Per round, one event of every user: a user's second message goes after their first was answered."""
    users = [f"U{0x50AC:08x}{n:024x}" if n % 2 == 0 else str(40_000_000 + n) for n in range(USERS)]
    return [[Event(user, round_ * USERS + n + 1) for n, user in enumerate(users)] for round_ in range(EVENTS_PER_USER)]


@dataclass
class Kill:
    applied_before: int
    in_flight_rows: int  # outbox rows claimed by the killed worker and not recorded
    in_flight_messages: int  # the most messages those rows could have put on the wire


@dataclass
class Deployment:
    """The `hpp-bot` processes of one set-up, restartable."""

    url: str
    folder: Path
    env: dict[str, str]
    port: int
    split: bool  # PostgreSQL: a web process and workers; SQLite: `hpp-bot serve` alone
    procs: list[Process] = field(default_factory=list)
    worker: Process | None = None  # the one the test kills
    killed: list[Process] = field(default_factory=list)

    def start(self) -> None:
        command = hpp_bot_command()
        if self.split:
            self.procs.append(self._process("web", [command, "serve", "--no-workers"]))
            self.worker = self._process("worker", [command, "worker"])
        else:
            self.worker = self._process("serve", [command, "serve"])
        self.procs.append(self.worker)

    def add_worker(self) -> None:
        self.procs.append(self._process("worker2", [hpp_bot_command(), "worker"]))

    def kill_worker(self) -> None:
        assert self.worker is not None
        self.worker.popen.send_signal(signal.SIGKILL)
        self.worker.popen.wait()
        self.procs.remove(self.worker)
        self.killed.append(self.worker)

    def restart_worker(self) -> None:
        assert self.worker is not None
        argv = [str(arg) for arg in self.worker.popen.args]  # type: ignore[union-attr]
        self.worker = self._process(self.worker.name + "-again", argv)
        self.procs.append(self.worker)

    def _process(self, name: str, argv: list[str]) -> Process:
        return Process(name, argv, env=self.env, cwd=self.folder, log_folder=self.folder)

    def stop(self) -> None:
        for proc in self.procs:
            proc.stop()

    def tracebacks(self) -> list[str]:
        logs = [*self.procs, *self.killed]
        return [proc.name for proc in logs if "Traceback" in proc.log_path.read_text(errors="replace")]


@pytest.fixture
def fakes() -> Iterator[tuple[FakeLineApi, FakeTelegramApi]]:
    with FakeLineApi() as line, FakeTelegramApi(TELEGRAM_TOKEN) as telegram:
        yield line, telegram


def deployment(url: str, folder: Path, line: FakeLineApi, telegram: FakeTelegramApi) -> Deployment:
    port = free_port()
    env = bot_env(url, port, line.url, telegram.url, LOG_LEVEL="WARNING", SCHEDULER_TICK_SECONDS="3600")
    return Deployment(url, folder, env, port, split=url.startswith("postgresql"))


async def wait_healthy(deploy: Deployment, within: float = 240.0) -> None:
    deadline = time.monotonic() + within
    while not await healthy(deploy.port):
        stopped = [proc for proc in deploy.procs if not proc.alive()]
        assert stopped == [], "\n".join(f"{proc.name} stopped:\n{proc.log_tail()}" for proc in stopped)
        assert time.monotonic() < deadline, "the web process did not answer /healthz"
        await asyncio.sleep(0.1)


async def post_until_acked(webhook: Webhook, port: int, answers: Counter[int]) -> None:
    """Post it as a platform does: again while the server is down (a refused connection), never after an answer."""
    deadline = time.monotonic() + 180
    while True:
        connection = HttpConnection("127.0.0.1", port)
        status = await connection.post(webhook)
        connection.close()
        answers[status] += 1
        if status != 0 or time.monotonic() > deadline:
            return
        await asyncio.sleep(0.2)


async def deliver_twice(events: list[Event], port: int, answers: Counter[int]) -> None:
    """Every event twice, the repeat a little later, from SENDERS concurrent senders."""
    posts = [event.webhook() for event in events]
    queue = iter([*posts[: len(posts) // 2], *posts, *posts[len(posts) // 2 :]])

    async def sender() -> None:
        for webhook in queue:
            await post_until_acked(webhook, port, answers)

    await asyncio.gather(*(sender() for _ in range(SENDERS)))


async def applied(db: Database) -> int:
    async with db.read() as session:
        done = await session.scalar(
            select(func.count()).select_from(InboxEvent).where(InboxEvent.status == InboxStatus.DONE)
        )
    return int(done or 0)


def messages_of(row: OutboxMessage) -> int:
    replies = replies_from_json(row.payload)
    if row.channel == "telegram":
        return len(render_replies(replies)) + 1  # and the clean-up of an old reply keyboard
    return len(replies)


async def in_flight(db: Database) -> tuple[int, int]:
    async with db.read() as session:
        rows = list(await session.scalars(select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.SENDING)))
    return len(rows), sum(messages_of(row) for row in rows)


async def until_applied(db: Database, target: int) -> int:
    """Poll the inbox (the worker is another process) until `target` events are applied."""
    for _tick in range(int(DRAIN_SECONDS / 0.05)):
        if (done := await applied(db)) >= target:
            return done
        await asyncio.sleep(0.05)
    raise AssertionError(f"{target} events were not applied in {DRAIN_SECONDS:.0f} s")


async def kill_at(db: Database, target: int, deploy: Deployment, kills: list[Kill]) -> None:
    done = await until_applied(db, target)
    deploy.kill_worker()
    rows, messages = await in_flight(db)
    kills.append(Kill(done, rows, messages))
    deploy.restart_worker()


async def drained(db: Database, events: int) -> bool:
    async with db.read() as session:
        inbox = dict((await session.execute(select(InboxEvent.status, func.count()).group_by(InboxEvent.status))).all())
        outbox = dict(
            (await session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))).all()
        )
    unsent = outbox.get(OutboxStatus.PENDING, 0) + outbox.get(OutboxStatus.SENDING, 0)
    return sum(inbox.values()) >= events and inbox.get(InboxStatus.PENDING, 0) == 0 and unsent == 0


def received_per_user(line: FakeLineApi, telegram: FakeTelegramApi) -> Counter[str]:
    """Messages each user saw (LINE: per message of a reply or push; Telegram: per successful send)."""
    seen: Counter[str] = Counter()
    for delivery in line.delivered():
        for to in delivery.to:
            seen[user_of_token(to.removeprefix("token:"))] += len(delivery.messages)
    for call in telegram.state.delivered:
        seen[str(call.chat_id)] += 1
    return seen


def surplus(seen: Counter[str], users: list[str]) -> tuple[int, list[str]]:
    """Messages beyond what every user of the platform got (all lived the same conversation), and who got less."""
    normal = Counter(seen[user] for user in users).most_common(1)[0][0]
    return sum(max(0, seen[user] - normal) for user in users), [u for u in users if seen[u] < normal]


async def test_soak_every_event_once_every_reply_delivered_duplicates_only_from_the_wire(
    any_database_url: str, tmp_path: Path, fakes: tuple[FakeLineApi, FakeTelegramApi]
) -> None:
    line, telegram = fakes
    line_chaos = line.state.chaos = Chaos(FAULT_RATE, HANG_SECONDS)
    telegram_chaos = telegram.state.chaos = Chaos(FAULT_RATE, HANG_SECONDS, seed=61)
    rounds = conversations()
    total = sum(len(events) for events in rounds)
    deploy = deployment(any_database_url, tmp_path, line, telegram)
    db = Database(any_database_url)
    answers: Counter[int] = Counter()
    kills: list[Kill] = []
    started = time.monotonic()
    deploy.start()
    try:
        await wait_healthy(deploy)
        killing = asyncio.create_task(kill_twice(db, total, deploy, kills))
        for events in rounds:
            await deliver_twice(events, deploy.port, answers)
        await killing
        deadline = time.monotonic() + DRAIN_SECONDS
        while not await drained(db, total):
            assert time.monotonic() < deadline, "the inbox or the outbox did not drain"
            await asyncio.sleep(0.5)
        await asyncio.sleep(2)  # the last outcome writes
        tracebacks = deploy.tracebacks()
    finally:
        deploy.stop()
    try:
        async with db.read() as session:
            inbox = Counter(
                dict((await session.execute(select(InboxEvent.status, func.count()).group_by(InboxEvent.status))).all())
            )
            outbox = Counter(
                dict(
                    (
                        await session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
                    ).all()
                )
            )
            failures = (
                await session.execute(
                    select(OutboxMessage.channel, OutboxMessage.attempts, OutboxMessage.last_error).where(
                        OutboxMessage.status != OutboxStatus.SENT
                    )
                )
            ).all()
    finally:
        await db.close()

    seen = received_per_user(line, telegram)
    users = sorted({event.user for event in rounds[0]})
    line_extra, line_short = surplus(seen, [u for u in users if u.startswith("U")])
    telegram_extra, telegram_short = surplus(seen, [u for u in users if not u.startswith("U")])
    on_wire = sum(kill.in_flight_messages for kill in kills)
    print(  # the figures for the closing note (pytest -s)
        f"\nsoak on {any_database_url.split(':')[0]}: {total} events posted twice in "
        f"{time.monotonic() - started:.0f} s; answers {dict(answers)}; inbox {dict(inbox)}; outbox {dict(outbox)}; "
        f"faults LINE {dict(line_chaos.counts)}, Telegram {dict(telegram_chaos.counts)}; kills {kills}; "
        f"duplicates LINE {line_extra}, Telegram {telegram_extra} (at most {on_wire} on the wire)"
    )
    assert [status for status in answers if status >= 500] == []
    assert set(answers) <= {0, 200}  # 0: refused while the server was down, then posted again
    assert inbox == Counter({InboxStatus.DONE: total})  # every event applied, once (one row per event id)
    assert outbox[OutboxStatus.SENT] > 0 and set(outbox) == {OutboxStatus.SENT}, failures  # every reply delivered
    assert line_short == [] and telegram_short == []  # no user missed a reply
    assert len(kills) == 2
    assert line_extra + telegram_extra <= on_wire  # duplicates only what was on the wire at the kills
    assert tracebacks == []


async def kill_twice(db: Database, total: int, deploy: Deployment, kills: list[Kill]) -> None:
    """Kill the worker at a third and at two thirds of the events; on PostgreSQL a second worker joins halfway."""
    await kill_at(db, total // 3, deploy, kills)
    await wait_healthy(deploy)
    if deploy.split:
        await until_applied(db, total // 2)
        deploy.add_worker()
    await kill_at(db, 2 * total // 3, deploy, kills)
