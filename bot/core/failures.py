"""Failures told by kind, never by content: what is logged or recorded about a failure is a short ASCII label
and where in the code it happened, since an exception's message may carry what a citizen wrote (a ValueError
quoting their text, a codec error around a lone surrogate)."""

from __future__ import annotations

import enum
import hashlib
import traceback

from sqlalchemy.exc import SQLAlchemyError

MAX_ERROR_CHARS = 200


class FailureKind(enum.StrEnum):
    ENCODING = "encoding"  # text no database or platform can take (a lone surrogate)
    DATABASE = "database"  # the database refused or was unreachable
    PAYLOAD = "payload"  # a stored event or message that cannot be read back
    STEP = "step"  # anything else: a bug in a conversation step or the engine


def kind_of(exc: BaseException) -> FailureKind:
    if any(isinstance(link, UnicodeError) for link in _chain(exc)):
        return FailureKind.ENCODING
    if isinstance(exc, SQLAlchemyError):
        return FailureKind.DATABASE
    if isinstance(exc, KeyError | TypeError | ValueError) and _raised_in(exc, "from_json"):
        return FailureKind.PAYLOAD
    return FailureKind.STEP


def describe(exc: BaseException) -> str:
    """'kind: ExceptionType at module.py:123', ASCII and short: safe to log and to store anywhere."""
    where = location(exc)
    label = f"{kind_of(exc)}: {type(exc).__name__}" + (f" at {where}" if where else "")
    return ascii_safe(label)


def location(exc: BaseException) -> str:
    """The innermost frame of our own code the exception went through ('bot/core/engine.py:123')."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [frame for frame in frames if "/site-packages/" not in frame.filename] or frames
    if not ours:
        return ""
    frame = ours[-1]
    path = frame.filename.replace("\\", "/")
    for root in ("/bot/", "/handlers/", "/storage/"):
        if root in path:
            path = root.lstrip("/") + path.split(root, 1)[1]
            break
    else:
        path = path.rsplit("/", 1)[-1]
    return f"{path}:{frame.lineno}"


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and those it was raised from or while handling (a driver's codec error inside SQLAlchemy's)."""
    found: list[BaseException] = []
    link: BaseException | None = exc
    while link is not None and link not in found and len(found) < 20:
        found.append(link)
        link = link.__cause__ or link.__context__
    return found


def _raised_in(exc: BaseException, function: str) -> bool:
    return any(frame.name == function for frame in traceback.extract_tb(exc.__traceback__))


def ascii_safe(text: str, limit: int = MAX_ERROR_CHARS) -> str:
    """Printable ASCII only (anything else escaped), cut to `limit`: a write of it cannot fail on encoding."""
    escaped = text.encode("ascii", "backslashreplace").decode("ascii")
    return "".join(ch if ch.isprintable() else "?" for ch in escaped)[:limit]


def storable(text: str, limit: int = 500) -> str:
    """Valid UTF-8 text (a lone surrogate escaped, Thai kept), cut to `limit`: for errors worth reading later."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")[:limit]


def chat_ref(key: str) -> str:
    """A short, stable stand-in for a chat in logs and listings: the platform id itself is personal data."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:12]
