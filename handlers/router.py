"""The router: which flows exist, the main menu, commands and keywords that start a flow.

Flow modules call `register(...)` at import time; `handlers.load_flows()` imports them all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from babel.support import LazyProxy

from bot.core.flow import Flow
from bot.core.i18n import _
from bot.core.types import Choice, Reply
from storage.models import Person

MENU_PREFIX = "m:"  # a choice code "m:<flow>" starts that flow from anywhere


@dataclass(frozen=True)
class MenuEntry:
    code: str  # the full choice code, e.g. "m:complain" or "g:lang"
    label: LazyProxy | str
    order: int
    roles: frozenset[str] | None = None

    def visible_to(self, role: str) -> bool:
        return self.roles is None or role in self.roles


FLOWS: dict[str, Flow] = {}
MENU: dict[str, MenuEntry] = {}
COMMANDS: dict[str, str] = {}  # first word (lower case) -> choice code
CODE_PREFIXES: dict[str, str] = {}  # choice-code prefix -> flow started with the rest of the code as its args
TEXT_PATTERNS: list[tuple[Callable[[str], str | None], str]] = []  # (recogniser, flow) for text typed idle
_first_contact_flow: list[str] = []


def register(flow: Flow) -> Flow:
    """Add (or replace) a flow."""
    FLOWS[flow.name] = flow
    return flow


def add_menu_entry(entry: MenuEntry) -> None:
    MENU[entry.code] = entry


def add_command(word: str, code: str) -> None:
    """Map a command or keyword (e.g. "/register", "ลงทะเบียน") to a choice code; the rest is `ctx.args`."""
    COMMANDS[word.casefold()] = code


def add_code_prefix(prefix: str, flow: str) -> None:
    """Make buttons like "t:CRI-69-00042" work from any step and any old message: they start `flow` with
    the rest of the code ("CRI-69-00042") as `ctx.args`. Notifications use these, since they arrive while the
    person may be anywhere in another flow."""
    CODE_PREFIXES[prefix] = flow


def prefixed_flow(code: str) -> tuple[Flow, str] | None:
    for prefix, name in CODE_PREFIXES.items():
        if code.startswith(prefix) and name in FLOWS:
            return FLOWS[name], code[len(prefix) :]
    return None


def add_text_pattern(recognise: Callable[[str], str | None], flow: str) -> None:
    """Text typed outside any flow that `recognise` accepts (e.g. a ticket number) starts `flow` with what
    `recognise` returned as `ctx.args`."""
    TEXT_PATTERNS.append((recognise, flow))


def recognise_text(text: str) -> tuple[Flow, str] | None:
    for recognise, name in TEXT_PATTERNS:
        args = recognise(text)
        if args is not None and name in FLOWS:
            return FLOWS[name], args
    return None


def set_first_contact_flow(name: str) -> None:
    """The flow a person meets before anything else (the PDPA notice)."""
    _first_contact_flow[:] = [name]


def first_contact_flow() -> Flow | None:
    return FLOWS.get(_first_contact_flow[0]) if _first_contact_flow else None


def flow_for_code(code: str) -> Flow | None:
    if code.startswith(MENU_PREFIX):
        return FLOWS.get(code[len(MENU_PREFIX) :])
    return None


def menu_choices(person: Person) -> tuple[Choice, ...]:
    entries = sorted((e for e in MENU.values() if e.visible_to(person.role)), key=lambda e: e.order)
    return tuple(Choice(e.code, str(e.label)) for e in entries)


def main_menu(person: Person, text: str | None = None) -> Reply:
    return Reply(text=text or _("What would you like to do? Choose from the menu."), choices=menu_choices(person))


def match_command(text: str) -> tuple[str, str] | None:
    """"/register ABC" -> ("m:register", "ABC"); Telegram's "/cmd@botname" form is accepted too."""
    head, _sep, rest = text.strip().partition(" ")
    word = head.split("@", 1)[0].casefold() if head.startswith("/") else head.casefold()
    code = COMMANDS.get(word)
    if code is None:
        code = COMMANDS.get(text.strip().casefold())
        rest = "" if code else rest
    return (code, rest.strip()) if code else None
