"""The flow engine: one inbound event, one transaction.

For each event it loads the person and their conversation row, runs the step, and saves the new state, the
domain writes and the outgoing messages (outbox rows) together. Messages of one chat run one at a time in this
process (a lock per chat), and the conversation's `version` makes a second worker's stale step fail and retry,
so two workers never both apply a step.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import outbox
from bot.core.flow import Ctx, Flow, Outcome
from bot.core.i18n import _, normalise_locale, use_locale
from bot.core.media import MediaLinks
from bot.core.notify import queue_notifications
from bot.core.registry import Gate, Registry
from bot.core.types import Choice, Inbound, InboundKind, Reply, replies_from_json, replies_to_json
from bot.settings import Settings
from storage.db import Database
from storage.models import Conversation, InboxEvent, InboxStatus, Person

log = logging.getLogger(__name__)

LINE_REPLY_TOKEN_LIFETIME = timedelta(seconds=50)  # LINE allows about a minute; keep a margin for sending
MAX_HANDOVERS = 3  # a flow may start another, which may start another: no more, to rule out loops
STALE_RETRIES = 5


class StaleConversation(Exception):
    """Another worker saved this conversation first: roll back and run the step again on fresh state."""


@dataclass
class Turn:
    """The state of one conversation while a step runs."""

    flow: str | None
    step: str | None
    flow_data: dict[str, Any]
    offered: dict[str, str]  # choice code -> label of the buttons last shown
    last: list[dict[str, Any]]  # the replies last sent, shown again when an old button is pressed
    deferred: dict[str, Any] | None = None  # a request made before the first-contact notice was answered


def _now() -> datetime:
    return datetime.now(UTC)


class Engine:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        registry: Registry,
        links: MediaLinks,
        on_outbox: asyncio.Event | None = None,
    ) -> None:
        self.db = db
        self.settings = settings
        self.registry = registry
        self.links = links
        self.on_outbox = on_outbox
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    def _lock(self, key: str) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[key] = lock
        return lock

    async def process_inbox_row(self, inbox_id: int, inbound: Inbound) -> bool:
        """Apply one stored event exactly once. Returns False if another worker already applied it."""
        async with self._lock(f"{inbound.channel}:{inbound.user}"):
            for _attempt in range(STALE_RETRIES):
                try:
                    async with self.db.write() as session:
                        claimed = await session.execute(
                            update(InboxEvent)
                            .where(InboxEvent.id == inbox_id, InboxEvent.status == InboxStatus.PENDING)
                            .values(status=InboxStatus.DONE, processed_at=_now(), attempts=InboxEvent.attempts + 1)
                        )
                        if claimed.rowcount == 0:  # type: ignore[attr-defined]
                            return False
                        await self._apply(session, inbound, key=f"in:{inbox_id}")
                    if self.on_outbox is not None:
                        self.on_outbox.set()
                    return True
                except StaleConversation:
                    log.info("conversation %s:%s changed under us; running the step again", *_who(inbound))
            raise RuntimeError(f"conversation {inbound.channel}:{inbound.user} kept changing; gave up")

    async def _apply(self, session: AsyncSession, inbound: Inbound, *, key: str) -> None:
        now = _now()
        person = await _load_person(session, inbound, now, self.settings.default_locale)
        conv = await _load_conversation(session, inbound)
        turn = Turn(
            flow=conv.flow,
            step=conv.step,
            flow_data=dict((conv.data or {}).get("flow", {})),
            offered=dict((conv.data or {}).get("offered", {})),
            last=list((conv.data or {}).get("last", [])),
            deferred=(conv.data or {}).get("deferred"),
        )
        role_before = person.role
        with use_locale(person.locale):
            ctx = self._ctx(session, person, inbound, turn, now)
            replies = await self._dispatch(ctx, turn)
            await self._queue(session, person, inbound, replies, ctx, key, now)
        if person.role != role_before:
            await _queue_menu_change(session, person, key)
        if replies:
            turn.offered = {c.code: c.label for c in replies[-1].choices}
            turn.last = replies_to_json(replies[-1:])
        await _save_conversation(session, conv, turn)

    def _ctx(self, session: AsyncSession, person: Person, inbound: Inbound, turn: Turn, now: datetime) -> Ctx:
        return Ctx(
            session, person, inbound, turn.flow_data, self.settings, now, self.registry, self.links, step=turn.step
        )

    async def _dispatch(self, ctx: Ctx, turn: Turn) -> list[Reply]:
        inbound, registry = ctx.inbound, self.registry
        if inbound.kind is InboundKind.UNFOLLOW:
            ctx.person.is_reachable = False
            return []
        if inbound.kind is InboundKind.JOINED_GROUP:
            return [registry.replies.joined_group()]
        if inbound.is_group:
            matched = registry.match_command(ctx.text) if ctx.text else None
            return list(registry.replies.in_group(ctx, matched[0] if matched else None))
        # Whoever writes to us in private has not blocked the bot (any more). Telegram sends no follow event
        # when a user unblocks it, so without this their answers would be skipped as unreachable for good.
        ctx.person.is_reachable = True
        if inbound.kind is InboundKind.FOLLOW:
            return await self._run(ctx, turn, await registry.replies.on_follow(ctx))
        if inbound.kind is InboundKind.UNSUPPORTED:
            return [registry.replies.not_supported(), *replies_from_json(turn.last)]
        if inbound.kind is InboundKind.TEXT and len(ctx.text) > self.settings.max_text_length:
            return [
                Reply(
                    _(
                        "That message is too long: please keep it under {limit} characters.",
                        limit=self.settings.max_text_length,
                    )
                ),
                *replies_from_json(turn.last),
            ]

        gate = registry.gate
        if gate is not None and gate.flow in registry.flows and not gate.passed(ctx.person):
            return await self._through_gate(ctx, turn, gate)

        code, args = self._resolve_choice(ctx, turn)
        if code is None and inbound.kind is InboundKind.CHOICE:
            return [Reply(_("That menu has expired.")), *self._current_prompt(ctx, turn)]
        ctx.choice, ctx.args = code, args
        if code is not None:
            handled = await registry.global_outcome(ctx, code)
            if handled is not None:
                return await self._run(ctx, turn, handled)
            flow = registry.flow_for_code(code)
            if flow is not None:
                return await self._run(ctx, turn, Outcome(start=flow.name, start_args=args))
            prefixed = registry.prefixed_flow(code)
            if prefixed is not None and (turn.flow != prefixed[0].name or code not in turn.offered):
                return await self._run(ctx, turn, Outcome(start=prefixed[0].name, start_args=prefixed[1]))
        if turn.flow and turn.step:
            flow = registry.flows.get(turn.flow)
            step = flow.steps.get(turn.step) if flow else None
            if step is not None:
                return await self._run(ctx, turn, await step(ctx))
            log.warning("conversation in unknown step %s.%s: back to the menu", turn.flow, turn.step)
        return await self._run(ctx, turn, await registry.replies.on_idle(ctx))

    async def _through_gate(self, ctx: Ctx, turn: Turn, gate: Gate) -> list[Reply]:
        """Everyone completes the gate (the notice) before anything else. What they asked for meanwhile (a menu
        button, a command such as Telegram's "/start register-CODE") is kept and done right after it."""
        code, args = self._resolve_choice(ctx, turn)
        wanted = (code is not None and gate.keeps(code, args)) or self.registry.recognise_text(ctx.text) is not None
        if turn.flow != gate.flow:
            turn.deferred = ctx.inbound.to_json() if wanted else None
            return await self._run(ctx, turn, Outcome(start=gate.flow))
        ctx.choice, ctx.args = code, args
        during = await gate.during(ctx, code) if code is not None else None
        if during is not None:
            with use_locale(ctx.person.locale):  # the answer may just have changed the language
                return await self._run(ctx, turn, during)
        if code is not None and code not in turn.offered:
            if wanted:
                turn.deferred = ctx.inbound.to_json()
            return [gate.reminder(), *replies_from_json(turn.last)]
        step = self.registry.flows[gate.flow].steps.get(turn.step or "")
        outcome = await step(ctx) if step is not None else Outcome(start=gate.flow)
        replies = await self._run(ctx, turn, outcome)
        if turn.flow is None and gate.passed(ctx.person) and turn.deferred:
            replies = [replace(reply, choices=()) for reply in replies] + await self._replay(ctx, turn)
        return replies

    async def _replay(self, ctx: Ctx, turn: Turn) -> list[Reply]:
        """Do what the person asked for before the notice, as if they had just asked."""
        assert turn.deferred is not None
        inbound = Inbound.from_json(turn.deferred)
        turn.deferred, turn.offered = None, {}
        replay = self._ctx(ctx.session, ctx.person, inbound, turn, ctx.now)
        replies = await self._dispatch(replay, turn)
        ctx.notifications.extend(replay.notifications)
        return replies

    def _resolve_choice(self, ctx: Ctx, turn: Turn) -> tuple[str | None, str]:
        """A button press, a typed number from a numbered list, a typed label, or a command word."""
        inbound = ctx.inbound
        if inbound.kind is InboundKind.CHOICE and inbound.choice:
            code = inbound.choice
            if code in turn.offered or self.registry.is_global(code):
                return code, ""
            return None, ""
        if inbound.kind is not InboundKind.TEXT or not ctx.text:
            return None, ""
        typed = ctx.text.casefold()
        codes = list(turn.offered)
        if typed.isdigit() and 1 <= int(typed) <= len(codes):
            return codes[int(typed) - 1], ""
        for code, label in turn.offered.items():
            if label.casefold() == typed:
                return code, ""
        matched = self.registry.match_command(ctx.text)
        return matched if matched else (None, "")

    def _current_prompt(self, ctx: Ctx, turn: Turn) -> list[Reply]:
        if turn.flow and turn.last:
            return replies_from_json(turn.last)
        return [self.registry.main_menu(ctx.person)]

    async def _run(self, ctx: Ctx, turn: Turn, outcome: Outcome) -> list[Reply]:
        """Apply an outcome, following hand-overs to other flows' entries."""
        replies: list[Reply] = list(outcome.replies)
        for _hop in range(MAX_HANDOVERS):
            if outcome.start is None:
                break
            flow = self.registry.flows.get(outcome.start)
            if flow is None or not flow.allows(ctx.person.role):
                replies.append(self.registry.replies.not_available(ctx.person))
                turn.flow, turn.step, turn.flow_data = None, None, {}
                return replies
            turn.flow, turn.step = flow.name, None
            turn.flow_data.clear()
            ctx.step, ctx.args = None, outcome.start_args
            outcome = await flow.enter(ctx)
            replies.extend(outcome.replies)
        if outcome.start is not None:
            raise RuntimeError(f"too many flow hand-overs ending at {outcome.start}")
        if outcome.step is None:
            turn.flow, turn.step = None, None
            turn.flow_data.clear()
            if outcome.show_menu:
                with use_locale(ctx.person.locale):  # the step may just have changed the language
                    replies = _with_menu(replies, self.registry.menu_choices(ctx.person))
        else:
            turn.step = outcome.step
        return replies

    async def _queue(
        self,
        session: AsyncSession,
        person: Person,
        inbound: Inbound,
        replies: list[Reply],
        ctx: Ctx,
        key: str,
        now: datetime,
    ) -> None:
        if replies:
            token, expires = _reply_token(inbound, now)
            await outbox.enqueue(
                session,
                channel=inbound.channel,
                recipient=inbound.chat,
                replies=replies,
                key=key,
                person_id=person.id,
                reply_token=token,
                reply_token_expires_at=expires,
                is_group=inbound.is_group,
            )
        await queue_notifications(session, ctx.notifications)


async def _queue_menu_change(session: AsyncSession, person: Person, key: str) -> None:
    """A new role brings its own persistent menu (LINE's rich menu for officers); queued after the replies."""
    await outbox.enqueue(
        session,
        channel=person.channel,
        recipient=person.chat_id,
        replies=[Reply(menu_role=person.role)],
        key=f"{key}:menu",
        person_id=person.id,
    )


def _who(inbound: Inbound) -> tuple[str, str]:
    return inbound.channel, inbound.user


def _with_menu(replies: list[Reply], menu_choices: tuple[Choice, ...]) -> list[Reply]:
    if replies and not replies[-1].choices and replies[-1].card is None:
        return [*replies[:-1], replace(replies[-1], choices=menu_choices)]
    return [*replies, Reply(text=_("Anything else? Choose from the menu."), choices=menu_choices)]


def _reply_token(inbound: Inbound, now: datetime) -> tuple[str | None, datetime | None]:
    if not inbound.reply_token:
        return None, None
    received = inbound.received_at or now
    return inbound.reply_token, received + LINE_REPLY_TOKEN_LIFETIME


async def _load_person(session: AsyncSession, inbound: Inbound, now: datetime, default_locale: str) -> Person:
    person = await session.scalar(
        select(Person).where(Person.channel == inbound.channel, Person.platform_user_id == inbound.user)
    )
    if person is None:
        person = Person(
            channel=inbound.channel,
            platform_user_id=inbound.user,
            chat_id=inbound.user,
            display_name=inbound.display_name,
            locale=normalise_locale(inbound.locale, default_locale),
            role="citizen",
            is_reachable=True,
        )
        session.add(person)
        await session.flush()
    if inbound.display_name and not person.display_name and person.deleted_at is None:
        person.display_name = inbound.display_name
    person.last_seen_at = now
    return person


async def _load_conversation(session: AsyncSession, inbound: Inbound) -> Conversation:
    conv = await session.scalar(
        select(Conversation).where(Conversation.channel == inbound.channel, Conversation.user_id == inbound.user)
    )
    if conv is None:
        conv = Conversation(channel=inbound.channel, user_id=inbound.user, data={}, version=0)
        session.add(conv)
        await session.flush()
    return conv


async def _save_conversation(session: AsyncSession, conv: Conversation, turn: Turn) -> None:
    data = {"flow": turn.flow_data, "offered": turn.offered, "last": turn.last, "deferred": turn.deferred}
    saved = await session.execute(
        update(Conversation)
        .where(Conversation.id == conv.id, Conversation.version == conv.version)
        .values(flow=turn.flow, step=turn.step, data=data, version=conv.version + 1, updated_at=_now())
        .execution_options(synchronize_session=False)
    )
    if saved.rowcount == 0:  # type: ignore[attr-defined]
        raise StaleConversation(conv.id)


__all__ = ["Engine", "Flow", "StaleConversation"]
