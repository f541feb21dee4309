"""My data (ข้อมูลของฉัน): what is held about me, withdrawing a consent, and deleting my personal data."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.flow import Ctx, Flow, Outcome, StepFn, StepName, finish, goto, stay
from bot.core.i18n import N_, _, format_datetime, localized
from bot.core.registry import MenuEntry, Registry
from bot.core.text import shorten
from bot.core.types import Choice, Reply
from bot.domain.complaints.disclosure import Shown, shown_counts, withdraw_everywhere
from bot.domain.consents import (
    PROVINCE_NEWS,
    PUBLISH_PHOTO,
    consent_history,
    granted_purposes,
    record_consent,
    withdraw_consent,
)
from bot.domain.erasure import erase_person
from bot.domain.feedback import feedback_status_label, my_feedback
from bot.domain.profile import choose_province, declare_sector
from handlers import codes
from handlers.citizen.provinces import picked_province, province_prompt
from handlers.complaints.pdpa import purpose_button, purpose_label
from handlers.menu import LANGUAGE_NAMES
from handlers.replies import chosen_sector, sector_question
from storage.models import Complaint, Feedback, FeedbackSupport, PartnerSector, Person, Province, Role

ROLE_LABELS = {Role.CITIZEN: N_("Citizen"), Role.OFFICER: N_("Officer"), Role.SECRETARIAT: N_("Secretariat")}
CHANNEL_LABELS = {"line": "LINE", "telegram": "Telegram", "simulator": N_("Web simulator")}


class Step(StepName):
    ACTION = "action"
    PROVINCE = "province"
    SECTOR = "sector"
    NEWS = "news"
    WITHDRAW = "withdraw"
    CONFIRM_FIRST = "confirm1"
    CONFIRM_SECOND = "confirm2"


async def _count(
    session: AsyncSession, model: type[Complaint] | type[Feedback] | type[FeedbackSupport], person: Person
) -> int:
    return int(await session.scalar(select(func.count()).select_from(model).where(model.person_id == person.id)) or 0)


async def summary_text(session: AsyncSession, person: Person) -> str:
    """Everything the service holds about the person, in words."""
    lines = [_("This is what we hold about you:")]
    lines.append(_("• Name: {name}", name=person.display_name or "-"))
    lines.append(_("• Chat app: {channel}", channel=str(CHANNEL_LABELS.get(person.channel, person.channel))))
    lines.append(_("• Language: {language}", language=LANGUAGE_NAMES.get(person.locale, person.locale)))
    lines.append(_("• Role: {role}", role=str(ROLE_LABELS.get(Role(person.role), person.role))))
    if person.phone:
        lines.append(_("• Phone: {phone}", phone=person.phone))
    province = await session.get(Province, person.province_id) if person.province_id else None
    if province is not None:
        lines.append(_("• Province: {province}", province=localized(province.name_th, province.name_en)))
    sector = await session.get(PartnerSector, person.sector_id) if person.sector_id else None
    if sector is not None:
        lines.append(_("• Partner sector: {sector}", sector=localized(sector.name_th, sector.name_en)))
    lines.append(_("• Complaints filed: {count}", count=await _count(session, Complaint, person)))
    lines.append(_("• Comments and proposals: {count}", count=await _count(session, Feedback, person)))
    lines.append(_("• Proposals you support: {count}", count=await _count(session, FeedbackSupport, person)))
    lines += await _feedback_lines(session, person)
    shown = await shown_counts(session, person)
    if shown[Shown.COMPLAINT]:
        lines.append(
            _(
                "• Complaints shown on the public page: {count} (with photos: {photos})",
                count=shown[Shown.COMPLAINT],
                photos=shown[Shown.PHOTOS],
            )
        )
    history = await consent_history(session, person)
    lines.append(_("Your consents:") if history else _("Your consents: none recorded."))
    ever_given: set[str] = set()
    for row in history:
        lines.append(
            f"• {_purpose_label(row.purpose)}: {_answer(row.granted, row.purpose in ever_given)} "
            f"{format_datetime(row.created_at)}"
        )
        if row.granted:
            ever_given.add(row.purpose)
    return "\n".join(lines)


def _answer(granted: bool, given_before: bool) -> str:
    """A consent refused at first contact was never given: it reads "not given", not "withdrawn"."""
    if granted:
        return _("given")
    return _("withdrawn") if given_before else _("not given")


async def _feedback_lines(session: AsyncSession, person: Person) -> list[str]:
    """What the person told the state lately, with where it stands and the secretariat's reply."""
    lines = []
    for item in await my_feedback(session, person):
        lines.append(
            _("  – “{text}”: {status}", text=shorten(item.text, 60), status=feedback_status_label(item.status))
        )
        if item.reply:
            lines.append(_("    Reply: {reply}", reply=shorten(item.reply, 200)))
    return lines


