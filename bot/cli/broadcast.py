"""`hpp-bot broadcast`: pick the target, preview the count, confirm, then send with a progress bar and a final
report (or schedule it for the workers with --at)."""

from __future__ import annotations

import argparse
import asyncio
import mimetypes
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.common import add_command, refuse, with_database
from bot.cli.progress import ProgressBar
from bot.core.i18n import BANGKOK
from bot.core.inbox import store_media
from bot.core.text import shorten
from bot.domain.agendas import province_named
from bot.domain.broadcasts import (
    BroadcastReport,
    Target,
    broadcast_report,
    broadcast_round,
    cancel_scheduled,
    count_audience,
    create_broadcast,
    scheduled_broadcasts,
    target_named,
)
from bot.domain.values import BadValue
from bot.domain.when import PastTime, parse_when
from bot.settings import Settings
from storage.db import Database
from storage.models import Broadcast, BroadcastStatus

IMAGE_TYPES = ("image/jpeg", "image/png")
PROGRESS_SECONDS = 0.5


async def resolve_target(session: AsyncSession, args: argparse.Namespace) -> Target:
    """The command's --role/--province/--district/--agency/--sector/--channel as ids."""
    if (args.district or args.agency) and not args.province:
        raise BadValue("--district and --agency need --province")
    return await target_named(
        session,
        await province_named(session, args.province) if args.province else None,
        role=args.role,
        district=args.district,
        agency=args.agency,
        sector=args.sector,
        channel=args.channel,
    )


def _parse_at(text: str | None) -> datetime | None:
    """ISO (UTC unless it says), or as staff say it in chat: "พรุ่งนี้ 8 โมงเช้า", "friday 16:00" (Bangkok)."""
    if not text:
        return None
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        try:
            return parse_when(text, datetime.now(UTC))
        except PastTime as past:
            raise BadValue(f"--at {text!r} is {past.at.isoformat()}, which has passed") from None
        except BadValue:
            raise BadValue(f"--at is not a time: {text!r} (e.g. 2027-01-05T09:00+07:00 or 'พรุ่งนี้ 8 โมงเช้า')") from None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


async def _list_scheduled(db: Database) -> int:
    async with db.read() as session:
        waiting = await scheduled_broadcasts(session, None)
    for item in waiting:
        assert item.scheduled_at is not None
        print(
            f"#{item.id} {item.scheduled_at.astimezone(BANGKOK).isoformat()} to {item.total}: {shorten(item.text, 60)}"
        )
    print(f"{len(waiting)} scheduled")
    return 0


async def _cancel(db: Database, broadcast_id: int) -> int:
    async with db.write() as session:
        cancelled = await cancel_scheduled(session, broadcast_id)
    if not cancelled:
        return refuse(f"broadcast #{broadcast_id} is not waiting to be sent (started, done or cancelled)")
    print(f"broadcast #{broadcast_id} cancelled: nobody received it")
    return 0


async def _image(db: Database, path: str | None) -> int | None:
    if not path:
        return None
    content_type = mimetypes.guess_type(path)[0]
    if content_type not in IMAGE_TYPES:
        raise BadValue(f"{path}: send a .jpg or .png image")
    data = await asyncio.to_thread(Path(path).read_bytes)
    return await store_media(db, data, content_type, filename=Path(path).name)


async def deliver_with_progress(settings: Settings, broadcast_id: int) -> BroadcastReport:
    """Queue the recipients and run the outbox sender here, as the worker does, until every recipient is sent,
    failed or skipped; the bar follows the recipients done."""
    from bot.services import Services

    services = Services.build(settings)
    await services.open()
    sender = services.outbox_sender
    assert sender is not None
    sending = asyncio.create_task(sender.run(), name="outbox-sender")
    try:
        report, status = await _progress(services.db, broadcast_id)
        bar = ProgressBar(report.total, f"broadcast #{broadcast_id}")
        while status != BroadcastStatus.DONE:
            if await broadcast_round(services.db):
                services.outbox_wakeup.set()
            await asyncio.sleep(PROGRESS_SECONDS)
            report, status = await _progress(services.db, broadcast_id)
            bar.update(report.done, f"sent {report.sent} failed {report.failed} skipped {report.skipped}")
        bar.close()
        print(
            f"broadcast #{broadcast_id} done: {report.sent} sent, {report.failed} failed, "
            f"{report.skipped} skipped (unreachable or deleted) of {report.total}"
        )
        return report
    finally:
        sender.stop()
        await sending
        await services.close()


async def _progress(db: Database, broadcast_id: int) -> tuple[BroadcastReport, str | None]:
    async with db.read() as session:
        report = await broadcast_report(session, broadcast_id)
        status = await session.scalar(select(Broadcast.status).where(Broadcast.id == broadcast_id))
    return report, status


async def _confirmed() -> bool:
    """Ask before sending; no answer at all (the end of input, Ctrl-D) is a no, not a traceback."""
    try:
        answer = await asyncio.to_thread(input, "send? [y/N] ")
    except EOFError:
        print()
        return False
    return answer.strip().lower() in ("y", "yes")


@with_database
async def broadcast(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    if args.scheduled:
        return await _list_scheduled(db)
    if args.cancel is not None:
        return await _cancel(db, args.cancel)
    if not args.text:
        return refuse("--text is required (or --scheduled, --cancel ID)")
    async with db.read() as session:
        target = await resolve_target(session, args)
        audience = await count_audience(session, target)
    at = _parse_at(args.at)
    print(f"{audience.total} people match; {audience.unreachable} of them cannot be reached and will be skipped")
    if audience.total == 0:
        print("nothing to send")
        return 1
    if not (args.yes or await _confirmed()):
        print("cancelled: nothing was sent")
        return 1
    media_id = await _image(db, args.image)
    async with db.write() as session:
        created = await create_broadcast(session, text=args.text, target=target, media_id=media_id, scheduled_at=at)
    if at is not None and at > datetime.now(UTC):
        print(f"broadcast #{created.id} scheduled for {at.isoformat()}; the workers will send it")
        return 0
    await deliver_with_progress(settings, created.id)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(subparsers, "broadcast", "send a message to a target group, with a progress bar", broadcast)
    parser.add_argument("--text", help="the message (required unless --scheduled or --cancel)")
    parser.add_argument("--image", help="a JPEG or PNG file to send with the text")
    parser.add_argument("--role", choices=("citizen", "officer", "secretariat"))
    parser.add_argument("--province")
    parser.add_argument("--district", help="district name (with --province)")
    parser.add_argument("--agency", help="agency code (with --province), e.g. public_health")
    parser.add_argument("--sector", help="partner sector code, e.g. academia")
    parser.add_argument("--channel", choices=("line", "telegram", "simulator"))
    parser.add_argument(
        "--at", help="send later: ISO (2027-01-05T09:00+07:00) or as said in chat ('พรุ่งนี้ 8 โมงเช้า', 'fri 16:00')"
    )
    parser.add_argument("--scheduled", action="store_true", help="list the broadcasts waiting for their time")
    parser.add_argument("--cancel", type=int, metavar="ID", help="cancel a scheduled broadcast before its time")
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
