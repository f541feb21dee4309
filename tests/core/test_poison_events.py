"""Issue 16, finding 4: a poison event (one that can never be applied) is tried a few times, with a wait between
tries, then marked failed by a write that cannot fail on its payload; it never loops, never holds up other chats,
and `hpp-bot inbox failed | retry ID` shows it and queues it again."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, select, update

from bot.core.failures import chat_ref
from bot.core.flow import Ctx, Flow, Outcome, finish, goto
from bot.core.inbox import InboxWorker
from bot.core.receive import store_inbound
from bot.core.types import Inbound, InboundKind, Reply
from bot.services import Services
from storage.models import Conversation, InboxEvent, InboxStatus, OutboxMessage
from tests.conftest import make_settings
from tests.core.conftest import known_person
from tests.support.chat import RecordingChannel, pump
from tests.support.cli import hpp_bot

ATTEMPTS = 5


def text_event(user: str, text: str, event_id: str, *, chat: str | None = None) -> Inbound:
    return Inbound(
        channel="simulator",
        user=user,
        chat=chat or user,
        kind=InboundKind.TEXT,
        text=text,
        event_id=event_id,
        received_at=datetime.now(UTC),
    )


@pytest.fixture
async def quick(any_database_url: str) -> AsyncIterator[Services]:
    """The services with no wait between attempts, so a drain runs them all."""
    settings = make_settings(any_database_url, inbox_retry_seconds=0)
    services = Services.build(settings, channels={"simulator": RecordingChannel()})
    await services.open()
    yield services
    await services.close()


class Broken:
    """A flow step that raises until it is mended."""

    def __init__(self) -> None:
        self.mended = False

    async def enter(self, ctx: Ctx) -> Outcome:
        return goto("write", Reply("พิมพ์อะไรก็ได้"))

    async def write(self, ctx: Ctx) -> Outcome:
        if not self.mended:
            raise RuntimeError(f"the step broke on {ctx.text!r}")
        return finish(Reply("บันทึกแล้ว"))


async def in_broken_step(services: Services, user: str) -> Broken:
    broken = Broken()
    services.registry.add_flow(Flow("broken", enter=broken.enter, steps={"write": broken.write}))
    await known_person(services, user)
    await store_inbound(services.db, [text_event(user, "สวัสดี", f"{user}-0")])
    await pump(services)
    async with services.db.write() as session:
        await session.execute(
            update(Conversation).where(Conversation.user_id == user).values(flow="broken", step="write")
        )
    return broken


async def inbox_row(services: Services, event_id: str) -> InboxEvent:
    async with services.db.read() as session:
        row = await session.scalar(select(InboxEvent).where(InboxEvent.event_id == event_id))
    assert row is not None
    return row


async def test_an_event_that_always_fails_ends_failed_after_its_attempts_with_one_traceback(
    quick: Services, caplog: pytest.LogCaptureFixture
) -> None:
    await in_broken_step(quick, "noi")
    await store_inbound(quick.db, [text_event("noi", "ข้อความลับของน้อย", "noi-1")])
    caplog.set_level(logging.INFO)
    await pump(quick)
    await pump(quick)  # nothing more happens: it is not pending any more
    row = await inbox_row(quick, "noi-1")
    assert row.status == InboxStatus.FAILED and row.attempts == ATTEMPTS
    assert row.error is not None and row.error.startswith("step: RuntimeError at test_poison_events.py:")
    attempts = [r for r in caplog.records if "failed: step" in r.getMessage() and " attempt " in r.getMessage()]
    assert len(attempts) == ATTEMPTS
    assert len([r for r in caplog.records if r.exc_info]) == 1  # the traceback once, not at every attempt
    assert "noi" not in caplog.text.replace(chat_ref("simulator:noi"), "")  # the chat is told by its hash
    recorder = quick.channels["simulator"]
    assert isinstance(recorder, RecordingChannel)
    assert recorder.replies_to("noi")[-1].text == "ขออภัย ระบบขัดข้องชั่วคราว กรุณาลองใหม่อีกครั้งในอีกสักครู่"


async def test_a_failed_attempt_waits_before_the_next_and_the_chats_later_events_wait_behind_it(
    services: Services,
) -> None:
    await in_broken_step(services, "dao")
    await known_person(services, "lek")
    await store_inbound(services.db, [text_event("dao", "หนึ่ง", "dao-1"), text_event("dao", "สอง", "dao-2")])
    await store_inbound(services.db, [text_event("lek", "เมนู", "lek-1")])
    await pump(services)
    first, second = await inbox_row(services, "dao-1"), await inbox_row(services, "dao-2")
    assert first.status == InboxStatus.PENDING and first.attempts == 1  # not tried again at once
    assert first.next_attempt_at is not None and first.next_attempt_at > datetime.now(UTC)
    assert second.status == InboxStatus.PENDING and second.attempts == 0  # the chat's order is kept
    assert (await inbox_row(services, "lek-1")).status == InboxStatus.DONE  # other chats go on


async def test_the_cli_lists_a_failed_event_and_queues_it_again(
    quick: Services, any_database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = await in_broken_step(quick, "malee")
    await store_inbound(quick.db, [text_event("malee", "ถนนพัง", "malee-1")])
    await pump(quick)
    row = await inbox_row(quick, "malee-1")
    assert row.status == InboxStatus.FAILED

    assert await asyncio.to_thread(hpp_bot, any_database_url, "inbox", "failed") == 0
    listed = capsys.readouterr().out
    assert f"{row.id:>8}  simulator" in listed and chat_ref("simulator:malee") in listed
    assert "step: RuntimeError" in listed and "malee" not in listed and "ถนนพัง" not in listed

    broken.mended = True
    assert await asyncio.to_thread(hpp_bot, any_database_url, "inbox", "retry", str(row.id)) == 0
    assert f"inbox event {row.id} queued again" in capsys.readouterr().out
    await pump(quick)
    row = await inbox_row(quick, "malee-1")
    assert row.status == InboxStatus.DONE
    recorder = quick.channels["simulator"]
    assert isinstance(recorder, RecordingChannel)
    assert recorder.replies_to("malee")[-1].text.startswith("บันทึกแล้ว")


async def test_retrying_an_unknown_or_unfailed_event_is_refused(
    quick: Services, any_database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    await known_person(quick, "wan")
    await store_inbound(quick.db, [text_event("wan", "เมนู", "wan-1")])
    await pump(quick)
    row = await inbox_row(quick, "wan-1")
    assert await asyncio.to_thread(hpp_bot, any_database_url, "inbox", "retry", "999999") == 2
    assert "no inbox event 999999" in capsys.readouterr().err
    assert await asyncio.to_thread(hpp_bot, any_database_url, "inbox", "retry", str(row.id)) == 2
    assert f"inbox event {row.id} is done, not failed" in capsys.readouterr().err
    assert (await inbox_row(quick, "wan-1")).status == InboxStatus.DONE  # left as it was
    assert await asyncio.to_thread(hpp_bot, any_database_url, "inbox", "failed") == 0
    assert "no failed inbox events" in capsys.readouterr().out


async def test_a_lone_surrogate_chat_id_ends_failed_and_holds_up_no_one(
    quick: Services, caplog: pytest.LogCaptureFixture
) -> None:
    """The probe's poison: a Telegram update whose chat id is "\\ud800" was retried twice a second for ever."""
    await known_person(quick, "somchai")
    caplog.set_level(logging.INFO)
    poison = text_event("u-poison", "hello", "poison-1", chat="\ud800")
    async with quick.db.write() as session:  # as it was stored before the inbox made text valid (see below)
        await session.execute(
            insert(InboxEvent).values(
                channel="simulator",
                event_id="poison-1",
                chat_key="simulator:u-poison",
                payload=poison.to_json(),
                status=InboxStatus.PENDING,
                attempts=0,
            )
        )
    await store_inbound(quick.db, [text_event("somchai", "เมนู", "ok-1")])
    await pump(quick)
    row = await inbox_row(quick, "poison-1")
    assert row.status == InboxStatus.FAILED and row.attempts == ATTEMPTS
    assert row.error is not None and row.error.startswith("encoding: ")
    assert (await inbox_row(quick, "ok-1")).status == InboxStatus.DONE
    async with quick.db.read() as session:
        recipients = (await session.scalars(select(OutboxMessage.recipient))).all()
    assert recipients == ["somchai"]  # no apology to a chat that cannot exist
    assert len([r for r in caplog.records if r.exc_info]) <= 1


async def test_a_payload_that_cannot_be_read_back_ends_failed(quick: Services) -> None:
    async with quick.db.write() as session:
        await session.execute(
            insert(InboxEvent).values(
                channel="simulator",
                event_id="garbled-1",
                chat_key="simulator:garbled",
                payload={"kind": "no such kind"},
                status=InboxStatus.PENDING,
                attempts=0,
            )
        )
    worker = quick.inbox_worker
    assert isinstance(worker, InboxWorker)
    assert await worker.drain() == ATTEMPTS  # one attempt a round, then nothing
    row = await inbox_row(quick, "garbled-1")
    assert row.status == InboxStatus.FAILED and row.error is not None and row.error.startswith("payload: ")


async def test_the_inbox_stores_a_lone_surrogate_as_valid_text(quick: Services) -> None:
    """What a platform sends is made valid Unicode before it is stored: the event is then applied normally."""
    assert await store_inbound(quick.db, [text_event("\ud800-user", "ab\udc00c", "surrogate-1")]) == 1
    row = await inbox_row(quick, "surrogate-1")
    assert row.chat_key == "simulator:?-user" and row.payload["text"] == "ab?c"
    await pump(quick)
    assert (await inbox_row(quick, "surrogate-1")).status == InboxStatus.DONE
