"""Sending through the outbox: the free reply token while fresh, else a push LINE accepts only once."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from bot.channels.line.channel import retry_key
from bot.core.types import DeliveryStatus, OutboundMessage, Reply
from tests.fakes.line_api import PUSH, REPLY
from tests.line import events
from tests.line.conftest import LineBot


def outbound(
    *replies: Reply, token: str | None = None, fresh: bool = True, key: str = "k:1", **more: object
) -> OutboundMessage:
    expires = datetime.now(UTC) + (timedelta(seconds=30) if fresh else -timedelta(seconds=5))
    return OutboundMessage(
        outbox_id=1,
        idempotency_key=key,
        channel="line",
        recipient="Usomchai",
        replies=replies,
        reply_token=token,
        reply_token_expires_at=expires if token else None,
        **more,  # type: ignore[arg-type]
    )


async def test_an_expired_reply_token_falls_back_to_push_with_a_retry_key(line_bot: LineBot) -> None:
    await line_bot.known_citizen("Usomchai")
    two_minutes_ago = int((time.time() - 120) * 1000)
    await line_bot.send(events.text("Usomchai", "ช่วยเหลือ", timestamp_ms=two_minutes_ago))
    assert line_bot.fake.calls(REPLY) == []
    [push] = line_bot.fake.calls(PUSH)
    [row] = await line_bot.outbox()
    assert push.retry_key == retry_key(row.idempotency_key)
    assert push.body["to"] == "Usomchai"
    assert row.status == "sent" and row.used_reply_token is False


async def test_a_refused_reply_token_falls_back_to_push(line_bot: LineBot) -> None:
    await line_bot.known_citizen("Usomchai")
    await line_bot.send(events.text("Usomchai", "ช่วยเหลือ", reply_token="expired-by-line"))
    assert len(line_bot.fake.calls(REPLY)) == 1
    assert [d.kind for d in line_bot.fake.delivered()] == ["push"]
    [row] = await line_bot.outbox()
    assert row.status == "sent" and row.used_reply_token is False


async def test_a_429_on_push_is_retried_and_delivered_once(line_bot: LineBot) -> None:
    await line_bot.known_citizen("Usomchai")
    line_bot.fake.fail_next(PUSH, 429, message="Too Many Requests", retry_after=0)
    await line_bot.send(events.text("Usomchai", "ช่วยเหลือ", reply_token=None))
    pushes = line_bot.fake.calls(PUSH)
    assert len(pushes) == 2 and pushes[0].retry_key == pushes[1].retry_key is not None
    assert len(line_bot.fake.delivered("push")) == 1
    [row] = await line_bot.outbox()
    assert row.status == "sent" and row.attempts == 2


async def test_a_push_whose_answer_was_lost_is_not_delivered_twice(line_bot: LineBot) -> None:
    await line_bot.known_citizen("Usomchai")
    line_bot.channel.timeout = 0.3
    line_bot.fake.lose_answer_next(PUSH, 1.0)
    await line_bot.post(events.body_of(events.text("Usomchai", "ช่วยเหลือ", reply_token=None)))
    services = line_bot.services
    await services.inbox_worker.drain()  # type: ignore[union-attr]
    await services.outbox_sender.run_once()  # type: ignore[union-attr]
    [row] = await line_bot.outbox()
    assert row.status == "pending" and "TimeoutError" in (row.last_error or "")
    await line_bot.channel.deliver(outbound(Reply("ช่วยเหลือ"), key=row.idempotency_key))  # the retry
    pushes = line_bot.fake.calls(PUSH)
    assert len(pushes) == 2 and pushes[0].retry_key == pushes[1].retry_key
    assert len(line_bot.fake.delivered("push")) == 1  # LINE answered 409 to the repeat


async def test_a_retry_after_from_line_is_respected(line_bot: LineBot) -> None:
    line_bot.fake.fail_next(PUSH, 429, message="Too Many Requests", retry_after=7)
    result = await line_bot.channel.deliver(outbound(Reply("แจ้งเตือน")))
    assert result.status is DeliveryStatus.RETRY and result.retry_after == 7


async def test_a_server_error_or_a_hang_is_retried_later(line_bot: LineBot) -> None:
    line_bot.fake.fail_next(PUSH, 500, message="Internal Server Error")
    assert (await line_bot.channel.deliver(outbound(Reply("a")))).status is DeliveryStatus.RETRY
    line_bot.channel.timeout = 0.2
    line_bot.fake.hang_next(PUSH, 0.6)
    result = await line_bot.channel.deliver(outbound(Reply("b")))
    assert result.status is DeliveryStatus.RETRY and "TimeoutError" in (result.error or "")
    assert line_bot.fake.delivered() == []


async def test_a_4xx_is_recorded_with_lines_message_and_not_retried(line_bot: LineBot) -> None:
    await line_bot.known_citizen("Usomchai")
    line_bot.fake.fail_next(PUSH, 400, message="The property, 'to', in the request body is invalid (line 1)")
    await line_bot.send(events.text("Usomchai", "ช่วยเหลือ", reply_token=None))
    [row] = await line_bot.outbox()
    assert row.status == "failed" and row.attempts == 1
    assert "The property, 'to', in the request body is invalid" in (row.last_error or "")
    await line_bot.services.outbox_sender.run_once()  # type: ignore[union-attr]
    assert len(line_bot.fake.calls(PUSH)) == 1


async def test_more_than_five_messages_reply_five_and_push_the_rest(line_bot: LineBot) -> None:
    replies = [Reply(f"ข้อความที่ {n}") for n in range(1, 8)]
    result = await line_bot.channel.deliver(outbound(*replies, token="rt-many"))
    assert result.status is DeliveryStatus.SENT and result.used_reply_token
    [reply] = line_bot.fake.delivered("reply")
    [push] = line_bot.fake.delivered("push")
    assert [m["text"] for m in reply.messages + push.messages] == [r.text for r in replies]
    assert push.retry_key == retry_key("k:1", "1")


async def test_a_retry_after_the_reply_went_out_pushes_only_the_rest(line_bot: LineBot) -> None:
    replies = [Reply(f"ข้อความที่ {n}") for n in range(1, 8)]
    line_bot.fake.fail_next(PUSH, 503, message="Service Unavailable")
    first = await line_bot.channel.deliver(outbound(*replies, token="rt-partial"))
    assert first.status is DeliveryStatus.RETRY and first.parts_done == 1  # the outbox keeps it for the retry
    second = await line_bot.channel.deliver(outbound(*replies, token="rt-partial", parts_done=first.parts_done))
    assert second.status is DeliveryStatus.SENT and second.used_reply_token
    delivered = [m["text"] for d in line_bot.fake.delivered() for m in d.messages]
    assert delivered == [r.text for r in replies]


async def test_a_multicast_goes_in_batches_of_500_with_retry_keys(line_bot: LineBot) -> None:
    people = tuple(f"U{n:05d}" for n in range(1200))
    line_bot.fake.fail_next("/v2/bot/message/multicast", 429, message="Too Many Requests", retry_after=0)
    message = outbound(Reply("ประกาศจากจังหวัด"), recipients=people, key="b:9")
    assert (await line_bot.channel.deliver(message)).status is DeliveryStatus.RETRY
    assert (await line_bot.channel.deliver(message)).status is DeliveryStatus.SENT
    batches = line_bot.fake.delivered("multicast")
    assert [len(b.to) for b in batches] == [500, 500, 200]
    assert sorted(u for b in batches for u in b.to) == sorted(people)
    assert len({b.retry_key for b in batches}) == 3


async def test_a_slow_step_shows_the_loading_animation(line_bot: LineBot) -> None:
    result = await line_bot.channel.deliver(outbound(Reply("กำลังจัดทำรายงาน", slow=True), token="rt-slow"))
    assert result.status is DeliveryStatus.SENT
    [loading] = line_bot.fake.calls("/v2/bot/chat/loading/start")
    assert loading.body == {"chatId": "Usomchai", "loadingSeconds": 20}
    assert loading.at > line_bot.fake.calls(REPLY)[0].at  # after the message, until the next one arrives


async def test_a_blocked_person_is_not_pushed_to(line_bot: LineBot) -> None:
    await line_bot.known_citizen("Usomchai")
    await line_bot.post(events.body_of(events.text("Usomchai", "ช่วยเหลือ", reply_token=None)))
    await line_bot.services.inbox_worker.drain()  # type: ignore[union-attr]
    await line_bot.send(events.unfollow("Usomchai"))
    person = await line_bot.person("Usomchai")
    assert person is not None and person.is_reachable is False
    assert line_bot.fake.delivered() == []
    [row] = await line_bot.outbox()
    assert row.status == "skipped" and row.last_error == "unreachable"
