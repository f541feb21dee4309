"""How the core's replies look in LINE: quick replies within LINE's limits, numbered lists, Flex cards."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.channels.line.render import MAX_QUICK_REPLIES, render_reply
from bot.core.i18n import use_locale
from bot.core.media import MediaLinks
from bot.core.text import shorten
from bot.core.types import Ask, Card, CardField, Choice, Reply

NOW = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)
LINKS = MediaLinks(b"k" * 32, "https://hpp.example.org", clock=lambda: NOW)
SEVEN_DAYS_ON = int(datetime(2027, 3, 8, 10, 0, tzinfo=UTC).timestamp())  # rounded up to the hour


def as_dicts(reply: Reply, base: str | None = "https://hpp.example.org") -> list[dict[str, Any]]:
    with use_locale("th"):
        return [message.to_dict() for message in render_reply(reply, MediaLinks(LINKS.key, base, LINKS.clock))]


def test_choices_become_postback_quick_replies_with_short_labels() -> None:
    long_label = "แจ้งเรื่องร้องเรียนเกี่ยวกับถนนและไฟฟ้าสาธารณะ"
    [message] = as_dicts(Reply("เลือกเรื่อง", choices=(Choice("m:complain", long_label), Choice("g:help", "ช่วยเหลือ"))))
    first, second = (item["action"] for item in message["quickReply"]["items"])
    assert first["data"] == "m:complain" and len(first["label"]) <= 20 and first["label"].endswith("…")
    assert first["displayText"] == long_label
    assert second == {"type": "postback", "label": "ช่วยเหลือ", "data": "g:help", "displayText": "ช่วยเหลือ"}


def test_a_label_is_cut_at_a_word_where_it_can_be() -> None:
    assert shorten("Report progress on the road agenda", 20, at_word=True) == "Report progress on…"
    assert len(shorten("ก" * 40, 20, at_word=True)) == 20


def test_more_than_thirteen_choices_become_a_numbered_list() -> None:
    districts = tuple(Choice(f"d:{n}", f"อำเภอที่ {n}") for n in range(1, 19))
    [message] = as_dicts(Reply("เลือกอำเภอ", choices=districts))
    assert "quickReply" not in message
    lines = message["text"].splitlines()
    assert lines[0] == "เลือกอำเภอ"
    assert lines[-18:] == [f"{n}. อำเภอที่ {n}" for n in range(1, 19)]


def test_thirteen_choices_still_fit_as_buttons() -> None:
    choices = tuple(Choice(f"c:{n}", str(n)) for n in range(MAX_QUICK_REPLIES))
    [message] = as_dicts(Reply("เลือก", choices=choices))
    assert len(message["quickReply"]["items"]) == MAX_QUICK_REPLIES


def test_asking_for_a_place_offers_the_location_button_first() -> None:
    [message] = as_dicts(Reply("ส่งตำแหน่งที่เกิดเหตุ", ask=Ask.LOCATION, choices=(Choice("skip", "ข้าม"),)))
    actions = [item["action"] for item in message["quickReply"]["items"]]
    assert [a["type"] for a in actions] == ["location", "postback"]
    assert 0 < len(actions[0]["label"]) <= 20


def test_asking_for_a_photo_offers_camera_and_camera_roll() -> None:
    [message] = as_dicts(Reply("ถ่ายรูปจุดที่เกิดเหตุ", ask=Ask.PHOTO))
    assert [item["action"]["type"] for item in message["quickReply"]["items"]] == ["camera", "cameraRoll"]


def test_a_ticket_card_is_a_flex_bubble_with_thai_alt_text() -> None:
    card = Card(
        title="เรื่องร้องเรียน CRI-69-00042",
        alt_text="สรุปเรื่องร้องเรียน CRI-69-00042: กำลังดำเนินการ",
        subtitle="ถนนชำรุด",
        fields=(CardField("สถานะ", "กำลังดำเนินการ"), CardField("หน่วยงาน", "แขวงทางหลวงเชียงราย")),
        footer="ตอบภายใน 15 วัน",
    )
    [text, flex] = as_dicts(Reply("รอรับเรื่อง", card=card, choices=(Choice("g:menu", "เมนู"),)))
    assert text["text"] == "รอรับเรื่อง" and "quickReply" not in text
    assert flex["type"] == "flex" and flex["altText"] == card.alt_text
    assert flex["quickReply"]["items"][0]["action"]["data"] == "g:menu"  # the buttons go on the last message
    body = flex["contents"]["body"]["contents"]
    assert body[0]["text"] == card.title and body[1]["text"] == "ถนนชำรุด"
    rows = body[2]["contents"]
    assert [[c["text"] for c in row["contents"]] for row in rows] == [
        ["สถานะ", "กำลังดำเนินการ"],
        ["หน่วยงาน", "แขวงทางหลวงเชียงราย"],
    ]
    assert flex["contents"]["footer"]["contents"][0]["text"] == "ตอบภายใน 15 วัน"


def test_a_kpi_card_draws_its_progress_bar() -> None:
    card = Card(title="ตัวชี้วัด: ถนนปลอดภัย", alt_text="ความคืบหน้าตัวชี้วัด 62%", progress_percent=62.4)
    [flex] = as_dicts(Reply(card=card))
    progress = flex["contents"]["body"]["contents"][-1]
    assert progress["contents"][0]["text"] == "62%"
    assert progress["contents"][1]["contents"][0]["width"] == "62%"
    [over] = as_dicts(Reply(card=Card(title="x", alt_text="เกินเป้า", progress_percent=140)))
    assert over["contents"]["body"]["contents"][-1]["contents"][1]["contents"][0]["width"] == "100%"


def test_a_stored_picture_is_sent_by_its_public_url() -> None:
    [_text, picture] = as_dicts(Reply("รูปที่แนบ", image_media_id=12))
    signed = f"https://hpp.example.org/media/12/{SEVEN_DAYS_ON}/{LINKS.signature(12, SEVEN_DAYS_ON)}"
    assert picture == {"type": "image", "originalContentUrl": signed, "previewImageUrl": signed}  # photos are
    # personal data: the link is signed, and works for the days LINE may take to fetch it, then no more


def test_a_document_goes_as_a_download_link() -> None:
    [message] = as_dicts(Reply("รายงานพร้อมแล้ว", document_media_id=7))
    assert f"https://hpp.example.org/media/7/{SEVEN_DAYS_ON}/{LINKS.signature(7, SEVEN_DAYS_ON)}" in message["text"]


def test_choices_without_text_still_get_a_message_to_carry_them() -> None:
    [message] = as_dicts(Reply(choices=(Choice("g:menu", "เมนู"),)))
    assert message["text"] and message["quickReply"]["items"][0]["action"]["data"] == "g:menu"
