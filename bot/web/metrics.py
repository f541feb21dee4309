"""`GET /metrics` in Prometheus' text format: the queues and broadcasts as the database has them, and what this
process counted (turn latency, failed events, platform errors: bot/core/metrics.py).

Off unless asked for: with METRICS_TOKEN it answers `Authorization: Bearer <token>` only; with METRICS_LOCAL=1
(and no token) it answers requests from this machine that came through no proxy (a reverse proxy on the same
machine makes every request look local, but says so in X-Forwarded-For or Forwarded). Otherwise it is a 404,
like any path that does not exist. Nothing in it names a person or a chat."""

from __future__ import annotations

import hmac
from collections.abc import Iterable

from sqlalchemy import func, select
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from bot.core import metrics
from bot.settings import Settings
from storage.db import Database
from storage.models import Broadcast, BroadcastRecipient, BroadcastStatus, InboxEvent, InboxStatus, OutboxMessage

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
LOOPBACK = frozenset({"127.0.0.1", "::1"})
PROXY_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")


def allowed(request: Request, settings: Settings) -> Response | None:
    """None if the request may read the metrics, else the answer it gets."""
    if settings.metrics_token is not None:
        expected = f"Bearer {settings.metrics_token.get_secret_value()}".encode()
        given = request.headers.get("authorization", "").encode("utf-8", "replace")
        if hmac.compare_digest(given, expected):
            return None
        return PlainTextResponse("Unauthorized", status_code=401, headers={"WWW-Authenticate": "Bearer"})
    host = request.client.host if request.client else ""
    if settings.metrics_local and host in LOOPBACK and not any(h in request.headers for h in PROXY_HEADERS):
        return None
    return PlainTextResponse("Not Found", status_code=404)


async def endpoint(request: Request) -> Response:
    services = request.app.state.services
    refused = allowed(request, services.settings)
    if refused is not None:
        return refused
    lines = [*await database_lines(services.db), *process_lines()]
    return PlainTextResponse("\n".join(lines) + "\n", media_type=CONTENT_TYPE)


async def database_lines(db: Database) -> list[str]:
    """The gauges read from the database: queues by state, broadcasts in progress."""
    async with db.read() as session:
        inbox = (await session.execute(select(InboxEvent.status, func.count()).group_by(InboxEvent.status))).all()
        outbox = (
            await session.execute(
                select(OutboxMessage.channel, OutboxMessage.status, func.count()).group_by(
                    OutboxMessage.channel, OutboxMessage.status
                )
            )
        ).all()
        recipients = (
            await session.execute(
                select(BroadcastRecipient.broadcast_id, BroadcastRecipient.status, func.count())
                .join(Broadcast, Broadcast.id == BroadcastRecipient.broadcast_id)
                .where(Broadcast.status == BroadcastStatus.SENDING)
                .group_by(BroadcastRecipient.broadcast_id, BroadcastRecipient.status)
            )
        ).all()
    by_status = {str(status): count for status, count in inbox}
    return [
        *family("hpp_inbox_events", "gauge", "Inbox events waiting to be applied or failed for good, by status."),
        *(
            sample("hpp_inbox_events", by_status.get(status, 0), status=status)
            for status in (InboxStatus.PENDING, InboxStatus.FAILED)
        ),
        *family("hpp_outbox_messages", "gauge", "Outbox rows by channel and state (sent rows until pruned)."),
        *(sample("hpp_outbox_messages", n, channel=channel, state=state) for channel, state, n in sorted(outbox)),
        *family("hpp_broadcast_recipients", "gauge", "Recipients of each broadcast being sent, by status."),
        *(sample("hpp_broadcast_recipients", n, broadcast=str(b), status=s) for b, s, n in sorted(recipients)),
    ]


def process_lines() -> list[str]:
    """What this process counted since it started."""
    lines: list[str] = []
    for counter in metrics.COUNTERS:
        lines += family(counter.name, "counter", counter.help)
        lines += [sample(counter.name, value, **dict(labels)) for labels, value in sorted(counter.values.items())]
    for histogram in metrics.HISTOGRAMS:
        lines += family(histogram.name, "histogram", histogram.help)
        lines += [sample(f"{histogram.name}_bucket", seen, le=le) for le, seen in histogram.cumulative()]
        lines += [sample(f"{histogram.name}_sum", histogram.total), sample(f"{histogram.name}_count", histogram.count)]
    return lines


def family(name: str, kind: str, help_text: str) -> Iterable[str]:
    return (f"# HELP {name} {help_text}", f"# TYPE {name} {kind}")


def sample(name: str, value: float, **labels: str) -> str:
    shown = ",".join(f'{key}="{_escape(str(label))}"' for key, label in labels.items())
    number = repr(float(value)) if isinstance(value, float) and not value.is_integer() else str(int(value))
    return f"{name}{{{shown}}} {number}" if shown else f"{name} {number}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def routes() -> list[BaseRoute]:
    return [Route("/metrics", endpoint)]
