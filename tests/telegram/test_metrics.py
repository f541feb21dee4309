"""Issue 16: `GET /metrics`, off unless a token or a local bind is set, and its numbers are the database's after
real traffic (signed webhooks in, the fake Bot API out, one 429 on the way)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import func, insert, select

from bot.core import metrics
from storage.models import (
    Broadcast,
    BroadcastRecipient,
    BroadcastStatus,
    InboxEvent,
    InboxStatus,
    OutboxMessage,
    RecipientStatus,
)
from tests.fakes.telegram_api import FakeTelegramApi
from tests.telegram.conftest import TelegramBot, running_bot
from tests.telegram.updates import text_update

TOKEN = "metrics-s3cret"
SOMCHAI, MALEE = 4242, 4343


@pytest.fixture
async def watched(sqlite_url: str, fake_api: FakeTelegramApi) -> AsyncIterator[TelegramBot]:
    async for bot in running_bot(sqlite_url, fake_api, metrics_token=TOKEN, run_workers_in_web=False):
        yield bot


def samples(exposition: str) -> dict[str, float]:
    """'name{labels}' -> value, from the text format (comments skipped)."""
    found = {}
    for line in exposition.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            found[name] = float(value)
    return found


async def test_metrics_are_off_by_default(tg: TelegramBot) -> None:
    response = await tg.client.get("/metrics")
    assert response.status_code == 404
    assert (await tg.client.get("/metrics", headers={"Authorization": "Bearer "})).status_code == 404


async def test_a_token_is_required_when_one_is_set(watched: TelegramBot) -> None:
    assert (await watched.client.get("/metrics")).status_code == 401
    wrong = await watched.client.get("/metrics", headers={"Authorization": "Bearer guess"})
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
    right = await watched.client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert right.status_code == 200 and right.headers["content-type"].startswith("text/plain; version=0.0.4")


async def test_a_local_bind_serves_this_machine_only(sqlite_url: str, fake_api: FakeTelegramApi) -> None:
    async for bot in running_bot(sqlite_url, fake_api, metrics_local=True, run_workers_in_web=False):
        assert (await bot.client.get("/metrics")).status_code == 200  # httpx's ASGI client is 127.0.0.1
        proxied = await bot.client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
        assert proxied.status_code == 404  # came through a proxy on this machine: not local
        remote = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=bot.app, client=("203.0.113.9", 5555)), base_url="http://testserver"
        )
        async with remote:
            assert (await remote.get("/metrics")).status_code == 404


async def test_the_numbers_match_the_database_after_some_traffic(watched: TelegramBot) -> None:
    metrics.reset()
    people = [await watched.known_citizen(user) for user in (SOMCHAI, MALEE)]
    watched.api.fail_next(429, retry_after=1, method="sendMessage", chat_id=MALEE)
    for user in (SOMCHAI, MALEE):
        await watched.receive(text_update(user, "เมนู"))
    await watched.receive(text_update(SOMCHAI, "ช่วยเหลือ"))
    await watched.deliver_due()
    async with watched.services.db.write() as session:
        session.add(
            InboxEvent(
                channel="telegram",
                event_id="poisoned",
                chat_key="telegram:1",
                payload={},
                status=InboxStatus.FAILED,
                attempts=5,
                error="encoding: UnicodeEncodeError",
            )
        )
        broadcast = Broadcast(text="ประกาศ", status=BroadcastStatus.SENDING, total=2, scheduled_at=datetime.now(UTC))
        session.add(broadcast)
        await session.flush()
        await session.execute(
            insert(BroadcastRecipient),
            [
                {"broadcast_id": broadcast.id, "person_id": people[0].id, "status": RecipientStatus.SENT},
                {"broadcast_id": broadcast.id, "person_id": people[1].id, "status": RecipientStatus.QUEUED},
            ],
        )

    response = await watched.client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    seen = samples(response.text)

    async with watched.services.db.read() as session:
        inbox = dict((await session.execute(select(InboxEvent.status, func.count()).group_by(InboxEvent.status))).all())
        outbox = (
            await session.execute(
                select(OutboxMessage.channel, OutboxMessage.status, func.count()).group_by(
                    OutboxMessage.channel, OutboxMessage.status
                )
            )
        ).all()
    assert seen['hpp_inbox_events{status="failed"}'] == inbox["failed"] == 1
    assert seen['hpp_inbox_events{status="pending"}'] == inbox.get("pending", 0) == 0
    assert {k: v for k, v in seen.items() if k.startswith("hpp_outbox_messages")} == {
        f'hpp_outbox_messages{{channel="{channel}",state="{state}"}}': count for channel, state, count in outbox
    }
    assert seen['hpp_outbox_messages{channel="telegram",state="sent"}'] == 3
    assert seen[f'hpp_broadcast_recipients{{broadcast="{broadcast.id}",status="sent"}}'] == 1
    assert seen[f'hpp_broadcast_recipients{{broadcast="{broadcast.id}",status="queued"}}'] == 1
    assert seen['hpp_platform_errors_total{channel="telegram",status="429"}'] == 1
    assert seen["hpp_turn_latency_seconds_count"] == inbox["done"] == 3
    assert seen['hpp_turn_latency_seconds_bucket{le="+Inf"}'] == 3
    assert str(SOMCHAI) not in response.text and "เมนู" not in response.text  # nobody is named in it


async def test_malformed_webhook_bodies_are_counted_by_reason_and_never_by_content(watched: TelegramBot) -> None:
    metrics.reset()
    response = await watched.post(b'{"update_id": 1, "message": ' + b"[" * 1000 + b"]" * 1000 + b"}")
    assert response.status_code == 200
    exposition = (await watched.client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})).text
    dropped = {name: value for name, value in samples(exposition).items() if name.startswith("hpp_webhook_dropped")}
    assert list(dropped.values()) == [1.0]
    assert 'channel="telegram"' in next(iter(dropped))
