"""Issue 16: with LOG_FORMAT=json every log line is one JSON object, and no line carries what people wrote, their
names, phone numbers or platform ids: a whole complaint journey, a message refused by Telegram and a step that
fails on what someone typed, logged as production logs them (bot/core/logs.py)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from sqlalchemy import update

from bot.core import logs
from bot.core.flow import Ctx, Flow, Outcome
from bot.core.types import Reply
from storage.models import Conversation
from tests.telegram.conftest import TelegramBot
from tests.telegram.test_complaint_journey import (
    DESCRIPTION,
    OFFICER_NOTE,
    SOMCHAI,
)
from tests.telegram.test_complaint_journey import (
    test_a_new_user_files_a_complaint_is_told_of_progress_and_follows_it as complaint_journey,
)
from tests.telegram.test_delivery import queue
from tests.telegram.updates import text_update

MALEE = 987650001
PHONE = "0812345678"
SECRET = f"บ้านเลขที่ 99/1 โทร {PHONE}"


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """The bot's own logging set up as `hpp-bot` does with LOG_FORMAT=json, into a buffer; pytest's capture
    handlers are kept, and everything is put back afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    names = (*logs.QUIET_LIBRARIES, "alembic.runtime")
    levels = {name: logging.getLogger(name).level for name in names}
    stream = io.StringIO()
    ours = logs.configure("INFO", "json", stream)
    for handler in handlers:
        root.addHandler(handler)
    yield stream
    root.removeHandler(ours)
    root.setLevel(level)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)


async def _breaks_on_what_was_typed(ctx: Ctx) -> Outcome:
    raise ValueError(f"cannot use {ctx.text!r} from {ctx.person.display_name}")


async def test_json_logs_are_one_object_a_line_and_carry_no_personal_data(
    tg: TelegramBot, json_log: io.StringIO
) -> None:
    await complaint_journey(tg)

    malee = await tg.known_citizen(MALEE)
    tg.api.fail_next(400, method="sendMessage", chat_id=MALEE, description=f"Bad Request: chat {MALEE} not found")
    await queue(tg, MALEE, Reply(SECRET), key="refused", person=malee)
    await tg.deliver_due()

    await tg.receive(text_update(MALEE, "เมนู"))
    tg.services.registry.add_flow(
        Flow("fragile", enter=_breaks_on_what_was_typed, steps={"x": _breaks_on_what_was_typed})
    )
    async with tg.services.db.write() as session:
        await session.execute(
            update(Conversation).where(Conversation.user_id == str(MALEE)).values(flow="fragile", step="x")
        )
    await tg.receive(text_update(MALEE, SECRET))  # its step raises; the traceback is logged once
    extras = {"outbox_id": 7, "text": SECRET, "phone": PHONE, "display_name": "Malee", "recipient": str(MALEE)}
    logging.getLogger("bot.test").warning("structured", extra=extras)

    lines = json_log.getvalue().splitlines()
    entries = [json.loads(line) for line in lines]  # every line is JSON
    assert len(entries) >= 3
    assert all({"time", "level", "logger", "message"} <= entry.keys() for entry in entries)
    assert any(entry.get("exc_type") == "ValueError" and "traceback" in entry for entry in entries)
    assert any("attempt 1 of 5 failed" in entry["message"] for entry in entries)
    [structured] = [entry for entry in entries if entry["message"] == "structured"]
    assert structured["outbox_id"] == 7 and "phone" not in structured  # known personal extras dropped
    said = "\n".join(json.dumps({k: v for k, v in e.items() if k != "time"}, ensure_ascii=False) for e in entries)
    for personal in (DESCRIPTION[:20], OFFICER_NOTE[:20], SECRET, PHONE, "Somchai", "Jaidee", str(SOMCHAI), str(MALEE)):
        assert personal not in said, personal
