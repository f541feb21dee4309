"""Choosing a province: the person's own first, the provinces with an agenda, or a typed name."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.flow import Ctx
from bot.core.i18n import _, localized
from bot.core.types import Choice, Reply
from bot.domain.places import home_province_id, provinces_with_agendas, search_provinces
from handlers import codes
from storage.models import Person, Province

MAX_CHOICES = 10


def province_choice(province: Province) -> Choice:
    return Choice(codes.PROVINCE(province.id), localized(province.name_th, province.name_en))


async def province_choices(session: AsyncSession, person: Person) -> tuple[Choice, ...]:
    home = await home_province_id(session, person)
    provinces = await provinces_with_agendas(session)
    ordered: list[Province] = []
    home_province = await session.get(Province, home) if home is not None else None
    if home_province is not None:
        ordered.append(home_province)
    ordered.extend(p for p in provinces if p.id != home)
    return tuple(province_choice(p) for p in ordered[:MAX_CHOICES])


async def province_prompt(session: AsyncSession, person: Person, text: str | None = None) -> Reply:
    return Reply(
        text or _("Which province? Choose one, or type its name (for example เชียงราย)."),
        choices=await province_choices(session, person),
    )


def _pick_list(text: str, provinces: Sequence[Province]) -> Reply:
    return Reply(text, choices=tuple(province_choice(p) for p in provinces[:MAX_CHOICES]))


async def picked_province(ctx: Ctx) -> Province | Reply:
    """The province the person chose or typed; otherwise the reply that asks again."""
    province_id = codes.PROVINCE.number(ctx.choice)
    if province_id is not None:
        province = await ctx.session.get(Province, province_id)
        if province is not None:
            return province
    if not ctx.text:
        return await province_prompt(ctx.session, ctx.person, _("Please choose a province or type its name."))
    found = await search_provinces(ctx.session, ctx.text)
    if len(found.matches) == 1:
        return found.matches[0]
    if found.matches:
        return _pick_list(_('Several provinces match "{typed}". Which one?', typed=ctx.text), found.matches)
    if found.suggestions:
        return _pick_list(
            _('No province is called "{typed}". Did you mean one of these?', typed=ctx.text), found.suggestions
        )
    return await province_prompt(
        ctx.session, ctx.person, _('No province matches "{typed}". Please check the name.', typed=ctx.text)
    )
