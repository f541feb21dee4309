"""Answers several flows give the same way."""

from __future__ import annotations

from bot.core.i18n import _
from bot.core.types import Reply


def forbidden_reply() -> Reply:
    """An officer's or the secretariat's action outside their role or area: refused, nothing changed."""
    return Reply(_("Sorry, that is outside your role or area, so nothing was changed."))
