"""Several worker processes: a LINE row one worker half-delivered, another finishes (from the database only)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from bot.channels.line import LineChannel, make_channel
from bot.channels.line.channel import retry_key
from bot.core import outbox
from bot.core.kit import ChannelKit
from bot.core.media import MediaLinks
from bot.core.outbox import OutboxSender
from bot.core.types import Reply
from storage.db import Database
from storage.models import OutboxMessage
from tests.fakes.line_api import PUSH, REPLY
from tests.line.conftest import LineBot


async def the_row(line_bot: LineBot) -> OutboxMessage:
    async with line_bot.services.db.read() as session:
        row = await session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == "answer-1"))
    assert row is not None
    return row


async def test_a_retry_by_another_worker_does_not_reply_again_and_pushes_the_rest(line_bot: LineBot) -> None:
    replies = [Reply(f"ข้อความที่ {n}") for n in range(1, 8)]  # five by reply, two by push
    async with line_bot.services.db.write() as session:
        await outbox.enqueue(
            session,
            channel="line",
            recipient="Usomchai",
            replies=replies,
            key="answer-1",
            reply_token="rt-once",
            reply_token_expires_at=datetime.now(UTC) + timedelta(seconds=50),
        )
    line_bot.fake.fail_next(PUSH, 503, message="Service Unavailable")
    assert line_bot.services.outbox_sender is not None
    await line_bot.services.outbox_sender.run_once()
    row = await the_row(line_bot)
    assert (row.status, row.parts_done) == ("pending", 1)

    settings = line_bot.services.settings
    db = Database(settings.database_url)  # the second worker: its own pool and its own LINE channel
    channel = make_channel(settings, ChannelKit.from_database(db, MediaLinks.from_settings(settings)))
    assert isinstance(channel, LineChannel) and channel is not line_bot.channel
    try:
        async with db.write() as session:
            await session.execute(update(OutboxMessage).values(next_attempt_at=datetime.now(UTC)))
        await OutboxSender(db, {channel.name: channel}).run_once()
    finally:
        await channel.close()
        await db.close()

    assert len(line_bot.fake.calls(REPLY)) == 1  # the reply token was used once
    pushes = line_bot.fake.calls(PUSH)
    assert [p.retry_key for p in pushes] == [retry_key("answer-1", "1")] * 2
    delivered = [m["text"] for d in line_bot.fake.delivered() for m in d.messages]
    assert delivered == [r.text for r in replies]
    row = await the_row(line_bot)
    assert (row.status, row.attempts, row.used_reply_token) == ("sent", 2, True)
