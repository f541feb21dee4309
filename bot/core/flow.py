"""How a conversation flow is declared.

A flow names its steps (a `StrEnum`) and gives each step a short async function. A step gets a `Ctx` (the
person, their input, the flow's saved data, the open database session) and returns an `Outcome`: the replies
and the next step. The engine loads and saves the state and the domain writes in one transaction.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.media import MediaLinks
from bot.core.notify import Notification
from bot.core.types import Choice, Inbound, InboundKind, Reply
from bot.settings import Settings
from storage.models import Person


class Gatekeeper(Protocol):
    """The flow everyone completes first (the registry's `Gate`), as a step sees it."""

    @property
    def flow(self) -> str: ...

    @property
    def passed(self) -> Callable[[Person], bool]: ...


class Conversations(Protocol):
    """What a step may ask of the registry of conversations (bot/core/registry.py)."""

    @property
    def flows(self) -> Mapping[str, Flow]: ...

    @property
    def gate(self) -> Gatekeeper | None: ...

    def menu_choices(self, person: Person) -> tuple[Choice, ...]: ...

    def recognise_text(self, text: str) -> tuple[Flow, str] | None: ...


@dataclass(eq=False)
class Ctx:
    """Everything a step may use. `data` is the flow's own saved state (JSON-serialisable values only)."""

    session: AsyncSession
    person: Person
    inbound: Inbound
    data: dict[str, Any]
    settings: Settings
    now: datetime
    registry: Conversations
    links: MediaLinks
    choice: str | None = None  # the resolved choice code: a button, a typed number or a typed label
    args: str = ""  # the rest of a command's text, e.g. the code in "/register ABC123"
    step: str | None = None  # the step being answered
    notifications: list[Notification] = field(default_factory=list)

    @property
    def text(self) -> str:
        return (self.inbound.text or "").strip()

    @property
    def kind(self) -> InboundKind:
        return self.inbound.kind

    def notify(self, person: Person, build: Callable[[], Sequence[Reply]], key: str) -> None:
        self.notifications.append(Notification(person, build, key))


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a step decided. `step=None` ends the flow; `start` hands over to another flow's entry."""

    replies: tuple[Reply, ...] = ()
    step: str | None = None
    start: str | None = None
    start_args: str = ""
    show_menu: bool = False


def goto(step: str, *replies: Reply) -> Outcome:
    """Stay in the flow and wait for the answer to `step`."""
    return Outcome(replies=replies, step=str(step))


def stay(ctx: Ctx, *replies: Reply) -> Outcome:
    """Repeat the current step (after a bad answer)."""
    return Outcome(replies=replies, step=ctx.step)


def finish(*replies: Reply, menu: bool = True) -> Outcome:
    """End the flow; by default the main menu is offered with the last reply."""
    return Outcome(replies=replies, step=None, show_menu=menu)


def switch(flow: str, *replies: Reply, args: str = "") -> Outcome:
    """End this flow and start another (its entry runs right after these replies)."""
    return Outcome(replies=replies, start=flow, start_args=args)


StepFn = Callable[[Ctx], Awaitable[Outcome]]


@dataclass(frozen=True)
class Flow:
    """A named conversation: `enter` runs when it starts, `steps` answer the user's input."""

    name: str
    enter: StepFn
    steps: Mapping[str, StepFn]
    roles: frozenset[str] | None = None  # who may start it; None = everyone
    private_only: bool = True  # refused in group chats

    def allows(self, role: str) -> bool:
        return self.roles is None or role in self.roles


def choices(*pairs: tuple[str, str]) -> tuple[Choice, ...]:
    return tuple(Choice(code, label) for code, label in pairs)


class StepName(enum.StrEnum):
    """Base for a flow's step names."""
