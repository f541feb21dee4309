"""The main menu, and what works from any step: menu, cancel, help, language."""

from __future__ import annotations

from bot.core.flow import Ctx, Flow, Outcome, finish
from bot.core.i18n import N_, _, use_locale
from bot.core.types import Choice, Reply
from handlers import router
from handlers.router import MenuEntry, add_command, add_menu_entry

START = "g:start"
MENU = "g:menu"
CANCEL = "g:cancel"
HELP = "g:help"
LANGUAGE = "g:lang"
SET_LANGUAGE = "lang:"  # lang:th, lang:en
START_REGISTER = "register-"  # the start parameter of the officers' invite deep links
START_REGISTER_FLOW = "register"
GLOBAL_PREFIXES = ("g:", "lang:", router.MENU_PREFIX)
LANGUAGE_NAMES = {"th": "ภาษาไทย", "en": "English"}

for _word in ("/start",):
    add_command(_word, START)
for _word in ("/menu", "menu", "เมนู", "เมนูหลัก", "main menu"):
    add_command(_word, MENU)
for _word in ("/cancel", "cancel", "ยกเลิก"):
    add_command(_word, CANCEL)
for _word in ("/help", "help", "ช่วยเหลือ", "วิธีใช้"):
    add_command(_word, HELP)
for _word in ("/lang", "/language", "language", "lang", "ภาษา", "เปลี่ยนภาษา"):
    add_command(_word, LANGUAGE)

# The main menu of the foundation. Feature modules register the flows behind the "m:" codes; until one is
# registered, its entry answers that the service is coming soon.
for _entry in (
    MenuEntry("m:complain", N_("File a complaint"), 10),
    MenuEntry("m:follow", N_("Follow a ticket"), 20),
    MenuEntry("m:agenda", N_("Province agenda"), 30),
    MenuEntry("m:feedback", N_("Share your views"), 40),
    MenuEntry(LANGUAGE, N_("ภาษา/Language"), 90),
    MenuEntry(HELP, N_("Help"), 95),
):
    add_menu_entry(_entry)


def is_global(code: str) -> bool:
    """Codes that work from any step, even from an old button."""
    return code.startswith(GLOBAL_PREFIXES) or code.startswith(tuple(router.CODE_PREFIXES))


def welcome_text() -> str:
    return _(
        "Welcome to the High Performance Province service. Here you can file a complaint, follow its "
        "progress, see your province's agenda and tell the state what you think."
    )


def start_outcome(ctx: Ctx) -> Outcome:
    """What a new or returning person sees first (LINE follow, Telegram /start)."""
    first = router.first_contact_flow()
    if first is not None and ctx.person.pdpa_notice_at is None:
        return Outcome(start=first.name)
    if ctx.args.startswith(START_REGISTER) and START_REGISTER_FLOW in router.FLOWS:
        # A Telegram deep link t.me/<bot>?start=register-CODE arrives as "/start register-CODE".
        return Outcome(start=START_REGISTER_FLOW, start_args=ctx.args.removeprefix(START_REGISTER))
    return finish(Reply(welcome_text()))


def help_reply() -> Reply:
    return Reply(
        _(
            "How to use this service:\n"
            "• Choose a button, or type its number.\n"
            "• Type \"menu\" at any time to see the main menu.\n"
            "• Type \"cancel\" to stop what you are doing; nothing half-finished is kept.\n"
            "• Type \"language\" to switch between Thai and English.\n"
            "Urgent matters: call the Damrongdhama centre on 1567 or the government hotline 1111."
        )
    )


def language_reply() -> Reply:
    return Reply(
        _("Choose your language."),
        choices=tuple(Choice(f"{SET_LANGUAGE}{code}", name) for code, name in LANGUAGE_NAMES.items()),
    )


def not_supported() -> Reply:
    return Reply(_("Sorry, this kind of message is not supported yet. Please send text, a photo or a location."))


def not_available(person: object) -> Reply:
    return Reply(_("This service is not available to you yet."))


def group_introduction() -> Reply:
    return Reply(
        _(
            "Hello! I am the province's service bot. Complaints and personal matters are taken in a private "
            "chat only: please message me directly."
        )
    )


async def global_outcome(ctx: Ctx, code: str) -> Outcome | None:
    """Menu, cancel, help and language, from any step; None when `code` is not one of them."""
    if code == START:
        return start_outcome(ctx)
    if code == MENU:
        return finish(Reply(_("Main menu.")))
    if code == CANCEL:
        return finish(Reply(_("Cancelled. Nothing was saved.")))
    if code == HELP:
        return finish(help_reply())
    if code == LANGUAGE:
        return goto_language(ctx)
    if code.startswith(SET_LANGUAGE):
        return set_language(ctx, code[len(SET_LANGUAGE) :])
    if code.startswith(router.MENU_PREFIX) and code[len(router.MENU_PREFIX) :] not in router.FLOWS:
        return finish(Reply(_("This service is coming soon.")))
    return None


def goto_language(ctx: Ctx) -> Outcome:
    return finish(language_reply(), menu=False)


def set_language(ctx: Ctx, locale: str) -> Outcome:
    if locale not in LANGUAGE_NAMES:
        return finish(language_reply(), menu=False)
    ctx.person.locale = locale
    with use_locale(locale):
        return finish(Reply(_("Language set to English.") if locale == "en" else _("Language set to Thai.")))


async def idle_outcome(ctx: Ctx) -> Outcome:
    """A message outside any flow that matched nothing: a friendly answer and the menu."""
    recognised = router.recognise_text(ctx.text) if ctx.text else None
    if recognised is not None:
        flow, args = recognised
        return Outcome(start=flow.name, start_args=args)
    if ctx.inbound.location is not None or ctx.inbound.media_id is not None:
        return finish(Reply(_("Thank you. To report a problem, choose \"File a complaint\" first.")))
    return finish(Reply(_("Hello! I did not quite get that.")))


async def _menu_enter(ctx: Ctx) -> Outcome:
    return finish(Reply(_("Main menu.")))


router.register(Flow(name="menu", enter=_menu_enter, steps={}))

