"""File a complaint (แจ้งเรื่องร้องเรียน), step by step.

Place (a shared location, or a province and district by list or typed name), subject (the province's agendas
first, then the general categories), description, up to three photos, contact (chat, phone or anonymous), the
partner sector, and whether the complaint (then its photos) may be shown on the province's public page (PDPA
consents, no unless the person says yes; never asked for an anonymous one), then a summary to confirm or change.
The answers stay in the flow's state until the person confirms, so a cancel at any step leaves nothing behind; the
filing itself is one transaction (`filing.py`).
"""

from __future__ import annotations

from sqlalchemy import select

from bot.core.flow import Ctx, Flow, Outcome, StepFn, StepName, finish, goto, stay, switch
from bot.core.i18n import _, format_date, localized
from bot.core.registry import Registry
from bot.core.types import Choice, InboundKind, Reply
from bot.domain.areas import data_controller
from bot.domain.complaints import abuse
from bot.domain.complaints.answers import (
    DESCRIPTION_MAX,
    DESCRIPTION_MIN,
    DescriptionProblem,
    description_hash,
    description_problem,
    normalise_phone,
)
from bot.domain.complaints.filing import Draft, file_complaint
from bot.domain.complaints.keywords import suggest_for_text
from bot.domain.places import (
    LocationProblem,
    PlaceName,
    locate,
    located_ids,
    place_ids,
    search_places,
)
from bot.domain.publication import public_status_url
from handlers import codes, notices
from handlers.cards import ticket_card
from handlers.complaints import questions as q
from storage.models import (
    Agency,
    Agenda,
    Complaint,
    ComplaintCategory,
    ContactMode,
    District,
    Media,
    PartnerSector,
    Province,
)


class Step(StepName):
    PLACE = "place"
    PROVINCE = "province"
    DISTRICT = "district"
    SUBJECT = "subject"
    DESCRIPTION = "description"
    PHOTOS = "photos"
    CONTACT = "contact"
    PHONE = "phone"
    SECTOR = "sector"
    PUBLISH = "publish"
    PUBLISH_PHOTOS = "publish_photos"
    CONFIRM = "confirm"
    EDIT = "edit"


ORDER = (
    Step.PLACE,
    Step.SUBJECT,
    Step.DESCRIPTION,
    Step.PHOTOS,
    Step.CONTACT,
    Step.SECTOR,
    Step.PUBLISH,
    Step.PUBLISH_PHOTOS,
    Step.CONFIRM,
)


# ---------------------------------------------------------------- moving between steps


async def ask(ctx: Ctx, step: Step, *lead: Reply) -> Outcome:
    """Go to `step` with its question, after any `lead` replies."""
    return goto(step, *lead, *await question(ctx, step))


async def again(ctx: Ctx, problem: str) -> Outcome:
    """A bad answer: say what is wrong and ask the same question again."""
    return stay(ctx, Reply(problem), *await question(ctx, Step(ctx.step or Step.PLACE)))


async def question(ctx: Ctx, step: Step) -> list[Reply]:
    draft = Draft.from_data(ctx.data)
    session = ctx.session
    match step:
        case Step.PLACE:
            return [q.place_question()]
        case Step.PROVINCE:
            return [await q.province_question(session, ctx)]
        case Step.DISTRICT:
            assert draft.province_id is not None
            return [await q.district_question(session, draft.province_id)]
        case Step.SUBJECT:
            assert draft.province_id is not None
            return [await q.subject_question(session, draft.province_id, suggested=ctx.data.get("suggested"))]
        case Step.DESCRIPTION:
            return [q.description_question()]
        case Step.PHOTOS:
            return [q.photos_question(draft)]
        case Step.CONTACT:
            return [q.contact_question()]
        case Step.PHONE:
            return [q.phone_question()]
        case Step.SECTOR:
            return [await q.sector_question(session)]
        case Step.PUBLISH:
            return [q.publish_question()]
        case Step.PUBLISH_PHOTOS:
            return [q.publish_photos_question(draft)]
        case Step.EDIT:
            return [q.edit_question()]
        case Step.CONFIRM:
            return await q.confirm_question(session, draft, await _duplicate(ctx, draft))
    raise ValueError(step)


