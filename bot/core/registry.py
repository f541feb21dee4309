"""The registry: which flows exist, the main menu, the menus always shown (LINE's rich menus), and the words,
buttons and texts that start a flow.

One `Registry` object is built by the composition root (`bot/services.py`) and filled by each conversation
module's `register(registry)`; the engine only asks it questions. Nothing here is module-level state, so two
registries (a test's own, say) never meet.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from babel.support import LazyProxy

from bot.core.flow import Ctx, Flow, Outcome, finish
from bot.core.i18n import _
from bot.core.types import Choice, Reply
from storage.models import Person

MENU_PREFIX = "m:"  # a choice code "m:<flow>" starts that flow from anywhere

GlobalAction = Callable[[Ctx, str], Awaitable[Outcome | None]]
TextRecogniser = Callable[[str], str | None]


@dataclass(frozen=True)
class MenuEntry:
    code: str  # the full choice code, e.g. "m:complain" or "g:lang"
    label: LazyProxy | str
    order: int
    roles: frozenset[str] | None = None
    only_for: Callable[[Person], bool] | None = None  # a narrower audience than a role (the national team)

    def visible_to(self, person: Person) -> bool:
        in_role = self.roles is None or person.role in self.roles
        return in_role and (self.only_for is None or self.only_for(person))


@dataclass(frozen=True)
class MenuButton:
    """A button of a menu always shown under the chat (LINE's rich menu): the choice code it sends, a short label."""

    code: str
    label: LazyProxy | str


@dataclass(frozen=True)
class Gate:
    """A flow everyone completes before anything else (the PDPA notice).

    `passed` says whether the person has been through it. A request made before (a menu button, a deep link) is
    kept and done right after, unless `keeps` says it asks for nothing the gate does not end with anyway.
    `during` answers the few codes that work while the gate is open (choosing the language); `reminder` is said
    when the person presses something else. `welcome` follows the gate when nothing was asked for before it;
    what was asked for is its own welcome (an officer's sign-up), so the two are never said together.
    """

    flow: str
    passed: Callable[[Person], bool]
    keeps: Callable[[str, str], bool]
    during: GlobalAction
    reminder: Callable[[], Reply]
    welcome: Callable[[], Reply]


async def _nothing(ctx: Ctx) -> Outcome:
    return finish()


@dataclass
class Replies:
    """What the engine says in situations no flow owns; the conversations register their own wording."""

    on_follow: Callable[[Ctx], Awaitable[Outcome]] = _nothing  # a new friend (LINE follow)
    on_idle: Callable[[Ctx], Awaitable[Outcome]] = _nothing  # a message outside any flow that matched nothing
    in_group: Callable[[Ctx, str | None], Sequence[Reply]] = lambda ctx, code: ()  # a message in a group chat
    joined_group: Callable[[], Reply] = lambda: Reply()
    not_supported: Callable[[], Reply] = lambda: Reply()
    not_available: Callable[[Person], Reply] = lambda person: Reply()
    menu_prompt: Callable[[], str] = lambda: _("What would you like to do? Choose from the menu.")


@dataclass
class Registry:
    flows: dict[str, Flow] = field(default_factory=dict)
    menu: dict[str, MenuEntry] = field(default_factory=dict)
    persistent_menus: dict[str, tuple[MenuButton, ...]] = field(default_factory=dict)  # role -> its buttons
    commands: dict[str, str] = field(default_factory=dict)  # first word (case-folded) -> choice code
    code_prefixes: dict[str, str] = field(default_factory=dict)  # choice-code prefix -> flow started with the rest
    text_patterns: list[tuple[TextRecogniser, str]] = field(default_factory=list)
    global_prefixes: list[str] = field(default_factory=lambda: [MENU_PREFIX])
    global_actions: list[GlobalAction] = field(default_factory=list)
    gate: Gate | None = None
    replies: Replies = field(default_factory=Replies)

    # ------------------------------------------------------------ filling it

    def add_flow(self, flow: Flow) -> Flow:
        if flow.name in self.flows:
            raise ValueError(f"flow {flow.name!r} is registered twice")
        self.flows[flow.name] = flow
        return flow

    def add_menu_entry(self, entry: MenuEntry) -> None:
        self.menu[entry.code] = entry

    def set_persistent_menu(self, role: str, *buttons: MenuButton) -> None:
        """The buttons always shown to people of `role` where a platform has such a menu (LINE's rich menu), in
        order; the channel draws them (`hpp-bot line setup-richmenu`)."""
        self.persistent_menus[role] = buttons

    def add_command(self, code: str, *words: str) -> None:
        """Map commands or keywords ("/register", "ลงทะเบียน") to a choice code; the rest is `ctx.args`."""
        for word in words:
            self.commands[word.casefold()] = code

    def add_code_prefix(self, prefix: str, flow: str) -> None:
        """Buttons like "t:CRI-69-00042" work from any step and any old message: they start `flow` with the
        rest of the code as `ctx.args`. Notifications use these, since they arrive while the person may be
        anywhere in another flow."""
        self.code_prefixes[prefix] = flow

    def add_text_pattern(self, recognise: TextRecogniser, flow: str) -> None:
        """Text typed outside any flow that `recognise` accepts (a ticket number) starts `flow` with what
        `recognise` returned as `ctx.args`."""
        self.text_patterns.append((recognise, flow))

    def add_global(self, action: GlobalAction, *prefixes: str) -> None:
        """Codes starting with one of `prefixes` work from any step, even from an old button; `action` answers
        them, and every "m:" code first (or returns None to let the flows have them)."""
        self.global_prefixes.extend(prefixes)
        self.global_actions.append(action)

    # ------------------------------------------------------------ asking it

    def is_global(self, code: str) -> bool:
        return code.startswith((*self.global_prefixes, *self.code_prefixes))

    async def global_outcome(self, ctx: Ctx, code: str) -> Outcome | None:
        for action in self.global_actions:
            outcome = await action(ctx, code)
            if outcome is not None:
                return outcome
        return None

    def flow_for_code(self, code: str) -> Flow | None:
        return self.flows.get(code.removeprefix(MENU_PREFIX)) if code.startswith(MENU_PREFIX) else None

    def prefixed_flow(self, code: str) -> tuple[Flow, str] | None:
        for prefix, name in self.code_prefixes.items():
            if code.startswith(prefix) and name in self.flows:
                return self.flows[name], code[len(prefix) :]
        return None

    def recognise_text(self, text: str) -> tuple[Flow, str] | None:
        for recognise, name in self.text_patterns:
            args = recognise(text)
            if args is not None and name in self.flows:
                return self.flows[name], args
        return None

    def match_command(self, text: str) -> tuple[str, str] | None:
        """ "/register ABC" -> ("m:register", "ABC"); Telegram's "/cmd@botname" form is accepted too."""
        head, _sep, rest = text.strip().partition(" ")
        word = head.split("@", 1)[0].casefold() if head.startswith("/") else head.casefold()
        code = self.commands.get(word)
        if code is None:
            code = self.commands.get(text.strip().casefold())
            rest = "" if code else rest
        return (code, rest.strip()) if code else None

    def menu_choices(self, person: Person) -> tuple[Choice, ...]:
        entries = sorted((e for e in self.menu.values() if e.visible_to(person)), key=lambda e: e.order)
        return tuple(Choice(e.code, str(e.label)) for e in entries)

    def main_menu(self, person: Person, text: str | None = None) -> Reply:
        return Reply(text=text or self.replies.menu_prompt(), choices=self.menu_choices(person))
