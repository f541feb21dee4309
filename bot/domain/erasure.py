"""Deleting a person's personal data (PDPA), while their tickets stay on the record without their identity.

What goes: name, phone (on the person and on their complaints), platform ids and chat id, the province and
sector they gave, every consent row and failed attempt, the conversation state, the payloads of the messages
they sent (the inbox) and the messages queued or sent to them (the outbox), and media they uploaded that is not
part of a complaint.

What stays, anonymous: the person row as a marker (`deleted_at`, a random tombstone id, no personal field), so
the history rows that point at it stay valid; complaints and their history (`person_id` cleared, contact mode
anonymous); complaint photos, since they are the evidence the agency acted on (their owner link is cleared);
comments and proposals (`person_id` cleared) and supports (they point at the anonymous marker, so the counts
stay true). The ticket description and rating comment are the record itself and are kept as written.

Because the tombstone replaces the platform id, the next message from the same account finds no person and
starts afresh: a new row, and the PDPA notice again. (The person stays "reachable" so that the confirmation
queued in this very step is still delivered; notifications skip deleted people.)
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
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
    in_complaints = select(ComplaintPhoto.media_id)
    await session.execute(
        delete(Media)
        .where(Media.owner_id == person.id, Media.id.not_in(in_complaints))
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(Media)
        .where(Media.owner_id == person.id)
        .values(owner_id=None)
        .execution_options(synchronize_session=False)
    )


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
