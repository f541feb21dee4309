"""How replies look in Telegram: buttons, the location keyboard, cards, escaping, long text."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, ReplyKeyboardMarkup

from bot.channels.telegram.render import SendKind, progress_bar, render_replies, split_text
from bot.core.i18n import use_locale
from bot.core.types import Ask, Card, Choice, Reply


def test_choices_become_inline_buttons_carrying_the_codes() -> None:
    (send,) = render_replies([Reply("เลือกหมวด", choices=(Choice("cat:road", "ถนน"), Choice("cat:water", "น้ำ")))])

    assert isinstance(send.markup, InlineKeyboardMarkup)
    assert [[b.callback_data for b in row] for row in send.markup.inline_keyboard] == [["cat:road", "cat:water"]]


def test_long_labels_sit_one_to_a_row() -> None:
    choices = (Choice("a", "ไฟฟ้าส่องสว่างสาธารณะดับทั้งซอย"), Choice("b", "ถนน"))
    (send,) = render_replies([Reply("เลือก", choices=choices)])

    assert isinstance(send.markup, InlineKeyboardMarkup)
    assert [len(row) for row in send.markup.inline_keyboard] == [1, 1]


def test_codes_that_cannot_be_callback_data_degrade_to_a_numbered_list() -> None:
    choices = (Choice("x" * 65, "ยาวเกิน"), Choice("หมวด:ถนน", "ถนน"))
    (send,) = render_replies([Reply("เลือกหมวด", choices=choices)])

    assert send.markup is None
    assert send.text.splitlines()[-2:] == ["1. ยาวเกิน", "2. ถนน"]
    assert "พิมพ์หมายเลข" in send.text


def test_asking_for_a_place_offers_the_share_location_button_with_the_other_choices() -> None:
    reply = Reply("ปัญหาอยู่ที่ไหน", ask=Ask.LOCATION, choices=(Choice("loc:type", "พิมพ์ที่อยู่แทน"),))
    (send,) = render_replies([reply])

    assert isinstance(send.markup, ReplyKeyboardMarkup)
    (share,), (typed,) = send.markup.keyboard
    assert share.request_location and share.text == "📍 ส่งตำแหน่งของฉัน"
    assert typed.text == "พิมพ์ที่อยู่แทน"  # answered by its label, which the engine matches
    assert send.markup.one_time_keyboard and send.markup.resize_keyboard


def test_a_card_with_buttons_sends_the_text_then_the_card_carrying_the_buttons() -> None:
    card = Card(title="KPI 1", alt_text="KPI 1", progress_percent=100)
    sends = render_replies([Reply("สรุป", card=card, choices=(Choice("g:menu", "เมนู"),))])

    assert [s.text for s in sends] == ["สรุป", "<b>KPI 1</b>\n\n▓▓▓▓▓▓▓▓▓▓ 100%"]
    assert sends[0].markup is None and isinstance(sends[1].markup, InlineKeyboardMarkup)


def test_a_picture_takes_the_text_as_its_caption() -> None:
    (send,) = render_replies([Reply("ภาพ <ก่อน> แก้ไข", image_media_id=7)])

    assert (send.kind, send.media_id, send.text) == (SendKind.PHOTO, 7, "ภาพ &lt;ก่อน&gt; แก้ไข")


def test_buttons_without_text_still_get_a_message_to_sit_on() -> None:
    (send,) = render_replies([Reply(choices=(Choice("g:menu", "Menu"),))])

    assert send.text == "กรุณาเลือก:" and isinstance(send.markup, InlineKeyboardMarkup)


def test_progress_is_clamped_and_drawn_in_ten_cells() -> None:
    assert progress_bar(45) == "▓▓▓▓░░░░░░ 45%"
    assert progress_bar(-5) == "░░░░░░░░░░ 0%"
    assert progress_bar(130) == "▓▓▓▓▓▓▓▓▓▓ 100%"


def test_long_text_is_split_at_line_ends_under_telegrams_limit() -> None:
    text = "\n".join(f"บรรทัดที่ {n} " + "ก" * 80 for n in range(100))
    pieces = split_text(text)

    assert len(pieces) > 1 and all(len(piece) <= 4000 for piece in pieces)
    assert "\n".join(pieces) == text


def test_the_language_of_button_words_follows_the_recipient() -> None:
    with use_locale("en"):  # the outbox sender sets the recipient's locale around each delivery
        (send,) = render_replies([Reply("Where is it?", ask=Ask.LOCATION)])
    assert isinstance(send.markup, ReplyKeyboardMarkup)
    assert send.markup.keyboard[0][0].text == "📍 Share my location"
    with use_locale("th"):
        (thai,) = render_replies([Reply("อยู่ที่ไหน", ask=Ask.LOCATION)])
    assert isinstance(thai.markup, ReplyKeyboardMarkup)
    assert thai.markup.keyboard[0][0].text != "📍 Share my location"
