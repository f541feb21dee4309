"""Courtesies typed in the middle of a conversation: a thank-you is answered kindly, never taken as an answer."""

from __future__ import annotations

import re

# "ขอบคุณครับ", "ขอบคุณมากค่ะ", "ขอบใจจ้า", "thanks", "thank you!", "ty": the whole message and nothing more.
_THAI = r"(?:ขอบคุณ|ขอบใจ)(?:\s*(?:มาก|มากๆ|มาก ๆ|ครับ|ค่ะ|คะ|คับ|ฮะ|นะ|จ้า|จ้ะ|จ้ะ|ค่า|ครับผม|ท่าน))*"
_ENGLISH = r"(?:thanks|thank you|thank u|thx|ty|tyvm)(?:\s*(?:a lot|so much|very much))?"
_THANKS = re.compile(rf"^\s*(?:{_THAI}|{_ENGLISH})\s*[!.~^🙏😊]*\s*$", re.IGNORECASE)


def is_thanks(text: str | None) -> bool:
    return bool(text) and _THANKS.match(text or "") is not None


# "สวัสดีครับ", "หวัดดีค่ะ", "hello", "good morning": a greeting alone is not a problem to file.
_POLITE = r"(?:\s*(?:ครับ|ค่ะ|คะ|คับ|ครับผม|จ้า|จ้ะ|ค่า|นะ|ท่าน|เจ้าหน้าที่|แอดมิน|admin))*"
_GREETING = re.compile(
    rf"^\s*(?:(?:สวัสดี|หวัดดี|ดีจ้า|ดีครับ|ดีค่ะ){_POLITE}|(?:hello|hi|hey|good (?:morning|afternoon|evening))"
    rf"(?:\s*there)?)\s*[!.~^🙏😊]*\s*$",
    re.IGNORECASE,
)


def is_greeting(text: str | None) -> bool:
    return bool(text) and _GREETING.match(text or "") is not None
