"""Hypothesis strategies for webhook bodies: real LINE events and Telegram updates of every kind the bot reads,
then broken the ways a platform or a forger could break them (a field deleted or set to any JSON value, texts with
lone surrogates, Unicode digits, far too much text), and now and then a body that is any JSON at all."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from tests.line import events
from tests.telegram import updates

LINE_USERS = ["Usomchai", "Usomsri", "Ujohn"]  # known citizens, so turns reach the flows behind the menu
TELEGRAM_USERS = [4201, 4202, 4203]
TYPED = ["เมนู", "1", "2", "3", "²", "①", "๑๒๕๐", "1,250 จุด", "ยกเลิก", "ช่วยเหลือ", "แจ้งเรื่องร้องเรียน", "/start"]

lone_surrogates = st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1, max_size=3)
texts = st.one_of(
    st.sampled_from(TYPED),
    st.text(max_size=40),
    st.builds(lambda a, b, c: a + b + c, st.text(max_size=5), lone_surrogates, st.text(max_size=5)),
    st.builds(lambda n: "ก" * n, st.integers(4000, 9000)),  # over the platforms' own limits
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(-(2**70), 2**70),
    st.floats(),  # NaN and infinities too: json.dumps writes them and json.loads reads them back
    texts,
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path inside a JSON object (dict keys and list indexes)."""
    found: list[tuple[Any, ...]] = []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    for key, item in items:
        found.append((*prefix, key))
        found.extend(_paths(item, (*prefix, key)))
    return found


@st.composite
def broken(draw: st.DrawFn, valid: st.SearchStrategy[dict[str, Any]]) -> dict[str, Any]:
    """A valid object with up to two fields deleted or replaced by any JSON value."""
    value = json.loads(json.dumps(draw(valid)))
    for _mutation in range(draw(st.integers(0, 2))):
        paths = _paths(value)
        if not paths:
            break
        *parents, key = draw(st.sampled_from(paths))
        holder: Any = value
        for parent in parents:
            holder = holder[parent]
        if isinstance(holder, dict) and draw(st.booleans()):
            del holder[key]
        else:
            holder[key] = draw(json_values)
    return value


def _line_event(kind: str, user: str, text: str, number: float) -> dict[str, Any]:
    makers: dict[str, Callable[[], dict[str, Any]]] = {
        "text": lambda: events.text(user, text),
        "postback": lambda: events.postback(user, text[:300]),
        "follow": lambda: events.follow(user),
        "unfollow": lambda: events.unfollow(user),
        "image": lambda: events.image(user, text[:20] or "m1"),
        "location": lambda: events.location(user, number, number),
        "sticker": lambda: events.sticker(user),
        "group": lambda: events.text(user, text, group="Cgroup1"),
    }
    return makers[kind]()


line_users = st.sampled_from(LINE_USERS) | st.text(min_size=1, max_size=12)
line_events = st.builds(
    _line_event,
    st.sampled_from(
        ["text", "text", "text", "postback", "follow", "unfollow", "image", "location", "sticker", "group"]
    ),
    line_users,
    texts,
    st.floats(-200, 200),
)


@st.composite
def line_bodies(draw: st.DrawFn) -> bytes:
    if draw(st.integers(0, 19)) == 0:  # one body in twenty is any JSON at all
        return json.dumps(draw(json_values)).encode()
    body = {"destination": "Ubot", "events": draw(st.lists(broken(line_events), max_size=3))}
    return json.dumps(body).encode()


def _telegram_update(kind: str, user: int, text: str, number: float) -> dict[str, Any]:
    makers: dict[str, Callable[[], dict[str, Any]]] = {
        "text": lambda: updates.text_update(user, text),
        "press": lambda: updates.callback_update(user, text[:64]),
        "location": lambda: updates.location_update(user, number, number),
        "photo": lambda: updates.photo_update(user, "p1", size=int(abs(number)) * 1000, caption=text),
        "group": lambda: updates.text_update(user, "/" + text, chat=updates.group_chat(-100)),
        "venue": lambda: updates.message_update(
            user, location={"latitude": number, "longitude": number}, venue={"title": text, "address": text}
        ),
        "edited": lambda: {"update_id": 1, "edited_message": {"text": text}},
    }
    return makers[kind]()


telegram_users = st.sampled_from(TELEGRAM_USERS) | st.integers()
telegram_updates = st.builds(
    _telegram_update,
    st.sampled_from(["text", "text", "text", "press", "press", "location", "photo", "group", "venue", "edited"]),
    telegram_users,
    texts,
    st.floats(-200, 200),
)


@st.composite
def telegram_bodies(draw: st.DrawFn) -> bytes:
    if draw(st.integers(0, 19)) == 0:
        return json.dumps(draw(json_values)).encode()
    return json.dumps(draw(broken(telegram_updates))).encode()
