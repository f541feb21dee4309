"""The commands Telegram shows in its "/" menu (`hpp-bot telegram set-commands` publishes them)."""

from __future__ import annotations

from babel.support import LazyProxy

from bot.core.i18n import N_

# Command (without the slash) and its description, in the order the menu shows them.
BOT_COMMANDS: tuple[tuple[str, LazyProxy], ...] = (
    ("start", N_("Start, or start again")),
    ("menu", N_("Show the main menu")),
    ("status", N_("Follow a ticket")),
    ("help", N_("How to use this service")),
    ("lang", N_("ภาษา/Language")),
    ("cancel", N_("Stop what you are doing")),
)
