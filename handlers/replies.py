"""Answers several flows give the same way."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import _, localized
from bot.core.types import Choice, Reply
from handlers import codes
from storage.models import PartnerSector


def forbidden_reply() -> Reply:
    """An officer's or the secretariat's action outside their role or area: refused, nothing changed."""
    return Reply(_("Sorry, that is outside your role or area, so nothing was changed."))


async def sector_question(session: AsyncSession, *, skippable: bool) -> Reply:
    """Which of the 7 partner sectors the person belongs to (declared once)."""
    sectors = (await session.scalars(select(PartnerSector).order_by(PartnerSector.position, PartnerSector.id))).all()
    buttons = [Choice(codes.SECTOR(s.code), localized(s.name_th, s.name_en)) for s in sectors]
    if skippable:
        buttons.append(Choice(codes.SKIP, _("Skip")))
    text = _(
        "Which partner sector are you part of? The 7 sectors take part in choosing and steering the province's "
        "agenda. You can declare it once."
    )
    return Reply(text, choices=tuple(buttons))


async def chosen_sector(session: AsyncSession, choice: str | None) -> PartnerSector | None:
    """The sector of a pressed sector button, or None."""
    code = codes.SECTOR.arg(choice)
    if not code:
        return None
    return await session.scalar(select(PartnerSector).where(PartnerSector.code == code))
