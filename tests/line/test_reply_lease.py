"""Issue 16, finding 1's second effect: a sender killed after LINE accepted a reply, before recording it, used to
leave the row leased for 60 s, longer than the reply token lives; the next sender then pushed the reply again and
the chat was silent for that minute. A row answered by reply token now has a 20 s lease, and the sender that takes
it back tries the token: LINE refuses a used one, which says the reply is out, so it is not sent twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from bot.core.outbox import OutboxSender, to_message
from bot.core.outbox.claim import LEASE, REPLY_LEASE
from storage.models import OutboxMessage
from tests.fakes.line_api import PUSH, REPLY
from tests.line import events
from tests.line.conftest import LineBot


async def queued_answer(line_bot: LineBot, user: str, reply_token: str | None) -> None:
    """The person writes; the answer is queued (the inbox applied), not yet sent."""
    await line_bot.known_citizen(user)
    response = await line_bot.post(events.body_of(events.text(user, "ช่วยเหลือ", reply_token=reply_token)))
    assert response.status_code == 200
    await line_bot.services.inbox_worker.drain()  # type: ignore[union-attr]


async def a_sender_dies_holding_it(line_bot: LineBot, *, after_sending: bool) -> OutboxMessage:
    """A sender claims the row (and sends it, if asked) and is killed before it records anything."""
    dying = OutboxSender(line_bot.services.db, line_bot.services.channels)
    [row] = (await dying._claim()).rows
    if after_sending:
        await line_bot.channel.deliver(to_message(row))
    return row


async def its_lease_runs_out(line_bot: LineBot) -> None:
    async with line_bot.services.db.write() as session:
        await session.execute(update(OutboxMessage).values(claimed_until=datetime.now(UTC) - timedelta(seconds=1)))


async def test_a_reply_by_token_is_leased_for_less_than_the_token_lives(line_bot: LineBot) -> None:
    await queued_answer(line_bot, "Usomchai", reply_token="rt-lease")
    await queued_answer(line_bot, "Umalee", reply_token=None)
    claimed = (await OutboxSender(line_bot.services.db, line_bot.services.channels)._claim()).rows
    now = datetime.now(UTC)  # a moment after the claim
    leases = {row.recipient: row.claimed_until - now for row in claimed if row.claimed_until}
    assert REPLY_LEASE - timedelta(seconds=3) < leases["Usomchai"] <= REPLY_LEASE < timedelta(seconds=30)
    assert LEASE - timedelta(seconds=3) < leases["Umalee"] <= LEASE


async def test_a_reply_sent_by_a_sender_killed_before_recording_it_is_not_sent_again(line_bot: LineBot) -> None:
    await queued_answer(line_bot, "Usomchai", reply_token="rt-killed")
    await a_sender_dies_holding_it(line_bot, after_sending=True)
    assert len(line_bot.fake.delivered("reply")) == 1
    await its_lease_runs_out(line_bot)  # 20 s later: the token is still fresh

    await line_bot.services.outbox_sender.run_once()  # type: ignore[union-attr]

    assert len(line_bot.fake.calls(REPLY)) == 2  # the token was tried again, and LINE refused it: used
    assert line_bot.fake.calls(PUSH) == []  # so it was not pushed: the person saw the answer once
    assert len(line_bot.fake.delivered()) == 1
    [row] = await line_bot.outbox()
    assert row.status == "sent" and row.used_reply_token is True


async def test_a_reply_whose_sender_was_killed_before_sending_goes_by_token_once(line_bot: LineBot) -> None:
    await queued_answer(line_bot, "Usomchai", reply_token="rt-unsent")
    await a_sender_dies_holding_it(line_bot, after_sending=False)
    await its_lease_runs_out(line_bot)

    await line_bot.services.outbox_sender.run_once()  # type: ignore[union-attr]

    assert [d.kind for d in line_bot.fake.delivered()] == ["reply"]
    [row] = await line_bot.outbox()
    assert row.status == "sent" and row.used_reply_token is True


async def test_a_refused_token_on_a_first_attempt_is_still_pushed(line_bot: LineBot) -> None:
    """Only a row taken back from a dead sender reads a refusal as "already sent"."""
    await queued_answer(line_bot, "Usomchai", reply_token="expired-by-line")
    await line_bot.services.outbox_sender.run_once()  # type: ignore[union-attr]
    assert [d.kind for d in line_bot.fake.delivered()] == ["push"]