def _purpose_label(purpose: str) -> str:
    return _("Province news") if purpose == PROVINCE_NEWS else purpose_label(purpose)


def _purpose_button(purpose: str) -> str:
    return _("Province news") if purpose == PROVINCE_NEWS else purpose_button(purpose)


async def action_reply(ctx: Ctx, lead: str | None = None) -> Reply:
    choices = []
    granted = await granted_purposes(ctx.session, ctx.person)
    if granted or await _shown_publicly(ctx):
        choices.append(Choice(codes.MY_DATA_WITHDRAW, _("Withdraw a consent")))
    if ctx.person.role == Role.CITIZEN:
        choices.append(Choice(codes.MY_DATA_PROVINCE, _("Change my province")))
        if PROVINCE_NEWS not in granted:
            choices.append(Choice(codes.MY_DATA_NEWS, _("Receive province news")))
    if ctx.person.sector_id is None:
        choices.append(Choice(codes.MY_DATA_SECTOR, _("Declare my partner sector")))
    choices.append(Choice(codes.MY_DATA_DELETE, _("Delete my data")))
    text = await summary_text(ctx.session, ctx.person)
    return Reply("\n\n".join(filter(None, [lead, text])), choices=tuple(choices))


async def enter(ctx: Ctx) -> Outcome:
    """Show what is held, and offer withdrawal and deletion."""
    return goto(Step.ACTION, await action_reply(ctx))


async def on_action(ctx: Ctx) -> Outcome:
    if ctx.choice == codes.MY_DATA_PROVINCE and ctx.person.role == Role.CITIZEN:
        return goto(Step.PROVINCE, await province_prompt(ctx.session, ctx.person))
    if ctx.choice == codes.MY_DATA_SECTOR and ctx.person.sector_id is None:
        return goto(Step.SECTOR, await sector_question(ctx.session, skippable=False))
    if ctx.choice == codes.MY_DATA_NEWS and ctx.person.role == Role.CITIZEN:
        return goto(Step.NEWS, _news_question())
    if ctx.choice == codes.MY_DATA_WITHDRAW:
        return goto(Step.WITHDRAW, await withdraw_reply(ctx))
    if ctx.choice == codes.MY_DATA_DELETE:
        if ctx.person.role != Role.CITIZEN:
            return finish(Reply(_("Your staff account is managed by the secretariat: please ask them to remove it.")))
        return goto(
            Step.CONFIRM_FIRST,
            Reply(
                _(
                    "Deleting your data removes your name, phone number, consents and chat history from this "
                    "service. Your complaints stay on the record without your name, so you will no longer receive "
                    "their updates. Do you want to continue?"
                ),
                choices=(
                    Choice(codes.MY_DATA_DELETE_SURE, _("Continue")),
                    Choice(codes.MY_DATA_KEEP, _("Keep my data")),
                ),
            ),
        )
    return stay(ctx, await action_reply(ctx, _("Please choose from the list.")))


async def on_province(ctx: Ctx) -> Outcome:
    picked = await picked_province(ctx)
    if isinstance(picked, Reply):
        return stay(ctx, picked)
    await choose_province(ctx.session, ctx.person, picked.id)
    name = localized(picked.name_th, picked.name_en)
    return finish(Reply(_("Your province is now {province}.", province=name)))


async def on_sector(ctx: Ctx) -> Outcome:
    sector = await chosen_sector(ctx.session, ctx.choice)
    if sector is None or not await declare_sector(ctx.session, ctx.person, sector.id):
        lead = Reply(_("Please choose one of the buttons."))
        return stay(ctx, lead, await sector_question(ctx.session, skippable=False))
    return finish(Reply(_("Recorded: {sector}.", sector=localized(sector.name_th, sector.name_en))))


def _news_question() -> Reply:
    text = _(
        "Province news: may the provincial office send you its announcements for the whole province (the agenda, "
        "votes, events) in this chat? This is separate from your complaints, and you can withdraw it any time "
        "under “My data”."
    )
    return Reply(
        text, choices=(Choice(codes.MY_DATA_NEWS_YES, _("I agree")), Choice(codes.MY_DATA_NEWS_NO, _("No thanks")))
    )


