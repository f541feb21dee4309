"""Telegram updates into `Inbound`: ids, people, kinds, and what is left out."""

from __future__ import annotations

from typing import Any

import pytest

from bot.channels.telegram.parse import parse_update
from bot.core.types import InboundKind
from tests.telegram.updates import group_chat, location_update, message_update, photo_update, text_update


def parse(data: dict[str, Any]) -> Any:
    return parse_update(data, bot=None, bot_id="123", max_image_bytes=10 * 1024 * 1024)


def test_a_private_text_message() -> None:
    inbound = parse(text_update(42, "สวัสดี", update_id=900)).inbound

    assert (inbound.event_id, inbound.user, inbound.chat, inbound.kind, inbound.text) == (
        "123:900",
        "42",
        "42",
        InboundKind.TEXT,
        "สวัสดี",
    )
    assert (inbound.display_name, inbound.locale, inbound.is_group) == ("Somchai Jaidee", "th", False)


def test_a_venue_keeps_its_name_and_address() -> None:
    venue = {"location": {"latitude": 19.9, "longitude": 99.8}, "title": "ตลาดเทศบาล", "address": "ถ.พหลโยธิน"}
    inbound = parse(message_update(42, location=venue["location"], venue=venue)).inbound

    assert inbound.kind is InboundKind.LOCATION
    assert (inbound.location.title, inbound.location.address) == ("ตลาดเทศบาล", "ถ.พหลโยธิน")
    assert parse(location_update(42, 1.0, 2.0)).inbound.location.title is None


def test_a_picture_sent_as_a_file_counts_as_a_photo_and_other_files_do_not() -> None:
    picture = {"file_id": "doc-1", "file_unique_id": "d", "mime_type": "image/png", "file_size": 10}
    pdf = {"file_id": "doc-2", "file_unique_id": "e", "mime_type": "application/pdf", "file_size": 10}

    assert parse(message_update(42, document=picture)).inbound.image_ref == "doc-1"
    assert parse(message_update(42, document=pdf)).inbound.kind is InboundKind.UNSUPPORTED


def test_a_named_document_is_a_file_event_and_other_files_are_not_supported() -> None:
    """Issue 12: a province hands its proposal in as a PDF, Word or Excel file (bot/core/documents.py)."""
    pdf = {"file_id": "doc-3", "file_unique_id": "f", "file_name": "ข้อเสนอ.PDF", "mime_type": "application/pdf"}
    app = {"file_id": "doc-4", "file_unique_id": "g", "file_name": "setup.exe", "mime_type": "application/pdf"}

    inbound = parse(message_update(42, document=pdf)).inbound
    assert (inbound.kind, inbound.image_ref, inbound.extra) == (InboundKind.FILE, "doc-3", {"file_name": "ข้อเสนอ.PDF"})
    assert parse(message_update(42, document=app)).inbound.kind is InboundKind.UNSUPPORTED


def test_a_photo_over_the_apps_limit_is_marked_too_large_and_not_fetched() -> None:
    inbound = parse(photo_update(42, "p", size=11 * 1024 * 1024)).inbound

    assert inbound.kind is InboundKind.IMAGE and inbound.image_ref is None
    assert inbound.extra == {"media_error": "too_large", "media_size": 11 * 1024 * 1024}


@pytest.mark.parametrize(
    "content",
    [
        {"voice": {"file_id": "v", "file_unique_id": "v", "duration": 3}},
        {"video": {"file_id": "v", "file_unique_id": "v", "width": 1, "height": 1, "duration": 3}},
        {"contact": {"phone_number": "0812345678", "first_name": "สมชาย"}},
    ],
)
def test_voice_video_and_contacts_are_unsupported(content: dict[str, Any]) -> None:
    assert parse(message_update(42, **content)).inbound.kind is InboundKind.UNSUPPORTED


def test_in_groups_only_commands_are_kept_and_the_bot_joining_is_noticed() -> None:
    group = group_chat(-100)
    command = parse(text_update(42, "/help@hpp_test_bot", chat=group)).inbound

    assert (command.chat, command.user, command.is_group) == ("-100", "42", True)
    assert parse(text_update(42, "ไฟดับ", chat=group)).inbound is None
    joined = parse(message_update(42, chat=group, new_chat_members=[{"id": 123, "is_bot": True, "first_name": "B"}]))
    assert joined.inbound.kind is InboundKind.JOINED_GROUP
    other = parse(message_update(42, chat=group, new_chat_members=[{"id": 9, "is_bot": False, "first_name": "C"}]))
    assert other.inbound is None


def test_a_message_from_another_bot_is_left_out() -> None:
    data = text_update(42, "hi")
    data["message"]["from"]["is_bot"] = True

    assert parse(data).inbound is None
