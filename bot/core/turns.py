"""What a batch of turns loads and saves around the steps: the people who wrote and their conversations, in bulk.

A batch holds at most one event per chat (the oldest pending one), so each person and conversation appears once.
On PostgreSQL the conversations are locked for the batch (`FOR UPDATE`); the inbox claim already keeps a chat's
events on one worker at a time, the lock keeps anything else from slipping in between.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from bot.core.i18n import normalise_locale
from bot.core.types import Inbound
from storage.db import table_of, update_by_id
from storage.models import Conversation, Person, Role

ChatKey = tuple[str, str]  # (channel, platform user id)


def chat_of(inbound: Inbound) -> ChatKey:
    return inbound.channel, inbound.user


@dataclass
class Turn:
    """The state of one conversation while a step runs."""

    flow: str | None
    step: str | None
    flow_data: dict[str, Any]
    offered: dict[str, str]  # choice code -> label of the buttons last shown
    last: list[dict[str, Any]]  # the replies last sent, shown again when an old button is pressed
    deferred: dict[str, Any] | None = None  # a request made before the first-contact notice was answered

    @classmethod
    def of(cls, conversation: Conversation) -> Turn:
        data = conversation.data or {}
        return cls(
            flow=conversation.flow,
            step=conversation.step,
            flow_data=dict(data.get("flow", {})),
            offered=dict(data.get("offered", {})),
            last=list(data.get("last", [])),
            deferred=data.get("deferred"),
        )

    def saved(self, conversation: Conversation, now: datetime) -> dict[str, Any]:
        """The conversation's new columns, for one bulk UPDATE of the batch (`save_turns`)."""
        return {
            "id": conversation.id,
            "flow": self.flow,
            "step": self.step,
            "data": {"flow": self.flow_data, "offered": self.offered, "last": self.last, "deferred": self.deferred},
            "version": (conversation.version or 0) + 1,
            "updated_at": now,
        }


@dataclass
class Loaded:
    people: dict[ChatKey, Person] = field(default_factory=dict)
    conversations: dict[ChatKey, Conversation] = field(default_factory=dict)


def _by_channel(inbounds: Sequence[Inbound]) -> dict[str, list[str]]:
    users: dict[str, list[str]] = {}
    for inbound in inbounds:
        users.setdefault(inbound.channel, []).append(inbound.user)
    return users


async def load_for_turns(
    session: AsyncSession, inbounds: Sequence[Inbound], *, now: datetime, default_locale: str, lock: bool
) -> Loaded:
    """The people and conversations of these events, created where new: a few statements for the whole batch."""
    loaded = Loaded()
    for channel, users in _by_channel(inbounds).items():
        people = await session.scalars(
            select(Person).where(Person.channel == channel, Person.platform_user_id.in_(users))
        )
        loaded.people.update({(channel, p.platform_user_id): p for p in people})
        conversations = select(Conversation).where(Conversation.channel == channel, Conversation.user_id.in_(users))
        if lock:
            conversations = conversations.with_for_update()
        loaded.conversations.update({(channel, c.user_id): c for c in await session.scalars(conversations)})
    new_people = [_new_person(i, default_locale) for i in inbounds if chat_of(i) not in loaded.people]
    new_conversations = [
        Conversation(channel=i.channel, user_id=i.user, data={}, version=0, updated_at=now)
        for i in inbounds
        if chat_of(i) not in loaded.conversations
    ]
    if new_people or new_conversations:
        session.add_all([*new_people, *new_conversations])
        await session.flush()
        loaded.people.update({(p.channel, p.platform_user_id): p for p in new_people})
        loaded.conversations.update({(c.channel, c.user_id): c for c in new_conversations})
    for inbound in inbounds:
        _seen(loaded.people[chat_of(inbound)], inbound, now)
    return loaded


def _new_person(inbound: Inbound, default_locale: str) -> Person:
    return Person(
        channel=inbound.channel,
        platform_user_id=inbound.user,
        chat_id=inbound.user,
        display_name=inbound.display_name,
        locale=normalise_locale(inbound.locale, default_locale),
        role=Role.CITIZEN,
        is_reachable=True,
    )


def _seen(person: Person, inbound: Inbound, now: datetime) -> None:
    if inbound.display_name and not person.display_name and person.deleted_at is None:
        person.display_name = inbound.display_name
    # Written for the whole batch in one statement (`save_turns`), so it does not make every person dirty: a
    # step's query would flush them one by one.
    set_committed_value(person, "last_seen_at", now)


async def save_turns(
    session: AsyncSession, saved: Sequence[dict[str, Any]], people: Sequence[Person], now: datetime
) -> None:
    """The batch's conversations and when its people were last seen: two statements."""
    if saved:
        await update_by_id(session, Conversation, saved)
    if people:
        people_table = table_of(Person)
        await session.execute(
            update(people_table).where(people_table.c.id.in_([person.id for person in people])).values(last_seen_at=now)
        )