async def advance(ctx: Ctx, done: Step, *lead: Reply) -> Outcome:
    """The next question after `done`; while changing one part of a finished draft, back to the summary."""
    draft = Draft.from_data(ctx.data)
    if ctx.data.get("editing") and draft.has_place and draft.has_subject and draft.description:
        if done is Step.PHOTOS and _needs_asking(Step.PUBLISH_PHOTOS, draft):
            return await ask(ctx, Step.PUBLISH_PHOTOS, *lead)  # new photos: asked again whether to show them
        return await ask(ctx, Step.CONFIRM, *lead)
    following = ORDER[ORDER.index(done) + 1]
    while not _needs_asking(following, draft):
        following = ORDER[ORDER.index(following) + 1]
    return await ask(ctx, following, *lead)


def _needs_asking(step: Step, draft: Draft) -> bool:
    """An anonymous complaint is never shown in public, and photos only with a published complaint; a description
    typed before the flow began (`_keep_typed_text`) is not asked for again."""
    if step is Step.DESCRIPTION:
        return not draft.description
    if step is Step.PUBLISH:
        return draft.contact_mode != ContactMode.ANONYMOUS
    if step is Step.PUBLISH_PHOTOS:
        return draft.publish and bool(draft.photos) and draft.contact_mode != ContactMode.ANONYMOUS
    return True


def _update(ctx: Ctx, **changes: object) -> Draft:
    draft = Draft.from_data(ctx.data)
    for name, value in changes.items():
        setattr(draft, name, value)
    draft.save(ctx.data)
    return draft


# ---------------------------------------------------------------- entry and limits


async def enter(ctx: Ctx) -> Outcome:
    """Start a new complaint, unless the person has reached today's limit."""
    limit_reached = await _over_daily_limit(ctx)
    if limit_reached is not None:
        return finish(limit_reached)
    Draft().save(ctx.data)
    intro = Reply(_('File a complaint: a few short questions. Type "cancel" at any time to stop; nothing is kept.'))
    if ctx.args:
        intro = await _keep_typed_text(ctx, ctx.args)
    return await ask(ctx, Step.PLACE, intro)


async def _keep_typed_text(ctx: Ctx, text: str) -> Reply:
    """Words typed before the flow began ("แจ้งเรื่อง ถนนพัง…", or a problem typed at the main menu) become the
    description, and the category they suggest is offered first at the subject question."""
    problem = description_problem(text)
    if problem is DescriptionProblem.TOO_LONG:
        return Reply(
            _(
                "File a complaint. What you wrote is longer than a description may be ({limit} characters): you "
                'will be asked for a shorter one. Type "cancel" at any time to stop; nothing is kept.',
                limit=DESCRIPTION_MAX,
            )
        )
    if problem is not None:  # too short to describe anything: ask for the description as usual
        return Reply(_('File a complaint: a few short questions. Type "cancel" at any time to stop; nothing is kept.'))
    _update(ctx, description=text)
    suggested = await suggest_for_text(ctx.session, text)
    if suggested is not None:
        ctx.data["suggested"] = suggested.code
    return Reply(
        _(
            "File a complaint. What you wrote is kept as its description; you can change it before sending. "
            'A few short questions follow. Type "cancel" at any time to stop; nothing is kept.'
        )
    )


async def _over_daily_limit(ctx: Ctx) -> Reply | None:
    limit = ctx.settings.complaints_per_day
    if await abuse.filed_today(ctx.session, ctx.person, ctx.now) < limit:
        return None
    return Reply(
        _(
            "You have already filed {limit} complaints today, the most one person can file in a day. Please "
            "try again tomorrow. For something urgent call the Damrongdhama centre on 1567.",
            limit=limit,
        )
    )


