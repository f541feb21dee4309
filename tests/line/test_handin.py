"""Issue 12: on LINE the provincial secretariat hands step 2 in as a file message (LINE's own file type), fetched
from LINE's content API and kept with its name; a file that is not what its name says is refused."""

from __future__ import annotations

from typing import Any

from tests.line import events
from tests.line.conftest import LineBot
from tests.secretariat.support import handins, proposal_deadline_entered, secretariat_on

PDF = b"%PDF-1.7\n% the agenda proposal of Chiang Rai"


def answered(line_bot: LineBot) -> list[str]:
    """The texts of the bot's latest answer (a reply by token)."""
    return [message.get("text", "") for message in line_bot.fake.delivered()[-1].messages]


def file_message(user: str, message_id: str, name: str, size: int) -> dict[str, Any]:
    event = events._base("message", user)
    event["message"] = {"type": "file", "id": message_id, "fileName": name, "fileSize": size, "quoteToken": "q"}
    return event


async def test_a_pdf_sent_on_line_is_handed_in_with_its_name(line_bot: LineBot) -> None:
    deadline = await proposal_deadline_entered(line_bot.services.db)
    await secretariat_on(line_bot.services.db, "line", "Usec", "เชียงราย")
    await line_bot.send(events.postback("Usec", f"hi:{deadline}"))  # the reminder's button
    assert answered(line_bot)[-1] == "กรุณาส่งเอกสาร: ไฟล์ (PDF, Word หรือ Excel) หรือรูปถ่ายของเอกสาร"

    line_bot.fake.add_content("9001", b"MZ\x90\x00 not a pdf", "application/octet-stream")
    await line_bot.send(file_message("Usec", "9001", "ข้อเสนอ.pdf", 14))
    assert answered(line_bot)[-2] == "ขออภัย ไม่สามารถใช้ไฟล์นี้ได้"
    await line_bot.send(file_message("Usec", "9002", "setup.zip", 14))
    assert "ยังไม่รองรับ" in answered(line_bot)[-2]
    assert await handins(line_bot.services.db) == []

    line_bot.fake.add_content("9003", PDF, "application/octet-stream")  # LINE names no type
    await line_bot.send(file_message("Usec", "9003", "ข้อเสนอประเด็น 2570.pdf", len(PDF)))
    assert answered(line_bot)[-1].startswith("ได้รับแล้ว")
    await line_bot.send(events.text("Usec", "ฉบับผ่าน กบจ."))
    assert answered(line_bot)[-1].startswith("ส่งงานแล้ว")
    assert await handins(line_bot.services.db) == [("ฉบับผ่าน กบจ.", "ข้อเสนอประเด็น 2570.pdf", PDF, "application/pdf")]
