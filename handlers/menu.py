"""The main menu, and what works from any step: menu, cancel, help, language; and the engine's words for a new
friend, a message nobody expected, a group chat."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.courtesy import is_thanks
from bot.core.flow import Ctx, Flow, Outcome, finish, stay
from bot.core.i18n import N_, _, use_locale
from bot.core.registry import MENU_PREFIX, MenuButton, MenuEntry, Registry, Replies
from bot.core.types import Choice, Reply
from handlers import codes
from storage.models import Person, Role

LANGUAGE_NAMES = {"th": "ภาษาไทย", "en": "English"}

# The main menu of the foundation. Feature modules register the flows behind the "m:" codes; until one is
# registered, its entry answers that the service is coming soon.
MAIN_MENU = (
    MenuEntry(codes.menu(codes.COMPLAIN_FLOW), N_("File a complaint"), 10),
    MenuEntry(codes.menu(codes.FOLLOW_FLOW), N_("Follow a ticket"), 20),
    MenuEntry(codes.menu(codes.AGENDA_FLOW), N_("Province agenda"), 30),
    MenuEntry(codes.menu(codes.FEEDBACK_FLOW), N_("Share your views"), 40),
    MenuEntry(codes.LANGUAGE, N_("ภาษา/Language"), 90),
    MenuEntry(codes.HELP, N_("Help"), 95),
)

# The menus always shown under the chat where a platform has one (LINE's rich menu), by role, with short labels.
# Everyone but officers gets the citizens' menu.
PERSISTENT_MENUS = {
    Role.CITIZEN: (
        MenuButton(codes.menu(codes.COMPLAIN_FLOW), N_("Complaint")),
        MenuButton(codes.menu(codes.FOLLOW_FLOW), N_("Track a ticket")),
        MenuButton(codes.menu(codes.AGENDA_FLOW), N_("Agenda")),
        MenuButton(codes.menu(codes.FEEDBACK_FLOW), N_("Your views")),
        MenuButton(codes.HELP, N_("How to use")),
        MenuButton(codes.LANGUAGE, N_("Language")),
    ),
    Role.OFFICER: (
        MenuButton(codes.menu(codes.REPORT_FLOW), N_("Report KPI")),
        MenuButton(codes.menu(codes.CASES_FLOW), N_("My cases")),
        MenuButton(codes.MENU, N_("All services")),
    ),
}


def register(registry: Registry) -> None:
    registry.add_command(codes.START, "/start")
    registry.add_command(codes.MENU, "/menu", "menu", "เมนู", "เมนูหลัก", "main menu")
    registry.add_command(codes.CANCEL, "/cancel", "cancel", "ยกเลิก")
    registry.add_command(codes.HELP, "/help", "help", "ช่วยเหลือ", "วิธีใช้")
    registry.add_command(codes.LANGUAGE, "/lang", "/language", "language", "lang", "ภาษา", "เปลี่ยนภาษา")
    for entry in MAIN_MENU:
        registry.add_menu_entry(entry)
    for role, buttons in PERSISTENT_MENUS.items():
        registry.set_persistent_menu(role, *buttons)
    registry.add_global(global_outcome, codes.GLOBAL, codes.SET_LANGUAGE.prefix)
    registry.add_flow(Flow(name=codes.MENU_FLOW, enter=_menu_enter, steps={}))
    registry.replies = Replies(
        on_follow=start_outcome,
        on_idle=idle_outcome,
        in_group=group_reply,
        joined_group=group_introduction,
        not_supported=not_supported,
        not_available=not_available,
    )


def welcome_text() -> str:
    return _(
        "Welcome to the High Performance Province service. Here you can file a complaint, follow its "
        "progress, see your province's agenda and tell the state what you think."
    )


async def start_outcome(ctx: Ctx) -> Outcome:
    """What a new or returning person sees first (LINE follow, Telegram /start)."""
    gate = ctx.registry.gate
    if gate is not None and not gate.passed(ctx.person):
        return Outcome(start=gate.flow)
    invite = codes.START_REGISTER.arg(ctx.args)
    if invite is not None and codes.REGISTER_FLOW in ctx.registry.flows:
        # A Telegram deep link t.me/<bot>?start=register-CODE arrives as "/start register-CODE".
        return Outcome(start=codes.REGISTER_FLOW, start_args=invite)
    return finish(Reply(welcome_text()))


def help_reply() -> Reply:
    return Reply(
        _(
            "How to use this service:\n"
            "• Choose a button, or type its number.\n"
            '• Type "menu" at any time to see the main menu.\n'
            '• Type "cancel" to stop what you are doing; nothing half-finished is kept.\n'
            '• Type "language" to switch between Thai and English.\n'
            "Urgent matters: call the Damrongdhama centre on 1567 or the government hotline 1111."
        )
    )


def language_reply() -> Reply:
    return Reply(
        _("Choose your language."),
        choices=tuple(Choice(codes.SET_LANGUAGE(code), name) for code, name in LANGUAGE_NAMES.items()),
    )


def not_supported() -> Reply:
    return Reply(_("Sorry, this kind of message is not supported yet. Please send text, a photo or a location."))


def not_available(person: Person) -> Reply:
    return Reply(_("This service is not available to you yet."))


def group_introduction() -> Reply:
    return Reply(
        _(
            "Hello! I am the province's service bot. Complaints and personal matters are taken in a private "
            "chat only: please message me directly."
        )
    )


def group_reply(ctx: Ctx, code: str | None) -> Sequence[Reply]:
    """In a group the bot answers only /start and /help: complaints are taken in private chat."""
    return [group_introduction()] if code in (codes.START, codes.HELP) else []


async def global_outcome(ctx: Ctx, code: str) -> Outcome | None:
    """Menu, cancel, help and language, from any step; None when `code` is not one of them."""
    if code == codes.START:
        return await start_outcome(ctx)
    if code == codes.MENU:
        return finish(Reply(_("Main menu.")))
    if code == codes.CANCEL:
        return finish(Reply(_("Cancelled. Nothing was saved.")))
    if code == codes.HELP:
        return finish(help_reply())
    if code == codes.LANGUAGE:
        return finish(language_reply(), menu=False)
    locale = codes.SET_LANGUAGE.arg(code)
    if locale is not None:
        return set_language(ctx, locale)
    flow = code.removeprefix(MENU_PREFIX)
    if code.startswith(MENU_PREFIX) and flow not in ctx.registry.flows:
        return finish(Reply(_("This service is coming soon.")))
    return None


def set_language(ctx: Ctx, locale: str) -> Outcome:
    if locale not in LANGUAGE_NAMES:
        return finish(language_reply(), menu=False)
    ctx.person.locale = locale
    with use_locale(locale):
        return finish(Reply(_("Language set to English.") if locale == "en" else _("Language set to Thai.")))


async def language_during_notice(ctx: Ctx, code: str) -> Outcome | None:
    """While the first-contact notice is open only the language can be changed: choosing one shows the notice
    again in it."""
    if code == codes.LANGUAGE:
        return stay(ctx, language_reply())
    locale = codes.SET_LANGUAGE.arg(code)
    if locale is None or ctx.registry.gate is None:
        return None
    if locale in LANGUAGE_NAMES:
        ctx.person.locale = locale
    return Outcome(start=ctx.registry.gate.flow)


async def idle_outcome(ctx: Ctx) -> Outcome:
    """A message outside any flow that matched nothing: a friendly answer and the menu."""
    recognised = ctx.registry.recognise_text(ctx.text) if ctx.text else None
    if recognised is not None:
        flow, args = recognised
        return Outcome(start=flow.name, start_args=args)
    if is_thanks(ctx.text):
        return finish(Reply(_("You are welcome. Anything else? Choose from the menu.")))
    if ctx.inbound.location is not None or ctx.inbound.media_id is not None:
        return finish(Reply(_('Thank you. To report a problem, choose "File a complaint" first.')))
    return finish(Reply(_("Hello! I did not quite get that.")))


async def _menu_enter(ctx: Ctx) -> Outcome:
    return finish(Reply(_("Main menu.")))
