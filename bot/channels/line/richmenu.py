"""Rich menus: one for citizens (the default for everyone) and one for officers, linked per user by role.

The buttons are the conversations' (`Registry.persistent_menus`: role -> choice codes and labels); this module
draws them and installs them. Each menu is found again through a rich menu alias (`hpp-citizen`,
`hpp-officer`), so nothing about LINE's ids is kept in the database. `hpp-bot line setup-richmenu` (re)creates
both, points the aliases at the new menus, deletes the old ones, makes the citizens' menu the default and links
the officers' menu to every LINE officer.

When someone becomes an officer (or stops being one), the conversation answers with a `Reply(menu_role=...)`;
the LINE channel, delivering it, links the role's menu (`LineChannel.link_menu`). That never raises for LINE
errors (a missing menu is logged): the role change stands either way.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from babel.support import LazyProxy
from linebot.v3.messaging import (
    CreateRichMenuAliasRequest,
    PostbackAction,
    RichMenuArea,
    RichMenuBounds,
    RichMenuRequest,
    RichMenuSize,
    UpdateRichMenuAliasRequest,
)
from PIL import Image, ImageDraw, ImageFont

from bot.channels.line.channel import DEFAULT_ROLE, MENU_ALIASES, LineChannel, LineError
from bot.core.i18n import N_, use_locale
from bot.core.registry import MenuButton

log = logging.getLogger(__name__)

WIDTH, HEIGHT = 2500, 843
FONT_DIR = Path("/usr/share/fonts/truetype/tlwg")
ASSETS = Path(__file__).resolve().parent / "assets"
BACKGROUND = (244, 246, 250)
TEXT = (255, 255, 255)
SUBTEXT = (225, 236, 255)

NAVY, TEAL, GREEN, ORANGE, PURPLE, GREY = (
    (31, 60, 136),
    (0, 128, 128),
    (6, 150, 85),
    (214, 110, 20),
    (110, 64, 170),
    (90, 98, 112),
)
PALETTE = (NAVY, TEAL, GREEN, ORANGE, PURPLE)  # the tiles in order; the last tile (help, all services) is grey


@dataclass(frozen=True)
class MenuLayout:
    """How one role's menu is set up at LINE; its buttons come from the conversations."""

    alias: str
    name: str
    chat_bar_text: LazyProxy | str
    columns: int = 3


