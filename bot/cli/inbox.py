"""`hpp-bot inbox failed | retry ID`: the events that failed for good, and putting one back in the queue once
what broke it is fixed. Chats are shown by a short hash, never by their platform id."""

from __future__ import annotations

import argparse
import zoneinfo

from sqlalchemy import select, update

from bot.cli.common import add_command, add_group, refuse, with_database
from bot.core.failures import chat_ref
from bot.settings import Settings
from storage.db import Database
from storage.models import InboxEvent, InboxStatus

BANGKOK = zoneinfo.ZoneInfo("Asia/Bangkok")
LISTED = 200


@with_database
async def failed(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    async with db.read() as session:
        rows = (
            await session.execute(
                select(
                    InboxEvent.id,
                    InboxEvent.channel,
                    InboxEvent.chat_key,
                    InboxEvent.received_at,
                    InboxEvent.attempts,
                    InboxEvent.error,
                )
                .where(InboxEvent.status == InboxStatus.FAILED)
                .order_by(InboxEvent.id.desc())
                .limit(args.limit)
            )
        ).all()
    if not rows:
        print("hpp-bot: no failed inbox events")
        return 0
    print(f"{'id':>8}  {'platform':<9} {'chat':<12}  {'received (Bangkok)':<19}  {'tries':>5}  error")
    for row in reversed(rows):
        when = row.received_at.astimezone(BANGKOK).strftime("%Y-%m-%d %H:%M:%S")
        chat = chat_ref(row.chat_key)
        print(f"{row.id:>8}  {row.channel:<9} {chat:<12}  {when:<19}  {row.attempts:>5}  {row.error or ''}")
    print(f"hpp-bot: {len(rows)} failed event(s); `hpp-bot inbox retry ID` queues one again")
    return 0


@with_database
async def retry(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    async with db.write() as session:
        status = await session.scalar(select(InboxEvent.status).where(InboxEvent.id == args.id))
        if status is None:
            return refuse(f"no inbox event {args.id}")
        if status != InboxStatus.FAILED:
            return refuse(f"inbox event {args.id} is {status}, not failed: only a failed event is queued again")
        await session.execute(
            update(InboxEvent)
            .where(InboxEvent.id == args.id, InboxEvent.status == InboxStatus.FAILED)
            .values(status=InboxStatus.PENDING, attempts=0, next_attempt_at=None)
            .execution_options(synchronize_session=False)
        )
    print(f"hpp-bot: inbox event {args.id} queued again; the worker applies it next (its last error: kept)")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    inbox = add_group(subparsers, "inbox", "received events that could not be applied")
    listing = add_command(inbox, "failed", "list the events that failed for good (newest last)", failed)
    listing.add_argument("--limit", type=int, default=LISTED, help=f"at most this many (default {LISTED})")
    retrying = add_command(inbox, "retry", "queue a failed event again, once what broke it is fixed", retry)
    retrying.add_argument("id", type=int, help="the event's id, as `hpp-bot inbox failed` shows it")
