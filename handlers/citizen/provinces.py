"""Choosing a province: the person's own first, the provinces with an agenda, or a typed name."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.flow import Ctx
from bot.core.i18n import _
from bot.core.types import Choice, Reply
from handlers.complaints.places import PlaceName, search_places
from handlers.tickets import localized
from storage.models import Agenda, Complaint, Person, Province

PROVINCE_CODE = "p:"
MAX_CHOICES = 10


@dataclass(frozen=True)
class ProvinceSearch:
    matches: list[Province]  # names that contain what was typed
    suggestions: list[Province]  # close spellings, when nothing matched


async def search_provinces(session: AsyncSession, typed: str) -> ProvinceSearch:
    """Exact name or code first; then names containing the text; else the closest spellings (the same search
    as the complaint form's, provinces only)."""
    found = search_places(typed)
    by_name = {p.name_th: p for p in (await session.scalars(select(Province))).all()}

    def provinces(places: Sequence[PlaceName]) -> list[Province]:
        names = dict.fromkeys(place.province for place in places)  # a district named leads to its province
        return [by_name[name] for name in names if name in by_name]

    return ProvinceSearch(provinces(found.matches), provinces(found.suggestions))


async def home_province_id(session: AsyncSession, person: Person) -> int | None:
    """The person's province, or the province of their latest ticket."""
    if person.province_id is not None:
        return person.province_id
    return await session.scalar(
        select(Complaint.province_id)
        .where(Complaint.person_id == person.id)
        .order_by(Complaint.created_at.desc(), Complaint.id.desc())
        .limit(1)
    )


def province_choice(province: Province) -> Choice:
    return Choice(f"{PROVINCE_CODE}{province.id}", localized(province.name_th, province.name_en))


async def province_choices(session: AsyncSession, person: Person) -> tuple[Choice, ...]:
    home = await home_province_id(session, person)
    with_agenda = select(Agenda.province_id).where(Agenda.is_active.is_(True))
    provinces = (
        await session.scalars(select(Province).where(Province.id.in_(with_agenda)).order_by(Province.name_th))
    ).all()
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
    if ctx.choice and ctx.choice.startswith(PROVINCE_CODE):
        key = ctx.choice[len(PROVINCE_CODE) :]
        province = await ctx.session.get(Province, int(key)) if key.isdigit() else None
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
