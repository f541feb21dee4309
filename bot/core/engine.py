"""The flow engine: it applies stored events to conversations, a batch at a time.

A batch holds the oldest pending event of each of many chats. In one write transaction it claims them in the
inbox, loads their people and conversations in bulk, runs each step, and writes the new states, the domain writes
and the outgoing messages (outbox rows, in one statement) together. A chat's events therefore go one at a time and
in order, and each is applied exactly once: the claim is an `UPDATE … WHERE status = 'pending' RETURNING`, which
on PostgreSQL also skips rows another worker has locked. A step that raises rolls the batch back; the batch runs
again without it, and that event is reported as failed for the inbox worker to record.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import outbox
from bot.core.courtesy import is_thanks
from bot.core.flow import Ctx, Flow, Outcome, finish
from bot.core.i18n import _, use_locale
from bot.core.media import MediaLinks
from bot.core.notify import notification_rows
from bot.core.numbers import parse_int
from bot.core.registry import Gate, Registry
from bot.core.turns import Turn, chat_of, load_for_turns, save_turns
from bot.core.types import Choice, Inbound, InboundKind, Reply, replies_from_json, replies_to_json
from bot.settings import Settings
from storage.db import Database
from storage.models import InboxEvent, InboxStatus, Person

log = logging.getLogger(__name__)

LINE_REPLY_TOKEN_LIFETIME = timedelta(seconds=50)  # LINE allows about a minute; keep a margin for sending
MAX_HANDOVERS = 3  # a flow may start another, which may start another: no more, to rule out loops


@dataclass(frozen=True)
class Pending:
    """A stored event waiting to be applied."""

    inbox_id: int
    inbound: Inbound


@dataclass
class Applied:
    """What a batch did: the events applied, and those whose step raised (nothing of theirs was kept)."""

    applied: list[int] = field(default_factory=list)
    failed: list[tuple[Pending, Exception]] = field(default_factory=list)
    seconds: float = 0.0


class StepFailed(Exception):
    """A step raised: the batch is rolled back and run again without this event."""

    def __init__(self, event: Pending, error: Exception) -> None:
        super().__init__(f"inbox {event.inbox_id}: {type(error).__name__}: {error}")
        self.event, self.error = event, error


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

    async def apply(self, events: Sequence[Pending]) -> Applied:
        """Apply a batch of events of distinct chats, each exactly once, in one transaction."""
        result = Applied()
        started = time.perf_counter()
        await self._apply_all(list(events), result)
        result.seconds = time.perf_counter() - started
        if result.applied and self.on_outbox is not None:
            self.on_outbox.set()
        return result

    async def _apply_all(self, events: list[Pending], result: Applied) -> None:
        """A step that raises leaves the batch; anything else that breaks it (an event the database cannot take,
        such as a chat id with a lone surrogate, which fails while the batch's people load) is found by applying
        the events one at a time, so one poison event never holds up the others."""
        remaining = events
        while remaining:
            try:
                async with self.db.write() as session:
                    result.applied += await self._apply_batch(session, remaining)
                return
            except StepFailed as failure:
                result.failed.append((failure.event, failure.error))
                remaining = [event for event in remaining if event is not failure.event]
            except Exception as error:
                if len(remaining) == 1:
                    result.failed.append((remaining[0], error))
                    return
                for event in remaining:
                    await self._apply_all([event], result)
                return

    async def process_inbox_row(self, inbox_id: int, inbound: Inbound) -> bool:
        """Apply one stored event exactly once. Returns False if it was applied already (by another worker)."""
        result = await self.apply([Pending(inbox_id, inbound)])
        if result.failed:
            raise result.failed[0][1]
        return bool(result.applied)

    async def _apply_batch(self, session: AsyncSession, events: list[Pending]) -> list[int]:
        now = _now()
        claimed = await _claim(session, [event.inbox_id for event in events], now)
        mine = [event for event in events if event.inbox_id in claimed]
        if not mine:
            return []
        loaded = await load_for_turns(
            session,
            [event.inbound for event in mine],
            now=now,
            default_locale=self.settings.default_locale,
            lock=not self.db.is_sqlite,
        )
        rows: list[dict[str, object]] = []
        saved: list[dict[str, object]] = []
        for event in mine:
            chat = chat_of(event.inbound)
            person, conversation = loaded.people[chat], loaded.conversations[chat]
            turn = Turn.of(conversation)
            try:
                rows += await self._turn(session, person, event, turn, now)
            except Exception as error:
                raise StepFailed(event, error) from error
            saved.append(turn.saved(conversation, now))
        await save_turns(session, saved, list(loaded.people.values()), now)
        await outbox.insert_rows(session, rows)
        return [event.inbox_id for event in mine]

    async def _turn(
        self, session: AsyncSession, person: Person, event: Pending, turn: Turn, now: datetime
    ) -> list[dict[str, object]]:
        """Run one step; returns the outbox rows it queues (replies, notifications, a new persistent menu)."""
        inbound, key = event.inbound, f"in:{event.inbox_id}"
        role_before = person.role
        with use_locale(person.locale):
            ctx = self._ctx(session, person, inbound, turn, now)
            replies = await self._dispatch(ctx, turn)
            rows = [*_reply_rows(person, inbound, replies, key, now), *notification_rows(ctx.notifications)]
        if person.role != role_before:
            rows.append(_menu_change_row(person, key))
        if replies:
            turn.offered = {c.code: c.label for c in replies[-1].choices}
            turn.last = replies_to_json(replies[-1:])
        return rows

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
        if not ctx.person.is_reachable:
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
            if step is not None and inbound.kind is InboundKind.TEXT and is_thanks(ctx.text):
                # A thank-you is not an answer: say "you're welcome" and ask the question again.
                welcome = _('You are welcome. To carry on, answer the question below; type "cancel" to stop.')
                return [Reply(welcome), *self._current_prompt(ctx, turn)]
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
        if turn.flow is None and gate.passed(ctx.person):
            replies = [replace(reply, choices=()) for reply in replies]
            if turn.deferred:
                return replies + await self._replay(ctx, turn)
            with use_locale(ctx.person.locale):
                return await self._run(ctx, turn, finish(*replies, gate.welcome()))
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
        number = parse_int(typed)
        if number is not None and 1 <= number <= len(codes):
            return codes[number - 1], ""
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


async def _claim(session: AsyncSession, ids: list[int], now: datetime) -> set[int]:
    """Mark the events applied, in this transaction; returns those that were still pending. On PostgreSQL rows
    another worker has locked are skipped, not waited for."""
    still_pending = (
        select(InboxEvent.id)
        .where(InboxEvent.id.in_(ids), InboxEvent.status == InboxStatus.PENDING)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    claimed = await session.scalars(
        update(InboxEvent)
        .where(InboxEvent.id.in_(still_pending))
        .values(status=InboxStatus.DONE, processed_at=now, attempts=InboxEvent.attempts + 1)
        .returning(InboxEvent.id)
        .execution_options(synchronize_session=False)
    )
    return set(claimed.all())


def _reply_rows(
    person: Person, inbound: Inbound, replies: list[Reply], key: str, now: datetime
) -> list[dict[str, object]]:
    if not replies:
        return []
    token, expires = _reply_token(inbound, now)
    row = outbox.new_row(
        key=key,
        channel=inbound.channel,
        recipient=inbound.chat,
        payload=replies_to_json(replies),
        next_attempt_at=now,
        person_id=person.id,
        reply_token=token,
        reply_token_expires_at=expires,
        is_group=inbound.is_group,
    )
    return [row]


def _menu_change_row(person: Person, key: str) -> dict[str, object]:
    """A new role brings its own persistent menu (LINE's rich menu for officers); queued after the replies."""
    return outbox.new_row(
        key=f"{key}:menu",
        channel=person.channel,
        recipient=person.chat_id,
        payload=replies_to_json([Reply(menu_role=person.role)]),
        next_attempt_at=datetime.now(UTC),
        person_id=person.id,
    )


def _with_menu(replies: list[Reply], menu_choices: tuple[Choice, ...]) -> list[Reply]:
    if replies and not replies[-1].choices and replies[-1].card is None:
        return [*replies[:-1], replace(replies[-1], choices=menu_choices)]
    return [*replies, Reply(text=_("Anything else? Choose from the menu."), choices=menu_choices)]


def _reply_token(inbound: Inbound, now: datetime) -> tuple[str | None, datetime | None]:
    if not inbound.reply_token:
        return None, None
    received = inbound.received_at or now
    return inbound.reply_token, received + LINE_REPLY_TOKEN_LIFETIME


__all__ = ["Applied", "Engine", "Flow", "Pending"]
