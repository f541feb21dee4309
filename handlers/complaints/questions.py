"""The questions of the complaint flow, and the summary shown before filing.

Each function builds the replies that ask for one answer; the steps in `complain.py` repeat them after a bad
answer. Choice codes are short ASCII (Telegram's 64-byte callback data).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.flow import Ctx
from bot.core.i18n import _, localized
from bot.core.text import LINE_LABEL_MAX, button_label, shorten
from bot.core.types import Ask, Card, CardField, Choice, Reply
from bot.domain.areas import is_bangkok, province_title
from bot.domain.complaints.answers import DESCRIPTION_MAX
from bot.domain.complaints.disclosure import consents
from bot.domain.complaints.filing import Draft
from bot.domain.places import province_names
from bot.domain.tickets import status_label
from handlers import codes
from handlers.cards import shown_label
from handlers.labels import agenda_label, legend
from storage.models import (
    Agenda,
    Complaint,
    ComplaintCategory,
    ContactMode,
    District,
    PartnerSector,
    Province,
    Subdistrict,
)

MAX_PHOTOS = 3
LIKELY_PROVINCES = 8


def place_question() -> Reply:
    return Reply(
        _(
            "Where is the problem? Share its location with the location button, or type the name of the "
            "province or district (for example เชียงราย or เมืองเชียงราย)."
        ),
        ask=Ask.LOCATION,
        choices=(Choice(codes.CHOOSE_FROM_LIST, _("Choose from a list")),),
    )


async def province_question(session: AsyncSession, ctx: Ctx) -> Reply:
    """A typed search, plus a short list of likely provinces: the person's own, those of their past
    tickets, then the CEO-governor pilot provinces."""
    likely: list[int] = []
    if ctx.person.province_id is not None:
        likely.append(ctx.person.province_id)
    past = await session.scalars(
        select(Complaint.province_id).where(Complaint.person_id == ctx.person.id).order_by(Complaint.id.desc())
    )
    likely += list(past)
    pilots = await session.scalars(select(Province.id).where(Province.is_ceo_pilot_2024.is_(True)))
    likely += list(pilots)
    ids = list(dict.fromkeys(likely))[:LIKELY_PROVINCES]
    provinces = {p.id: p for p in (await session.scalars(select(Province).where(Province.id.in_(ids)))).all()}
    choices = tuple(
        Choice(codes.PLACE_PROVINCE(provinces[i].code), localized(provinces[i].name_th, provinces[i].name_en))
        for i in ids
        if i in provinces
    )
    return Reply(_("Type the province name (for example เชียงราย), or choose one below."), choices=choices)


async def district_question(session: AsyncSession, province_id: int) -> Reply:
    province = await session.get(Province, province_id)
    districts = (
        await session.scalars(select(District).where(District.province_id == province_id).order_by(District.name_th))
    ).all()
    choices = (
        *(Choice(codes.PLACE_DISTRICT(d.id), d.name_th) for d in districts),
        Choice(codes.NO_DISTRICT, _("Skip (not sure)")),
    )
    if province is not None and is_bangkok(province.name_th):
        return Reply(_("Which khet of Bangkok? Choose it or type its name."), choices=choices)
    name = province_title(province.name_th, province.name_en) if province else ""
    return Reply(_("Which district of {province}? Choose it or type its name.", province=name), choices=choices)


async def subject_question(session: AsyncSession, province_id: int, *, suggested: str | None = None) -> Reply:
    """The province's active agendas first, then the general categories; a category suggested by what the
    person typed comes before them all, named in the question."""
    agendas = (
        await session.scalars(
            select(Agenda).where(Agenda.province_id == province_id, Agenda.is_active.is_(True)).order_by(Agenda.id)
        )
    ).all()
    categories = (await session.scalars(select(ComplaintCategory).order_by(ComplaintCategory.position))).all()
    first = [c for c in categories if c.code == suggested]
    rest = [c for c in categories if c not in first]
    choices = (
        *(Choice(codes.SUBJECT_CATEGORY(c.code), localized(c.name_th, c.name_en)) for c in first),
        *(Choice(codes.SUBJECT_AGENDA(a.id), agenda_label(a)) for a in agendas),
        *(Choice(codes.SUBJECT_CATEGORY(c.code), localized(c.name_th, c.name_en)) for c in rest),
    )
    text = _("What is it about? Choose the subject.")
    if agendas:
        text = _("What is it about? The province's own agenda comes first, then the general subjects.")
    if first:
        text = _(
            'From what you wrote, this seems to be about "{subject}". Choose it to confirm, or choose another subject.',
            subject=localized(first[0].name_th, first[0].name_en),
        )
    if agendas:
        text += "\n" + legend([(agenda_label(a), localized(a.title_th, a.title_en)) for a in agendas])
    return Reply(text, choices=choices)


def description_question() -> Reply:
    return Reply(
        _(
            "Describe the problem in your own words: what is wrong, where exactly and since when "
            "(at most {limit} characters).",
            limit=DESCRIPTION_MAX,
        )
    )


def photos_question(draft: Draft) -> Reply:
    if draft.photos:
        text = _(
            "Photo {count} of {limit} received. Send another, or choose Done.",
            count=len(draft.photos),
            limit=MAX_PHOTOS,
        )
        return Reply(text, ask=Ask.PHOTO, choices=(Choice(codes.PHOTOS_DONE, _("Done")),))
    return Reply(
        _("Send up to {limit} photos of the problem, one at a time, or choose Skip.", limit=MAX_PHOTOS),
        ask=Ask.PHOTO,
        choices=(Choice(codes.PHOTOS_DONE, _("Skip")),),
    )


def contact_question() -> Reply:
    return Reply(
        _(
            "How may the agency reach you about this complaint?\n"
            "• Chat only: answers come here.\n"
            "• Phone: the agency may also call a number you give.\n"
            "• Anonymous: the agency does not see your name or contact; you can still follow the ticket here."
        ),
        choices=(
            Choice(codes.CONTACT(ContactMode.CHAT), _("Chat only")),
            Choice(codes.CONTACT(ContactMode.PHONE), _("Phone")),
            Choice(codes.CONTACT(ContactMode.ANONYMOUS), _("Anonymous")),
        ),
    )


def phone_question() -> Reply:
    return Reply(_("Type your phone number, for example 081-234-5678 or 02-123-4567."))


async def sector_question(session: AsyncSession) -> Reply:
    sectors = (await session.scalars(select(PartnerSector).order_by(PartnerSector.position))).all()
    return Reply(
        _("Do you speak for one of the partner sectors? This is optional."),
        choices=(
            *(Choice(codes.SECTOR(s.code), localized(s.name_th, s.name_en)) for s in sectors),
            Choice(codes.NO_SECTOR, _("Skip")),
        ),
    )


def publish_question() -> Reply:
    return Reply(
        _(
            "Optional: may the province show this complaint on its public page? Only the description and the "
            "place rounded to about 100 m are shown, never your name or contact. Without it the public sees only "
            "the ticket's subject, district and status."
        ),
        choices=(Choice(codes.PUBLISH_YES, _("Show it")), Choice(codes.PUBLISH_NO, _("Do not show"))),
    )


def publish_photos_question(draft: Draft) -> Reply:
    return Reply(
        _(
            "And may your {count} photos be shown with it? Without it only the officers handling the complaint "
            "see them.",
            count=len(draft.photos),
        ),
        choices=(
            Choice(codes.PUBLISH_PHOTOS_YES, _("Show the photos")),
            Choice(codes.PUBLISH_PHOTOS_NO, _("Do not show")),
        ),
    )


def public_label(draft: Draft) -> str:
    """What the public page will show of the complaint, in the summary."""
    publish, photos = consents(
        publish=draft.publish,
        photos=draft.show_photos,
        anonymous=draft.contact_mode == ContactMode.ANONYMOUS,
        has_photos=bool(draft.photos),
    )
    return shown_label(publish, photos)


def edit_question() -> Reply:
    fields = (
        ("place", _("Place")),
        ("subject", _("Subject")),
        ("description", _("Description")),
        ("photos", _("Photos")),
        ("contact", _("Contact")),
        ("sector", _("Partner sector")),
        ("public", _("Public page")),
    )
    return Reply(
        _("Which part would you like to change?"),
        choices=tuple(Choice(codes.CHANGE_PART(code), label) for code, label in fields),
    )


# ---------------------------------------------------------------- the summary


async def place_label(session: AsyncSession, draft: Draft) -> str:
    """ "ต.เวียง อ.เมืองเชียงราย จ.เชียงราย" (Bangkok: "แขวง… เขต… กรุงเทพมหานคร")."""
    province = await session.get(Province, draft.province_id) if draft.province_id else None
    if province is None:
        return "-"
    district = await session.get(District, draft.district_id) if draft.district_id else None
    subdistrict = await session.get(Subdistrict, draft.subdistrict_id) if draft.subdistrict_id else None
    bangkok = province.code == "BKK"
    parts = []
    if subdistrict is not None:
        parts.append(("แขวง" if bangkok else "ต.") + subdistrict.name_th)
    if district is not None:
        parts.append(("เขต" if bangkok else "อ.") + district.name_th)
    parts.append(province.name_th if bangkok else "จ." + province.name_th)
    return " ".join(parts)


async def subject_label(session: AsyncSession, draft: Draft) -> str:
    if draft.agenda_id is not None:
        agenda = await session.get(Agenda, draft.agenda_id)
        if agenda is not None:
            return _("Province agenda: {title}", title=localized(agenda.title_th, agenda.title_en))
    if draft.category_id is not None:
        category = await session.get(ComplaintCategory, draft.category_id)
        if category is not None:
            return localized(category.name_th, category.name_en)
    return "-"


def contact_label(draft: Draft) -> str:
    if draft.contact_mode == ContactMode.PHONE and draft.phone:
        return _("Phone {phone}", phone=draft.phone)
    if draft.contact_mode == ContactMode.ANONYMOUS:
        return _("Anonymous")
    return _("Chat only")


async def summary_card(session: AsyncSession, draft: Draft) -> Card:
    sector = await session.get(PartnerSector, draft.sector_id) if draft.sector_id else None
    fields = (
        CardField(_("Place"), await place_label(session, draft)),
        CardField(_("Subject"), await subject_label(session, draft)),
        CardField(_("Description"), shorten(draft.description or "-", 300)),
        CardField(_("Photos"), str(len(draft.photos))),
        CardField(_("Contact"), contact_label(draft)),
        CardField(_("Partner sector"), localized(sector.name_th, sector.name_en) if sector else "-"),
        CardField(_("Public page"), public_label(draft)),
    )
    return Card(title=_("Your complaint"), alt_text=_("Summary of your complaint"), fields=fields)


async def confirm_question(session: AsyncSession, draft: Draft, duplicate: Complaint | None) -> list[Reply]:
    replies = [Reply(card=await summary_card(session, draft))]
    choices = [
        Choice(codes.CONFIRM_COMPLAINT, _("Confirm and send")),
        Choice(codes.CHANGE_COMPLAINT, _("Change something")),
    ]
    text = _("Please check your complaint. Send it?")
    if duplicate is not None:
        replies.append(
            Reply(
                _(
                    "A similar ticket nearby is already open: {ticket} ({status}). You can follow that one "
                    "instead of filing a new one.",
                    ticket=duplicate.ticket_no,
                    status=status_label(duplicate.status),
                )
            )
        )
        choices.insert(
            1, Choice(codes.FOLLOW_TICKET(duplicate.ticket_no), _("Follow {ticket}", ticket=duplicate.ticket_no))
        )
        text = _("Send yours anyway, or follow the open ticket?")
    replies.append(Reply(text, choices=tuple(choices)))
    return replies


def province_choice(name_th: str) -> Choice:
    _th, name_en, code = province_names()[name_th]
    return Choice(codes.PLACE_PROVINCE(code), localized(name_th, name_en))


def district_label(province_th: str, district_th: str) -> str:
    """ "อ.แม่สาย จ.เชียงราย" (Bangkok: "เขตบางรัก กรุงเทพมหานคร")."""
    if province_names()[province_th][2] == "BKK":
        forms = [f"เขต{district_th} {province_th}", f"เขต{district_th} กทม."]
    else:
        forms = [f"อ.{district_th} จ.{province_th}", f"อ.{district_th} {province_th}"]
    return next((form for form in forms if len(form) <= LINE_LABEL_MAX), button_label(forms[-1]))
