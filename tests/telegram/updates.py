"""Telegram updates as the Bot API posts them (shapes from https://core.telegram.org/bots/api#update)."""

from __future__ import annotations

import itertools
import time
from typing import Any

_update_ids = itertools.count(5000)
_message_ids = itertools.count(1)


def user(
    user_id: int, *, first: str = "Somchai", last: str | None = "Jaidee", lang: str | None = "th"
) -> dict[str, Any]:
    data: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first}
    if last:
        data["last_name"] = last
    if lang:
        data["language_code"] = lang
    return data


def private_chat(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "type": "private", "first_name": "Somchai"}


def group_chat(chat_id: int) -> dict[str, Any]:
    return {"id": chat_id, "type": "supergroup", "title": "ศูนย์ดำรงธรรม"}


def message_update(
    user_id: int,
    *,
    chat: dict[str, Any] | None = None,
    update_id: int | None = None,
    lang: str | None = "th",
    **content: Any,
) -> dict[str, Any]:
    message = {
        "message_id": next(_message_ids),
        "date": int(time.time()),
        "chat": chat or private_chat(user_id),
        "from": user(user_id, lang=lang),
        **content,
    }
    return {"update_id": update_id if update_id is not None else next(_update_ids), "message": message}


def text_update(user_id: int, text: str, **kwargs: Any) -> dict[str, Any]:
    entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}] if text.startswith("/") else []
    return message_update(user_id, text=text, entities=entities, **kwargs)


def callback_update(
    user_id: int, data: str, *, message_id: int = 77, update_id: int | None = None, query_id: str | None = None
) -> dict[str, Any]:
    update_id = update_id if update_id is not None else next(_update_ids)
    return {
        "update_id": update_id,
        "callback_query": {
            "id": query_id or f"q{update_id}",
            "from": user(user_id),
            "chat_instance": "ci-1",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": private_chat(user_id),
                "from": {"id": 123, "is_bot": True, "first_name": "HPP Bot"},
                "text": "menu",
            },
        },
    }


def photo_update(user_id: int, file_id: str, *, size: int, caption: str | None = None) -> dict[str, Any]:
    sizes = [
        {"file_id": f"{file_id}-small", "file_unique_id": "s", "width": 90, "height": 67, "file_size": 1_000},
        {"file_id": file_id, "file_unique_id": "l", "width": 1280, "height": 960, "file_size": size},
        {"file_id": f"{file_id}-mid", "file_unique_id": "m", "width": 320, "height": 240, "file_size": 20_000},
    ]
    content: dict[str, Any] = {"photo": sizes}
    if caption:
        content["caption"] = caption
    return message_update(user_id, **content)


def location_update(user_id: int, latitude: float, longitude: float) -> dict[str, Any]:
    return message_update(user_id, location={"latitude": latitude, "longitude": longitude})
