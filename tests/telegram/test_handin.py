"""Issue 12: on Telegram the provincial secretariat hands step 2 in as a document, downloaded through getFile and
kept with its name; one over the download limit is refused without downloading it."""

from __future__ import annotations

from tests.secretariat.support import handins, proposal_deadline_entered, secretariat_on
from tests.telegram.conftest import TelegramBot
from tests.telegram.updates import callback_update, message_update, text_update

SOMSRI = 5151
DOCX = b"PK\x03\x04 the results report of Chiang Rai"


def document(file_id: str, name: str, size: int, mime: str) -> dict[str, object]:
    return {"file_id": file_id, "file_unique_id": file_id, "file_name": name, "mime_type": mime, "file_size": size}


async def test_a_word_document_sent_on_telegram_is_handed_in_with_its_name(tg: TelegramBot) -> None:
    deadline = await proposal_deadline_entered(tg.services.db)
    await secretariat_on(tg.services.db, "telegram", str(SOMSRI), "เชียงราย")
    await tg.receive(callback_update(SOMSRI, f"hi:{deadline}"))
    word = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

    await tg.receive(message_update(SOMSRI, document=document("huge", "รายงาน.docx", 30 * 1024 * 1024, word)))
    assert tg.api.calls_to("getFile") == []  # refused unread
    assert tg.api.sent_to(SOMSRI)[-2].text == "ขออภัย ไม่สามารถใช้ไฟล์นี้ได้"
    assert await handins(tg.services.db) == []

    tg.api.add_file("report-1", DOCX)
    await tg.receive(message_update(SOMSRI, document=document("report-1", "รายงาน.docx", len(DOCX), word)))
    assert tg.api.sent_to(SOMSRI)[-1].text.startswith("ได้รับแล้ว")
    await tg.receive(text_update(SOMSRI, "ฉบับร่าง"))
    assert tg.api.sent_to(SOMSRI)[-1].text.startswith("ส่งงานแล้ว")
    assert await handins(tg.services.db) == [("ฉบับร่าง", "รายงาน.docx", DOCX, word)]