# ---------------------------------------------------------------- place


async def on_place(ctx: Ctx) -> Outcome:
    """A shared location, "choose from a list", or a typed province or district name."""
    if ctx.kind is InboundKind.LOCATION and ctx.inbound.location is not None:
        return await _use_location(ctx, ctx.inbound.location.latitude, ctx.inbound.location.longitude)
    if ctx.choice == codes.CHOOSE_FROM_LIST:
        return await ask(ctx, Step.PROVINCE)
    if codes.PLACE_PROVINCE.arg(ctx.choice) or codes.PLACE_DISTRICT.arg(ctx.choice):  # a suggested place
        return await on_province(ctx)
    if ctx.kind is InboundKind.TEXT and ctx.text and ctx.choice is None:
        return await _search(ctx, province=None)
    return await again(ctx, _('Please share the location, choose "Choose from a list" or type a place name.'))


async def _use_location(ctx: Ctx, latitude: float, longitude: float) -> Outcome:
    located = locate(latitude, longitude)
    if located is LocationProblem.OUT_OF_RANGE:
        return await again(ctx, _("That location is not valid (the coordinates are out of range). Please try again."))
    if isinstance(located, LocationProblem):
        return await again(
            ctx,
            _(
                "That location is outside Thailand. This service takes complaints about places in Thailand "
                "only: please share a location in Thailand, or choose the province from the list."
            ),
        )
    ids = await located_ids(ctx.session, located)
    if ids is None:
        return await again(ctx, _("Sorry, that place could not be found. Please choose it from the list."))
    draft = _set_place(ctx, ids.province_id, ids.district_id, ids.subdistrict_id, (latitude, longitude))
    found = Reply(_("Found: {place}.", place=await q.place_label(ctx.session, draft)))
    return await advance(ctx, Step.PLACE, found)


def _set_place(
    ctx: Ctx,
    province_id: int,
    district_id: int | None,
    subdistrict_id: int | None = None,
    point: tuple[float, float] | None = None,
) -> Draft:
    draft = Draft.from_data(ctx.data)
    if draft.province_id != province_id:
        draft.agenda_id = None  # agendas belong to a province
    draft.province_id, draft.district_id, draft.subdistrict_id = province_id, district_id, subdistrict_id
    draft.latitude, draft.longitude = point if point else (None, None)
    draft.save(ctx.data)
    return draft


async def on_province(ctx: Ctx) -> Outcome:
    """A province from the list, or a typed province or district name."""
    if (province_code := codes.PLACE_PROVINCE.arg(ctx.choice)) is not None:
        return await _choose_province_code(ctx, province_code)
    if codes.PLACE_DISTRICT.arg(ctx.choice) is not None:
        return await _choose_district_id(ctx, codes.PLACE_DISTRICT.number(ctx.choice))
    if ctx.kind is InboundKind.LOCATION and ctx.inbound.location is not None:
        return await _use_location(ctx, ctx.inbound.location.latitude, ctx.inbound.location.longitude)
    if ctx.kind is InboundKind.TEXT and ctx.text:
        return await _search(ctx, province=None)
    return await again(ctx, _("Please type the province name or choose one from the list."))


async def on_district(ctx: Ctx) -> Outcome:
    """A district of the chosen province, typed or chosen, or skip."""
    draft = Draft.from_data(ctx.data)
    if ctx.choice == codes.NO_DISTRICT and draft.province_id is not None:
        _set_place(ctx, draft.province_id, None)
        return await advance(ctx, Step.PLACE)
    if codes.PLACE_DISTRICT.arg(ctx.choice) is not None:
        return await _choose_district_id(ctx, codes.PLACE_DISTRICT.number(ctx.choice))
    if ctx.kind is InboundKind.TEXT and ctx.text and draft.province_id is not None:
        province = await ctx.session.get(Province, draft.province_id)
        return await _search(ctx, province=province.name_th if province else None)
    return await again(ctx, _("Please choose the district from the list, or type its name."))


