"""What a citizen is told when the desk answers their comment or proposal (บอกเราถึงรัฐ)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.i18n import _
from bot.core.notify import Notify
from bot.core.types import Reply
from bot.domain.feedback import feedback_status_label
from bot.domain.feedback_status import TellAuthor
from storage.models import Feedback, Person

EXCERPT = 60


def tell_feedback_author(notify: Notify, key: str) -> TellAuthor:
    def tell(author: Person, feedback: Feedback, note: str | None) -> None:
        text, status = feedback.text, feedback.status

        def build() -> Sequence[Reply]:
            excerpt = text if len(text) <= EXCERPT else text[:EXCERPT] + "…"
            message = _(
                "About your comment “{excerpt}”: {status}.", excerpt=excerpt, status=feedback_status_label(status)
            )
            if note:
                message += "\n" + _("Reply from the province: {note}", note=note)
            return [Reply(message)]

        notify(author, build, key)

    return tell
