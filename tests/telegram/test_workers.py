"""Several worker processes: what one worker's Telegram channel did, another's knows (from the database only)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy import select, update

from bot.channels.telegram import TelegramChannel, make_channel
from bot.channels.telegram.throttle import Throttle
from bot.core import outbox
from bot.core.kit import ChannelKit
from bot.core.media import MediaLinks
from bot.core.outbox import OutboxSender
from bot.core.types import Ask, DeliveryStatus, OutboundMessage, Reply
from storage.db import Database
from storage.models import OutboxMessage
from tests.telegram.conftest import TelegramBot

SOMCHAI = 4242
MALEE = 4343


@asynccontextmanager
async def another_worker(tg: TelegramBot) -> AsyncIterator[OutboxSender]:
    """The outbox sender of a second worker process: its own database pool and its own Telegram channel."""
    settings = tg.services.settings
    db = Database(settings.database_url)
    channel = make_channel(settings, ChannelKit.from_database(db, MediaLinks.from_settings(settings)))
    assert isinstance(channel, TelegramChannel) and channel is not tg.channel
    channel.throttle = Throttle(private_interval=0, group_interval=0, bot_interval=0)
    await channel.start()
    sender = OutboxSender(db, {channel.name: channel})
    try:
        yield sender
    finally:
        await sender.close()
        await channel.close()
        await db.close()


async def queue(tg: TelegramBot, *replies: Reply, key: str) -> None:
    async with tg.services.db.write() as session:
        await outbox.enqueue(session, channel="telegram", recipient=str(SOMCHAI), replies=replies, key=key)


async def the_row(tg: TelegramBot, key: str) -> OutboxMessage:
    async with tg.services.db.read() as session:
        row = await session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == key))
    assert row is not None
    return row


async def retry_now(tg: TelegramBot) -> None:
    """The back-off is over."""
    async with tg.services.db.write() as session:
        await session.execute(update(OutboxMessage).values(next_attempt_at=datetime.now(UTC)))


async def test_a_half_sent_row_is_finished_by_another_worker_without_sending_anything_twice(
    tg_any_db: TelegramBot,
) -> None:
    tg = tg_any_db
    tg.api.fail_next(500, method="sendMessage")
    replies = (Reply(image_url="https://example.org/road.jpg"), Reply("ภาพถนนหลังซ่อม"), Reply("ขอบคุณครับ"))
    await queue(tg, *replies, key="photo-then-text")

    assert tg.services.outbox_sender is not None
    await tg.services.outbox_sender.run_once()  # the photo goes, the first text meets a 500
    row = await the_row(tg, "photo-then-text")
    assert (row.status, row.parts_done) == ("pending", 1)

    await retry_now(tg)
    await tg.services.outbox_sender.rights.close()  # the first worker is gone, and Telegram's sender lock with it
    async with another_worker(tg) as sender:
        await sender.run_once()

    sent = tg.api.sent_to(SOMCHAI)
    assert [(c.method, c.text) for c in sent] == [
        ("sendPhoto", ""),
        ("sendMessage", "ภาพถนนหลังซ่อม"),
        ("sendMessage", "ขอบคุณครับ"),
    ]
    assert len(tg.api.calls_to("sendPhoto")) == 1
    row = await the_row(tg, "photo-then-text")
    assert (row.status, row.attempts) == ("sent", 2)


async def test_a_batch_resumes_at_the_chat_and_send_where_it_stopped(tg: TelegramBot) -> None:
    """The parts of a row to several chats are its (chat, send) pairs in order."""
    message = OutboundMessage(
        outbox_id=1,
        idempotency_key="batch-1",
        channel="telegram",
        recipient="batch-1",
        replies=(Reply("ประกาศ"), Reply("รายละเอียด")),
        recipients=(str(SOMCHAI), str(MALEE)),
    )
    tg.api.fail_next(500, chat_id=MALEE)
    first = await tg.channel.deliver(message)
    assert (first.status, first.parts_done) == (DeliveryStatus.RETRY, 2)

    async with another_worker(tg) as sender:
        (channel,) = sender.channels.values()
        second = await channel.deliver(replace(message, parts_done=first.parts_done or 0))
    assert second.status is DeliveryStatus.SENT
    assert [c.text for c in tg.api.sent_to(SOMCHAI)] == ["ประกาศ", "รายละเอียด"]
    assert [c.text for c in tg.api.sent_to(MALEE)] == ["ประกาศ", "รายละเอียด"]


async def test_a_location_keyboard_one_worker_showed_is_taken_away_by_another(tg_any_db: TelegramBot) -> None:
    tg = tg_any_db
    await queue(tg, Reply("กรุณาส่งตำแหน่ง", ask=Ask.LOCATION), key="ask-place")
    await tg.deliver_due()
    await queue(tg, Reply("พบตำแหน่ง: ต.เวียง"), key="place-found")
    async with another_worker(tg) as sender:
        await sender.run_once()
    await queue(tg, Reply("ขอบคุณครับ"), key="thanks")
    await tg.deliver_due()

    asked, found, thanks = tg.api.sent_to(SOMCHAI)
    assert (asked.reply_markup or {})["keyboard"][0][0]["request_location"] is True
    assert found.reply_markup == {"remove_keyboard": True}  # shown by the first worker, removed by the second
    assert thanks.reply_markup is None  # and the first worker knows it is gone


async def test_a_row_that_gets_further_each_try_is_not_given_up_after_eight(tg: TelegramBot) -> None:
    """On a flaky platform a three-part answer may meet more than MAX_ATTEMPTS errors in all; only tries that
    delivered nothing count towards giving up."""
    tg.api.fail_next(500, times=outbox.MAX_ATTEMPTS - 1, method="sendPhoto")
    tg.api.fail_next(500, method="sendMessage")
    replies = (Reply(image_url="https://example.org/road.jpg"), Reply("ภาพถนนหลังซ่อม"), Reply("ขอบคุณครับ"))
    await queue(tg, *replies, key="flaky")
    assert tg.services.outbox_sender is not None
    for _try in range(outbox.MAX_ATTEMPTS):  # seven tries fail on the photo; the eighth sends it, then fails
        await tg.services.outbox_sender.run_once()
        await retry_now(tg)
    row = await the_row(tg, "flaky")
    assert (row.status, row.attempts, row.parts_done) == ("pending", outbox.MAX_ATTEMPTS, 1)

    await tg.services.outbox_sender.run_once()
    row = await the_row(tg, "flaky")
    assert (row.status, row.attempts) == ("sent", outbox.MAX_ATTEMPTS + 1)
    assert [(c.method, c.text) for c in tg.api.sent_to(SOMCHAI)] == [
        ("sendPhoto", ""),
        ("sendMessage", "ภาพถนนหลังซ่อม"),
        ("sendMessage", "ขอบคุณครับ"),
    ]


async def test_a_row_that_delivers_nothing_is_given_up_after_eight_tries(tg: TelegramBot) -> None:
    tg.api.fail_next(500, times=outbox.MAX_ATTEMPTS, method="sendMessage")
    await queue(tg, Reply("ขอบคุณครับ"), key="hopeless")
    assert tg.services.outbox_sender is not None
    for _try in range(outbox.MAX_ATTEMPTS):
        await tg.services.outbox_sender.run_once()
        await retry_now(tg)
    row = await the_row(tg, "hopeless")
    assert (row.status, row.attempts, row.last_error) == (
        "failed",
        outbox.MAX_ATTEMPTS,
        "NetworkError: Internal Server Error",
    )
    assert tg.api.sent_to(SOMCHAI) == []