async def _choose_province_code(ctx: Ctx, code: str) -> Outcome:
    province = await ctx.session.scalar(select(Province).where(Province.code == code))
    if province is None:
        return await again(ctx, _("Please choose a province from the list."))
    _set_place(ctx, province.id, None)
    return await ask(ctx, Step.DISTRICT)


async def _choose_district_id(ctx: Ctx, district_id: int | None) -> Outcome:
    district = await ctx.session.get(District, district_id) if district_id is not None else None
    if district is None:
        return await again(ctx, _("Please choose a district from the list."))
    draft = _set_place(ctx, district.province_id, district.id)
    found = Reply(_("Place: {place}.", place=await q.place_label(ctx.session, draft)))
    return await advance(ctx, Step.PLACE, found)


async def _search(ctx: Ctx, *, province: str | None) -> Outcome:
    """Take a typed place name: one match is used, several are offered, none gets the closest names."""
    found = search_places(ctx.text, province=province)
    if len(found.matches) == 1:
        return await _take(ctx, found.matches[0])
    if found.matches:
        choices = await _place_choices(ctx, found.matches)
        text = _('Several places match "{typed}". Which one?', typed=ctx.text)
        return goto(Step.PROVINCE, Reply(text, choices=choices))
    if found.suggestions:
        choices = await _place_choices(ctx, found.suggestions)
        text = _('No province or district is called "{typed}". Did you mean one of these?', typed=ctx.text)
        return stay(ctx, Reply(text, choices=choices))
    return await again(
        ctx, _('No province or district is called "{typed}". Please check the spelling.', typed=ctx.text)
    )


async def _take(ctx: Ctx, place: PlaceName) -> Outcome:
    ids = await place_ids(ctx.session, place.province, place.district)
    if ids is None:
        return await again(ctx, _("Sorry, that place could not be found. Please choose it from the list."))
    if place.district is None:
        _set_place(ctx, ids.province_id, None)
        return await ask(ctx, Step.DISTRICT)
    draft = _set_place(ctx, ids.province_id, ids.district_id)
    return await advance(ctx, Step.PLACE, Reply(_("Place: {place}.", place=await q.place_label(ctx.session, draft))))


async def _place_choices(ctx: Ctx, places: list[PlaceName]) -> tuple[Choice, ...]:
    choices = []
    for place in places:
        if place.district is None:
            choices.append(q.province_choice(place.province))
            continue
        ids = await place_ids(ctx.session, place.province, place.district)
        if ids is not None and ids.district_id is not None:
            choices.append(
                Choice(codes.PLACE_DISTRICT(ids.district_id), q.district_label(place.province, place.district))
            )
    return tuple(choices)


# ---------------------------------------------------------------- subject, description, photos


async def on_subject(ctx: Ctx) -> Outcome:
    """An agenda of the province or a general category."""
    draft = Draft.from_data(ctx.data)
    code = ctx.choice or ""
    agenda_id = codes.SUBJECT_AGENDA.number(code)
    if agenda_id is not None:
        agenda = await ctx.session.get(Agenda, agenda_id)
        if agenda is not None and agenda.province_id == draft.province_id:
            _update(ctx, agenda_id=agenda.id, category_id=None)
            return await advance(ctx, Step.SUBJECT)
    category_code = codes.SUBJECT_CATEGORY.arg(code)
    if category_code is not None:
        category = await ctx.session.scalar(select(ComplaintCategory).where(ComplaintCategory.code == category_code))
        if category is not None:
            _update(ctx, category_id=category.id, agenda_id=None)
            return await advance(ctx, Step.SUBJECT)
    if ctx.kind is InboundKind.TEXT and ctx.text and ctx.choice is None:
        return await _subject_from_words(ctx, draft)
    return await again(ctx, _("Please choose a subject from the list."))


