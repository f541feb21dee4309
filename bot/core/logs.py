"""How the bot logs: plain lines (`LOG_FORMAT=text`, the default) or one JSON object a line (`LOG_FORMAT=json`),
for a log collector. Neither carries what people wrote, their names, phone numbers or platform ids:

- the bot's own log calls name rows by id and chats by a short hash (bot/core/failures.py), never by content;
- an exception is shown by its type and frames, without its message: a database error's message lists the
  statement's parameters (a reply's text), a codec error quotes the text around the bad character;
- structured extras (`log.info(..., extra={"outbox_id": 5})`) become JSON fields, except known personal ones;
- the platform libraries' DEBUG output (request bodies) is held back to INFO.
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from datetime import UTC, datetime
from typing import Any, TextIO

# Extras that would carry a person's words or identity: dropped, whoever passes them.
PERSONAL_EXTRAS = frozenset(
    {
        "text",
        "payload",
        "body",
        "name",
        "display_name",
        "phone",
        "user",
        "user_id",
        "platform_user_id",
        "chat",
        "chat_id",
        "recipient",
        "recipients",
        "reply_token",
        "message",
    }
)
# What every LogRecord has (and uvicorn's coloured copy of the message): not extras.
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName", "color_message"}
# Libraries that log request bodies or statement parameters at DEBUG.
QUIET_LIBRARIES = (
    "httpx",
    "httpcore",
    "telegram",
    "linebot",
    "aiohttp",
    "urllib3",
    "asyncio",
    "aiosqlite",  # its DEBUG lines carry every statement's parameters
    "sqlalchemy",
    "asyncpg",
)


def exception_summary(exc_info: Any) -> str:
    """'Traceback (most recent call last): ... ExceptionType', frames kept, every message left out (also of
    the exceptions it was raised from)."""
    _type, exc, _tb = exc_info
    if exc is None:
        return ""
    lines: list[str] = []
    seen: set[int] = set()
    link: BaseException | None = exc
    while link is not None and id(link) not in seen:
        seen.add(id(link))
        frames = "".join(traceback.format_list(traceback.extract_tb(link.__traceback__)))
        lines.insert(0, f"Traceback (most recent call last):\n{frames}{type(link).__module__}.{type(link).__name__}")
        link = link.__cause__ or link.__context__
    return "\n(raised while handling the above)\n".join(lines)


class PrivateFormatter(logging.Formatter):
    """The plain format, with tracebacks that leave out exception messages."""

    def formatException(self, ei: Any) -> str:  # logging calls it by this name
        return exception_summary(ei)


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, the extras, and an exception's type and frames."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in PERSONAL_EXTRAS and not key.startswith("_"):
                entry[key] = value if isinstance(value, int | float | bool | None) else str(value)
        if record.exc_info and record.exc_info[1] is not None:
            entry["exc_type"] = type(record.exc_info[1]).__name__
            entry["traceback"] = exception_summary(record.exc_info)
        return json.dumps(entry, ensure_ascii=True)  # a lone surrogate in a message cannot break the line


def configure(level: str = "INFO", fmt: str = "text", stream: TextIO | None = None) -> logging.Handler:
    """Send every logger's records to `stream` (stderr) in the chosen format; returns the handler."""
    handler = logging.StreamHandler(stream or sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(PrivateFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in QUIET_LIBRARIES:  # raised, never lowered: SQLAlchemy keeps itself at WARNING, or it logs SQL
        library = logging.getLogger(name)
        library.setLevel(max(library.level, logging.INFO, root.level))
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime").setLevel(logging.WARNING)  # the schema check at start-up is not news
    return handler
