"""Signed bodies that are not usable events: read without crashing, counted, logged without their contents.

A platform re-sends what was answered with a 5xx and may switch the webhook off, and a row stored for an event that
cannot be applied loops in the inbox; so a webhook answers 200 for such a body and stores nothing of it. The log
line and the counter carry only a fixed reason chosen here, never the body's text, names or ids.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from typing import Any

from bot.core import metrics

log = logging.getLogger(__name__)

MAX_JSON_DEPTH = 32  # real LINE and Telegram bodies nest under 10 levels
# (channel, reason) -> how many bodies or events were acknowledged and dropped since the process started
DROPPED: Counter[tuple[str, str]] = Counter()


class Malformed(ValueError):
    """What a platform sent cannot be used; `reason` is a short fixed phrase, safe to log and to count."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def count_dropped(channel: str, reason: str) -> None:
    DROPPED[(channel, reason)] += 1
    metrics.webhook_dropped(channel, reason)
    log.warning("%s webhook: %s; acknowledged, nothing stored", channel, reason)


def load_json(raw: bytes) -> Any:
    """JSON from a request body, refused (Malformed) when it is not UTF-8 JSON or nests deeper than real bodies do."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise Malformed("body is not UTF-8") from None
    except RecursionError:
        raise Malformed("JSON nested too deeply") from None
    except ValueError:
        raise Malformed("body is not JSON") from None
    if _too_deep(data):
        raise Malformed("JSON nested too deeply")
    return data


def _too_deep(data: Any) -> bool:
    """Walked without recursion, so the check itself cannot overflow the stack."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return True
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
    return False


def dropped_total(channel: str) -> int:
    """How many bodies and events of `channel` were dropped since the process started (for /metrics and tests)."""
    return sum(count for (name, _reason), count in DROPPED.items() if name == channel)