async def on_news(ctx: Ctx) -> Outcome:
    if ctx.choice == codes.MY_DATA_NEWS_NO:
        return finish(Reply(_("Nothing was changed.")))
    if ctx.choice != codes.MY_DATA_NEWS_YES:
        return stay(ctx, Reply(_("Please choose one of the buttons.")), _news_question())
    await record_consent(ctx.session, ctx.person, PROVINCE_NEWS, True, ctx.now)
    return finish(Reply(_("Thank you. You will receive your province's news here.")))


async def _shown_publicly(ctx: Ctx) -> list[Shown]:
    """What of the person's tickets is on the public page (each can be withdrawn for all of them at once)."""
    counts = await shown_counts(ctx.session, ctx.person)
    return [what for what in Shown if counts[what]]


async def withdraw_reply(ctx: Ctx, lead: str | None = None) -> Reply:
    purposes = await granted_purposes(ctx.session, ctx.person)
    text = "\n".join(filter(None, [lead, _("Which consent do you want to withdraw?")]))
    choices = [Choice(codes.MY_DATA_PURPOSE(p), _purpose_button(p)) for p in purposes]
    hide = {Shown.COMPLAINT: _("Public complaints"), Shown.PHOTOS: _("Public photos")}
    choices += [Choice(codes.MY_DATA_HIDE(what), hide[what]) for what in await _shown_publicly(ctx)]
    return Reply(text, choices=tuple(choices))


async def _hide_everywhere(ctx: Ctx, what: Shown) -> Outcome:
    count = await withdraw_everywhere(ctx.session, ctx.person, what)
    if what is Shown.PHOTOS:
        text = _("The photos of your {count} tickets are no longer shown in public.", count=count)
    else:
        text = _("Your {count} tickets are no longer shown in public (description, place and photos).", count=count)
    return finish(Reply(text + " " + _("The public page follows within a minute.")))


async def on_withdraw(ctx: Ctx) -> Outcome:
    hide = codes.MY_DATA_HIDE.arg(ctx.choice)
    if hide is not None and hide in await _shown_publicly(ctx):
        return await _hide_everywhere(ctx, Shown(hide))
    purposes = await granted_purposes(ctx.session, ctx.person)
    purpose = codes.MY_DATA_PURPOSE.arg(ctx.choice)
    if purpose is None or purpose not in purposes:
        return stay(ctx, await withdraw_reply(ctx, _("Please choose a consent from the list.")))
    await withdraw_consent(ctx.session, ctx.person, purpose, ctx.now)
    if purpose == PUBLISH_PHOTO:  # withdrawn for the photos of the tickets already filed too
        await withdraw_everywhere(ctx.session, ctx.person, Shown.PHOTOS)
    return finish(
        Reply(
            _(
                'Your consent "{purpose}" is withdrawn as of {time}.',
                purpose=_purpose_label(purpose),
                time=format_datetime(ctx.now),
            )
        )
    )


async def on_confirm_first(ctx: Ctx) -> Outcome:
    if ctx.choice != codes.MY_DATA_DELETE_SURE:
        return finish(Reply(_("Nothing was deleted.")))
    return goto(
        Step.CONFIRM_SECOND,
        Reply(
            _("Are you sure? This cannot be undone."),
            choices=(
                Choice(codes.MY_DATA_DELETE_FINAL, _("Delete permanently")),
                Choice(codes.MY_DATA_KEEP, _("Keep my data")),
            ),
        ),
    )


async def on_confirm_second(ctx: Ctx) -> Outcome:
    if ctx.choice != codes.MY_DATA_DELETE_FINAL:
        return finish(Reply(_("Nothing was deleted.")))
    await erase_person(ctx.session, ctx.person, ctx.now)
    return finish(
        Reply(
            _(
                "Your personal data has been deleted. Your complaints stay on the record without your "
                "name. If you write to us again, you will start as a new user."
            )
        ),
        menu=False,
    )


def register(registry: Registry) -> None:
    steps: dict[str, StepFn] = {
        Step.ACTION: on_action,
        Step.WITHDRAW: on_withdraw,
        Step.CONFIRM_FIRST: on_confirm_first,
        Step.CONFIRM_SECOND: on_confirm_second,
        Step.PROVINCE: on_province,
        Step.SECTOR: on_sector,
        Step.NEWS: on_news,
    }
    registry.add_flow(Flow(name=codes.MY_DATA_FLOW, enter=enter, steps=steps))
    registry.add_menu_entry(MenuEntry(codes.menu(codes.MY_DATA_FLOW), N_("My data"), 80))
    registry.add_command(codes.menu(codes.MY_DATA_FLOW), "/mydata", "ข้อมูลของฉัน")