@dataclass(frozen=True)
class RichMenuSpec:
    alias: str
    name: str
    chat_bar_text: LazyProxy | str
    columns: int
    buttons: tuple[MenuButton, ...]

    @property
    def rows(self) -> int:
        return -(-len(self.buttons) // self.columns)

    def colour(self, index: int) -> tuple[int, int, int]:
        return GREY if index == len(self.buttons) - 1 else PALETTE[index % len(PALETTE)]


LAYOUTS = {
    DEFAULT_ROLE: MenuLayout(MENU_ALIASES[DEFAULT_ROLE], "HPP citizens", N_("Open the menu")),
    "officer": MenuLayout(MENU_ALIASES["officer"], "HPP officers", N_("Officer menu")),
}


def menu_specs(menus: Mapping[str, Sequence[MenuButton]]) -> list[RichMenuSpec]:
    """The menus to install: each role with a layout here and buttons from the conversations, default first."""
    for role in sorted(set(menus) - set(LAYOUTS)):
        log.warning("no LINE rich menu layout for the role %s: its people keep the default menu", role)
    return [
        RichMenuSpec(layout.alias, layout.name, layout.chat_bar_text, layout.columns, tuple(menus[role]))
        for role, layout in LAYOUTS.items()
        if menus.get(role)
    ]


def _cell(spec: RichMenuSpec, index: int) -> tuple[int, int, int, int]:
    """(x, y, width, height) of a button; the last column/row takes the rounding remainder."""
    column, row = index % spec.columns, index // spec.columns
    width, height = WIDTH // spec.columns, HEIGHT // spec.rows
    x, y = column * width, row * height
    return x, y, (WIDTH - x if column == spec.columns - 1 else width), (HEIGHT - y if row == spec.rows - 1 else height)


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Garuda (fonts-thai-tlwg) draws Thai; without it Pillow's own font is used (Latin only)."""
    for name in ("Garuda-Bold.ttf", "Loma-Bold.ttf", "Garuda.ttf"):
        if (FONT_DIR / name).exists():
            return ImageFont.truetype(str(FONT_DIR / name), size)
    log.warning("no Thai font in %s: rich menu labels drawn with Pillow's default font", FONT_DIR)
    return ImageFont.load_default(size)


def _centred(
    draw: ImageDraw.ImageDraw, centre: tuple[float, float], text: str, size: int, limit: int, fill: Any
) -> None:
    """Draw text centred on a point, shrinking it until it fits `limit` pixels wide."""
    while True:
        font = _font(size)
        left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
        if right - left <= limit or size <= 24:
            break
        size -= 4
    draw.text((centre[0] - (right + left) / 2, centre[1] - (bottom + top) / 2), text, font=font, fill=fill)


def render_image(spec: RichMenuSpec) -> bytes:
    """The menu picture: coloured tiles with the Thai label and the English one under it (PNG, < 1 MB)."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    for index, button in enumerate(spec.buttons):
        x, y, width, height = _cell(spec, index)
        fill = spec.colour(index)
        draw.rounded_rectangle((x + 12, y + 12, x + width - 12, y + height - 12), radius=36, fill=fill)
        with use_locale("th"):
            thai = str(button.label)
        with use_locale("en"):
            english = str(button.label)
        big = 110 if spec.rows == 1 else 92
        limit = width - 100
        thai_y = y + height * 0.42
        _centred(draw, (x + width / 2, thai_y), thai, big, limit, TEXT)
        _centred(draw, (x + width / 2, thai_y + max(big * 1.1, height * 0.22)), english, big * 6 // 10, limit, SUBTEXT)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def menu_image(spec: RichMenuSpec, *, regenerate: bool = False) -> bytes:
    """The shipped picture (assets/<alias>.png) unless asked to draw it again."""
    shipped = ASSETS / f"{spec.alias}.png"
    if shipped.exists() and not regenerate:
        return shipped.read_bytes()
    return render_image(spec)


def menu_request(spec: RichMenuSpec) -> RichMenuRequest:
    areas = []
    for index, button in enumerate(spec.buttons):
        x, y, width, height = _cell(spec, index)
        with use_locale("th"):
            label = str(button.label)[:20]
        action = PostbackAction(label=label, data=button.code, display_text=label)
        areas.append(RichMenuArea(bounds=RichMenuBounds(x=x, y=y, width=width, height=height), action=action))
    with use_locale("th"):
        bar = str(spec.chat_bar_text)[:14]
    return RichMenuRequest(
        size=RichMenuSize(width=WIDTH, height=HEIGHT), selected=True, name=spec.name, chat_bar_text=bar, areas=areas
    )


async def install_menu(channel: LineChannel, spec: RichMenuSpec, *, regenerate: bool = False) -> str:
    """Create the menu with its picture, point its alias at it, delete the menu the alias had before."""
    old = await channel.menu_of(spec.alias)
    created = await channel.call(lambda: channel.api.create_rich_menu(menu_request(spec)))
    menu_id = str(created.rich_menu_id)
    image = menu_image(spec, regenerate=regenerate)
    await channel.call(lambda: channel.blob.set_rich_menu_image(menu_id, image, _headers={"Content-Type": "image/png"}))
    if old is None:
        request = CreateRichMenuAliasRequest(rich_menu_alias_id=spec.alias, rich_menu_id=menu_id)
        await channel.call(lambda: channel.api.create_rich_menu_alias(request))
    else:
        update = UpdateRichMenuAliasRequest(rich_menu_id=menu_id)
        await channel.call(lambda: channel.api.update_rich_menu_alias(spec.alias, update))
        try:
            await channel.call(lambda: channel.api.delete_rich_menu(old))
        except LineError as error:
            log.warning("could not delete the old rich menu %s: %s", old, error)
    return menu_id


async def setup_rich_menus(
    channel: LineChannel,
    menus: Mapping[str, Sequence[MenuButton]],
    officer_user_ids: list[str],
    *,
    regenerate: bool = False,
) -> dict[str, str]:
    """Install the menus (`menus`: the registry's role -> buttons), make the citizens' the default, link the
    officers'. Returns alias -> menu id."""
    if not menus.get(DEFAULT_ROLE):
        raise ValueError(f"the conversations give no {DEFAULT_ROLE} menu: nothing to make the default")
    installed = {spec.alias: await install_menu(channel, spec, regenerate=regenerate) for spec in menu_specs(menus)}
    default_menu = installed[LAYOUTS[DEFAULT_ROLE].alias]
    await channel.call(lambda: channel.api.set_default_rich_menu(default_menu))
    for user_id in officer_user_ids:
        await channel.link_menu(user_id, "officer")
    return installed
