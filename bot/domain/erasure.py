"""Deleting a person's personal data (PDPA), while their tickets stay on the record without their identity.

What goes: name, phone (on the person and on their complaints), platform ids and chat id, the province and
sector they gave, every consent row and failed attempt, the conversation state, the payloads of the messages
they sent (the inbox) and the messages queued or sent to them (the outbox), and every photo or file they own
(bot/core/media.py: the inbox and the simulator record who sent a photo) that no open ticket needs: photos sent
outside a flow, in a cancelled draft, with a ticket that is closed, their exports.

Photos with their complaints (PDPA B.E. 2562): a photo is the part of a complaint most likely to identify the
person (a face, a house, a number plate). While the ticket is open the agency still needs it to do the work
(the public task, section 24(4)), so it stays, owned by the anonymous marker; once the ticket is closed the
record is its description, place and history, and the photo goes: at once for a closed ticket, by the daily
retention job (bot/domain/retention.py) once an open one closes. The agency's own records stay whoever sent
them: photos of the work done, of progress reports, of broadcasts (their owner link is cleared).

What stays, anonymous: the person row as a marker (`deleted_at`, a random tombstone id, no personal field), so
the history rows that point at it stay valid; complaints and their history (`person_id` cleared, contact mode
anonymous); comments and proposals (`person_id` cleared) and supports (they point at the anonymous marker, so
the counts stay true). The ticket description and rating comment are the record itself and are kept as written.

Because the tombstone replaces the platform id, the next message from the same account finds no person and
starts afresh: a new row, and the PDPA notice again. (The person stays "reachable" so that the confirmation
queued in this very step is still delivered; notifications skip deleted people.)
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import ColumnElement, CompoundSelect, Select, delete, or_, select, union, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.open311 import CHANNEL as OPEN311_CHANNEL
from bot.domain.tickets import OPEN_STATUSES
from storage.models import (
    Broadcast,
    Complaint,
    ComplaintPhoto,
    Consent,
    ContactMode,
    Conversation,
    FailedAttempt,
    Feedback,
    InboxEvent,
    InboxStatus,
    Media,
    OutboxMessage,
    OutboxStatus,
    Person,
    PhotoKind,
    ProgressReportPhoto,
    StepHandIn,
)

TOMBSTONE_PREFIX = "deleted:"


async def erase_person(session: AsyncSession, person: Person, now: datetime) -> None:
    """Remove everything personal about `person` in the current transaction."""
    channel, user, chat = person.channel, person.platform_user_id, person.chat_id
    tombstone = f"{TOMBSTONE_PREFIX}{secrets.token_hex(12)}"
    await _anonymise_records(session, person)
    await _delete_personal_rows(session, person)
    await _forget_conversation(session, channel, user, chat, person.id, tombstone)
    person.platform_user_id = tombstone
    person.chat_id = ""
    person.display_name = None
    person.phone = None
    person.province_id = None
    person.district_id = None
    person.sector_id = None
    person.pdpa_notice_at = None
    person.last_seen_at = None
    person.deleted_at = now


async def _anonymise_records(session: AsyncSession, person: Person) -> None:
    await session.execute(
        update(Complaint)
        .where(Complaint.person_id == person.id)
        .values(person_id=None, contact_phone=None, contact_mode=ContactMode.ANONYMOUS)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(Feedback)
        .where(Feedback.person_id == person.id)
        .values(person_id=None)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(Media)
        .where(Media.owner_id == person.id, Media.id.in_(agency_records()))
        .values(owner_id=None)
        .execution_options(synchronize_session=False)
    )
    await delete_media_no_open_ticket_needs(session, Media.owner_id == person.id)


def agency_records() -> CompoundSelect:
    """Media that is the agency's record rather than the sender's data: photos of the work done on a ticket,
    of a KPI progress report, of a broadcast, what a province handed in for a programme step."""
    return union(
        select(ComplaintPhoto.media_id).where(ComplaintPhoto.kind == PhotoKind.AFTER),
        select(ProgressReportPhoto.media_id),
        select(Broadcast.media_id).where(Broadcast.media_id.is_not(None)),
        select(StepHandIn.media_id).where(StepHandIn.media_id.is_not(None)),
    )


def needed_by_open_tickets() -> Select[int]:
    """The complainants' photos of tickets still being handled."""
    return (
        select(ComplaintPhoto.media_id)
        .join(Complaint, Complaint.id == ComplaintPhoto.complaint_id)
        .where(Complaint.status.in_([str(status) for status in OPEN_STATUSES]))
    )


async def delete_media_no_open_ticket_needs(session: AsyncSession, owned: ColumnElement[bool]) -> int:
    """Delete the `owned` media that is neither the agency's record nor needed by an open ticket."""
    result = await session.execute(
        delete(Media)
        .where(owned, Media.id.not_in(needed_by_open_tickets()), Media.id.not_in(agency_records()))
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def _delete_personal_rows(session: AsyncSession, person: Person) -> None:
    for model in (Consent, FailedAttempt):
        await session.execute(
            delete(model).where(model.person_id == person.id).execution_options(synchronize_session=False)
        )


async def _forget_conversation(
    session: AsyncSession, channel: str, user: str, chat: str, person_id: int, tombstone: str
) -> None:
    """The conversation row is saved again by the engine after this step, so it is renamed and emptied
    rather than deleted; processed inbox events keep only their ids (so a redelivery is still ignored)."""
    await session.execute(
        update(Conversation)
        .where(Conversation.channel == channel, Conversation.user_id == user)
        .values(user_id=tombstone, data={})
    )
    await session.execute(
        update(InboxEvent)
        .where(InboxEvent.chat_key == f"{channel}:{user}", InboxEvent.status != InboxStatus.PENDING)
        .values(payload={}, chat_key=f"{channel}:{tombstone}", error=None)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        delete(OutboxMessage)
        .where(
            or_(OutboxMessage.person_id == person_id, OutboxMessage.recipient == chat),
            OutboxMessage.channel == channel,
            OutboxMessage.status != OutboxStatus.SENDING,
        )
        .execution_options(synchronize_session=False)
    )


async def erase_api_reporter(session: AsyncSession, phone: str) -> int:
    """Delete the personal data of someone who reported through Open311, known only by the phone number they gave
    (the data controller receives the request and runs `hpp-bot api-key forget-reporter`): as for a chat person,
    their requests stay on the record, anonymous, without the number or the photo address. How many changed."""
    result = await session.execute(
        update(Complaint)
        .where(Complaint.channel == OPEN311_CHANNEL, Complaint.person_id.is_(None), Complaint.contact_phone == phone)
        .values(contact_phone=None, media_url=None, contact_mode=ContactMode.ANONYMOUS)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