async def _subject_from_words(ctx: Ctx, draft: Draft) -> Outcome:
    """Words typed instead of a subject button: the subject they suggest is offered first, and words enough to
    describe the problem are kept as the description (not asked for again)."""
    kept = not draft.description and description_problem(ctx.text) is None
    if kept:
        _update(ctx, description=ctx.text)
    suggested = await suggest_for_text(ctx.session, ctx.text)
    if suggested is not None:
        ctx.data["suggested"] = suggested.code
    lead = [Reply(_("What you wrote is kept as the description."))] if kept else []
    if suggested is None:
        lead.append(Reply(_("Please choose the subject that fits best from the buttons below.")))
    return stay(ctx, *lead, *await question(ctx, Step.SUBJECT))


async def on_description(ctx: Ctx) -> Outcome:
    """The description: not empty, not too long, and not the same text just filed."""
    if ctx.kind is not InboundKind.TEXT or ctx.choice is not None:
        return await again(ctx, _("Please type the description as a text message."))
    problem = description_problem(ctx.text)
    if problem is DescriptionProblem.EMPTY:
        return await again(ctx, _("The description is empty. Please type what the problem is."))
    if problem is DescriptionProblem.TOO_SHORT:
        return await again(
            ctx,
            _(
                "Please describe the problem in a little more detail (at least {minimum} characters).",
                minimum=DESCRIPTION_MIN,
            ),
        )
    if problem is DescriptionProblem.TOO_LONG:
        return await again(
            ctx,
            _(
                "The description is too long: {length} characters, the limit is {limit}. Please shorten it.",
                length=len(ctx.text),
                limit=DESCRIPTION_MAX,
            ),
        )
    earlier = await abuse.same_description_recently(ctx.session, ctx.person, description_hash(ctx.text), ctx.now)
    if earlier is not None:
        return _already_received(earlier)
    _update(ctx, description=ctx.text)
    return await advance(ctx, Step.DESCRIPTION)


def _already_received(earlier: Complaint) -> Outcome:
    text = _(
        "We have already received this complaint as ticket {ticket} a few minutes ago, so it was not filed again.",
        ticket=earlier.ticket_no,
    )
    view = Choice(codes.FOLLOW_TICKET(earlier.ticket_no), _("View ticket {ticket}", ticket=earlier.ticket_no))
    return finish(Reply(text, choices=(view,)))


async def on_photos(ctx: Ctx) -> Outcome:
    """A photo (up to three), or done/skip."""
    if ctx.choice == codes.PHOTOS_DONE:
        return await advance(ctx, Step.PHOTOS)
    if ctx.kind is not InboundKind.IMAGE:
        return await again(ctx, _("Please send a photo, or choose Skip or Done."))
    error = ctx.inbound.extra.get("media_error")
    if error == "too_large":
        return await again(
            ctx,
            _(
                "That photo is too large (the limit is {mb} MB). Please send a smaller one.",
                mb=ctx.settings.max_image_bytes // (1024 * 1024),
            ),
        )
    if error == "not_image":
        return await again(ctx, _("That file is not a photo. Please send a picture (JPEG or PNG)."))
    media = await ctx.session.get(Media, ctx.inbound.media_id) if ctx.inbound.media_id else None
    if error is not None or media is None:
        return await again(ctx, _("Sorry, that photo could not be received. Please send it again."))
    draft = Draft.from_data(ctx.data)
    if media.id not in draft.photos:
        draft = _update(ctx, photos=[*draft.photos, media.id])
    if len(draft.photos) >= q.MAX_PHOTOS:
        return await advance(ctx, Step.PHOTOS, Reply(_("Thank you: {count} photos received.", count=len(draft.photos))))
    return stay(ctx, q.photos_question(draft))


# ---------------------------------------------------------------- contact and sector


