"""The commands Telegram shows in its "/" menu, and the Telegram-only ones the router should know."""

from __future__ import annotations

from babel.support import LazyProxy

from bot.core.i18n import N_
from handlers.router import add_command

FOLLOW_TICKET = "m:follow"

# Command (without the slash) and its description, in the order the menu shows them.
BOT_COMMANDS: tuple[tuple[str, LazyProxy], ...] = (
    ("start", N_("Start, or start again")),
    ("menu", N_("Show the main menu")),
    ("status", N_("Follow a ticket")),
    ("help", N_("How to use this service")),
    ("lang", N_("ภาษา/Language")),
    ("cancel", N_("Stop what you are doing")),
)


def register_commands() -> None:
    """/start, /menu, /cancel, /help and /lang are the core's; /status is Telegram's habit for "where is it"."""
    add_command("/status", FOLLOW_TICKET)
