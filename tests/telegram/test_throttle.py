"""The pace of sending, on a fake clock: the waits the throttle asks for."""

from __future__ import annotations

import pytest

from bot.channels.telegram.throttle import Throttle


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Sleeps:
    """Records the waits instead of sleeping; the clock does not move."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(round(seconds, 3))


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


async def test_a_private_chat_gets_three_at_once_then_one_a_second(sleeps: Sleeps) -> None:
    throttle = Throttle(bot_interval=0, clock=Clock(), sleep=sleeps)
    for _ in range(5):
        await throttle.wait_turn("42", is_group=False)

    assert sleeps.waits == [1.0, 2.0]  # the burst of three at once, then +1 s and +2 s


async def test_the_burst_comes_back_after_a_quiet_while(sleeps: Sleeps) -> None:
    clock = Clock()
    throttle = Throttle(bot_interval=0, clock=clock, sleep=sleeps)
    for _ in range(3):
        await throttle.wait_turn("42", is_group=False)
    clock.now += 3.0  # three quiet seconds refill the bucket
    for _ in range(3):
        await throttle.wait_turn("42", is_group=False)

    assert sleeps.waits == []


async def test_twenty_a_minute_per_group(sleeps: Sleeps) -> None:
    throttle = Throttle(bot_interval=0, clock=Clock(), sleep=sleeps)
    await throttle.wait_turn("-100", is_group=True)
    await throttle.wait_turn("-100", is_group=True)

    assert sleeps.waits == [3.0]


async def test_thirty_a_second_for_the_whole_bot(sleeps: Sleeps) -> None:
    throttle = Throttle(clock=Clock(), sleep=sleeps)
    for chat in range(31):
        await throttle.wait_turn(str(chat), is_group=False)

    assert len(sleeps.waits) == 30 and sleeps.waits[-1] == pytest.approx(1.0)  # the 31st chat waits a second


async def test_flood_control_holds_the_chat(sleeps: Sleeps) -> None:
    throttle = Throttle(bot_interval=0, clock=Clock(), sleep=sleeps)
    throttle.hold("42", 7)
    await throttle.wait_turn("42", is_group=False)
    await throttle.wait_turn("43", is_group=False)

    assert sleeps.waits == [7.0]