async def on_contact(ctx: Ctx) -> Outcome:
    code = ctx.choice or ""
    mode = codes.CONTACT.arg(code)
    if mode == ContactMode.PHONE:
        return await ask(ctx, Step.PHONE)
    if mode in (ContactMode.CHAT, ContactMode.ANONYMOUS):
        _update(ctx, contact_mode=mode, phone=None)
        return await advance(ctx, Step.CONTACT)
    phone = normalise_phone(ctx.text) if ctx.kind is InboundKind.TEXT and ctx.choice is None else None
    if phone is not None:  # a phone number typed instead of pressing "Phone": that is the answer
        _update(ctx, contact_mode=ContactMode.PHONE, phone=phone)
        return await advance(ctx, Step.CONTACT)
    return await again(
        ctx, _('Please choose one of the buttons: "Chat only", "Phone" or "Anonymous". A phone number may be typed.')
    )


async def on_phone(ctx: Ctx) -> Outcome:
    phone = normalise_phone(ctx.text) if ctx.kind is InboundKind.TEXT else None
    if phone is None:
        return await again(
            ctx,
            _(
                "That does not look like a Thai phone number. A mobile number has 10 digits and starts with "
                "06, 08 or 09 (e.g. 081-234-5678); a landline has 9 digits (e.g. 02-123-4567)."
            ),
        )
    _update(ctx, contact_mode=ContactMode.PHONE, phone=phone)
    return await advance(ctx, Step.CONTACT)


async def on_sector(ctx: Ctx) -> Outcome:
    code = ctx.choice or ""
    if code == codes.NO_SECTOR:
        _update(ctx, sector_id=None)
        return await advance(ctx, Step.SECTOR)
    sector_code = codes.SECTOR.arg(code)
    if sector_code is not None:
        sector = await ctx.session.scalar(select(PartnerSector).where(PartnerSector.code == sector_code))
        if sector is not None:
            _update(ctx, sector_id=sector.id)
            return await advance(ctx, Step.SECTOR)
    return await again(ctx, _("Please choose a partner sector from the list, or Skip."))


# ---------------------------------------------------------------- showing it in public (PDPA consents)


async def on_publish(ctx: Ctx) -> Outcome:
    """May the description and rounded place be shown on the public page; a no also keeps the photos private."""
    if ctx.choice not in (codes.PUBLISH_YES, codes.PUBLISH_NO):
        return await again(ctx, _("Please choose one of the buttons: show it, or do not show."))
    publish = ctx.choice == codes.PUBLISH_YES
    _update(ctx, publish=publish, show_photos=Draft.from_data(ctx.data).show_photos and publish)
    if publish and Draft.from_data(ctx.data).photos:
        return await ask(ctx, Step.PUBLISH_PHOTOS)  # asked even while editing: the answer to it may change
    return await advance(ctx, Step.PUBLISH_PHOTOS)


async def on_publish_photos(ctx: Ctx) -> Outcome:
    """May the photos be shown with it."""
    if ctx.choice not in (codes.PUBLISH_PHOTOS_YES, codes.PUBLISH_PHOTOS_NO):
        return await again(ctx, _("Please choose one of the buttons: show the photos, or do not show."))
    _update(ctx, show_photos=ctx.choice == codes.PUBLISH_PHOTOS_YES)
    return await advance(ctx, Step.PUBLISH_PHOTOS)


# ---------------------------------------------------------------- confirm, edit, file


async def _duplicate(ctx: Ctx, draft: Draft) -> Complaint | None:
    if draft.province_id is None:
        return None
    return await abuse.possible_duplicate(
        ctx.session,
        province_id=draft.province_id,
        category_id=draft.category_id,
        agenda_id=draft.agenda_id,
        latitude=draft.latitude,
        longitude=draft.longitude,
    )


async def on_confirm(ctx: Ctx) -> Outcome:
    code = ctx.choice or ""
    if code == codes.CHANGE_COMPLAINT:
        return await ask(ctx, Step.EDIT)
    ticket_no = codes.FOLLOW_TICKET.arg(code)
    if ticket_no is not None:
        return switch(codes.FOLLOW_FLOW, args=ticket_no)
    if code != codes.CONFIRM_COMPLAINT:
        return await again(ctx, _("Please choose Confirm and send, or Change something."))
    return await _file(ctx)


