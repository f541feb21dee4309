"""The pace of sending, on a fake clock: the waits the throttle asks for."""

from __future__ import annotations

import pytest

from bot.channels.telegram import throttle as throttle_module
from bot.channels.telegram.throttle import Throttle


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    recorded: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        recorded.append(round(seconds, 3))

    monkeypatch.setattr(throttle_module.asyncio, "sleep", fake_sleep)
    return recorded


async def test_one_message_a_second_per_private_chat(waits: list[float]) -> None:
    throttle = Throttle(bot_interval=0, clock=Clock())
    for _ in range(3):
        await throttle.wait_turn("42", is_group=False)

    assert waits == [1.0, 2.0]  # booked slots: now, +1 s, +2 s


async def test_twenty_a_minute_per_group(waits: list[float]) -> None:
    throttle = Throttle(bot_interval=0, clock=Clock())
    await throttle.wait_turn("-100", is_group=True)
    await throttle.wait_turn("-100", is_group=True)

    assert waits == [3.0]


async def test_thirty_a_second_for_the_whole_bot(waits: list[float]) -> None:
    throttle = Throttle(clock=Clock())
    for chat in range(31):
        await throttle.wait_turn(str(chat), is_group=False)

    assert len(waits) == 30 and waits[-1] == pytest.approx(1.0)  # the 31st chat waits a full second


async def test_flood_control_holds_the_chat(waits: list[float]) -> None:
    clock = Clock()
    throttle = Throttle(bot_interval=0, clock=clock)
    throttle.hold("42", 7)
    await throttle.wait_turn("42", is_group=False)
    await throttle.wait_turn("43", is_group=False)

    assert waits == [7.0]