async def on_edit(ctx: Ctx) -> Outcome:
    code = ctx.choice or ""
    targets = {
        "place": Step.PLACE,
        "subject": Step.SUBJECT,
        "description": Step.DESCRIPTION,
        "photos": Step.PHOTOS,
        "contact": Step.CONTACT,
        "sector": Step.SECTOR,
        "public": Step.PUBLISH,
    }
    target = targets.get(codes.CHANGE_PART.arg(code) or "")
    if target is None:
        return await again(ctx, _("Please choose the part to change."))
    if target is Step.PUBLISH and not _needs_asking(target, Draft.from_data(ctx.data)):
        return await ask(ctx, Step.CONFIRM, Reply(_("A complaint filed anonymously is never shown in public.")))
    ctx.data["editing"] = True
    if target is Step.PHOTOS:
        _update(ctx, photos=[], show_photos=False)  # photos are sent again from scratch, and their consent asked
    return await ask(ctx, target)


async def _file(ctx: Ctx) -> Outcome:
    """Check the limits once more (another chat may have filed meanwhile), then file in this transaction."""
    limit_reached = await _over_daily_limit(ctx)
    if limit_reached is not None:
        return finish(limit_reached)
    draft = Draft.from_data(ctx.data)
    if not (draft.has_place and draft.has_subject and draft.description):
        return await ask(ctx, Step.PLACE, Reply(_("Some answers are missing; let us start again from the place.")))
    earlier = await abuse.same_description_recently(
        ctx.session, ctx.person, description_hash(draft.description), ctx.now
    )
    if earlier is not None:
        return _already_received(earlier)
    complaint = await file_complaint(
        ctx.session,
        ctx.person,
        draft,
        channel=ctx.inbound.channel,
        now=ctx.now,
        settings=ctx.settings,
        alert=notices.new_case_alert(ctx.notify),
    )
    agency = await ctx.session.get(Agency, complaint.agency_id) if complaint.agency_id else None
    text = _(
        "Your complaint has been received.\n"
        "Ticket number: {ticket}\n"
        "Sent to: {agency}\n"
        "Answer expected by: {due}\n"
        'Keep the ticket number: you can follow it any time under "Follow a ticket", and we will tell you '
        "here whenever its status changes.",
        ticket=complaint.ticket_no,
        agency=localized(agency.name_th, agency.name_en) if agency else "-",
        due=format_date(complaint.due_on, "long"),
    )
    controller = await data_controller(ctx.session, complaint.province_id)
    if controller is not None:
        text += "\n" + _(
            "Your personal data in this ticket is held by {office}. Questions about it: {contact}.",
            office=controller.office,
            contact=controller.contact or _("hotline {number}", number=controller.hotline),
        )
    page = public_status_url(ctx.settings.public_base_url, complaint.ticket_no)
    return finish(Reply(text), Reply(card=await ticket_card(ctx.session, complaint, public_page=page)))


def register(registry: Registry) -> None:
    steps: dict[str, StepFn] = {
        Step.PLACE: on_place,
        Step.PROVINCE: on_province,
        Step.DISTRICT: on_district,
        Step.SUBJECT: on_subject,
        Step.DESCRIPTION: on_description,
        Step.PHOTOS: on_photos,
        Step.CONTACT: on_contact,
        Step.PHONE: on_phone,
        Step.SECTOR: on_sector,
        Step.PUBLISH: on_publish,
        Step.PUBLISH_PHOTOS: on_publish_photos,
        Step.CONFIRM: on_confirm,
        Step.EDIT: on_edit,
    }
    registry.add_flow(Flow(name=codes.COMPLAIN_FLOW, enter=enter, steps=steps))
    registry.add_command(
        codes.menu(codes.COMPLAIN_FLOW), "แจ้งเรื่อง", "ร้องเรียน", "แจ้งเรื่องร้องเรียน", "/complain", "complain"
    )
