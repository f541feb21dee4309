"""Labels are designed for LINE's 20 characters (issue 15): the menus of every role in both languages, the short
forms of the seeded agencies and agendas, the lists offered as buttons, and a ticket with its status. The
transcripts check the rest: tests/conftest.py fails any test whose chat showed a longer label."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.core.i18n import use_locale
from bot.core.text import ELLIPSIS, LINE_LABEL_MAX, button_label
from bot.services import Services
from handlers import build_registry
from handlers.labels import ticket_label
from storage.models import Agency, Agenda, ComplaintCategory, ComplaintStatus, District, PartnerSector, Person, Role


def _too_long(labels: list[str]) -> list[str]:
    return [label for label in labels if len(label) > LINE_LABEL_MAX]


@pytest.mark.parametrize("locale", ["th", "en"])
@pytest.mark.parametrize("role", list(Role))
def test_every_menu_of_every_role_fits(locale: str, role: Role) -> None:
    registry = build_registry()
    person = Person(role=role.value, locale=locale, channel="line", platform_user_id="u", chat_id="u")
    with use_locale(locale):
        menu = [choice.label for choice in registry.menu_choices(person)]
        persistent = [str(button.label) for buttons in registry.persistent_menus.values() for button in buttons]
    assert menu and not _too_long(menu + persistent)


@pytest.mark.parametrize("locale", ["th", "en"])
def test_a_ticket_and_its_status_fit_on_one_button(locale: str) -> None:
    with use_locale(locale):
        labels = [ticket_label("NMA-69-12345", status) for status in ComplaintStatus]
    assert not _too_long(labels)
    assert all(label.startswith("NMA-69-12345 ") and ELLIPSIS not in label for label in labels)
    with use_locale("th"):
        assert ticket_label("CRI-69-00001", ComplaintStatus.RECEIVED) == "CRI-69-00001 รอรับ"


async def test_the_seeded_short_forms_and_listed_names_fit(services: Services) -> None:
    async with services.db.read() as session:
        agencies = (await session.scalars(select(Agency))).all()
        agendas = (await session.scalars(select(Agenda))).all()
        categories = (await session.scalars(select(ComplaintCategory.name_th))).all()
        sectors = (await session.scalars(select(PartnerSector.name_th))).all()
        districts = (await session.scalars(select(District.name_th))).all()
    assert all(a.short_name_th for a in agencies)
    assert not _too_long([a.short_name_th or "" for a in agencies] + [a.short_name_en or "" for a in agencies])
    chiang_rai = {a.code: a.short_name_th for a in agencies if a.name_th.endswith("จังหวัดเชียงราย")}
    assert chiang_rai["natural_resources"] == "ทสจ.เชียงราย" and chiang_rai["provincial_admin"] == "อบจ.เชียงราย"
    assert agendas and all(a.short_title_th for a in agendas)
    assert not _too_long([a.short_title_th or "" for a in agendas] + [a.short_title_en or "" for a in agendas])
    assert not _too_long([*categories, *sectors, *districts])


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("สั้น", "สั้น"),
        ("Forward to the provincial office", "Forward to the…"),  # at a space
        ("เชียงรายเมืองสีเขียว อากาศสะอาด", "เชียงรายเมืองสี…"),  # no space in reach: before a leading vowel
        ("ร้อยละของครัวเรือนที่ คัดแยกขยะ ต้นทาง", "ร้อยละของครัว…"),
    ],
)
def test_a_free_text_label_is_cut_at_a_boundary_and_marked(text: str, label: str) -> None:
    """The fallback for text with no designed short form; it never runs past LINE's limit."""
    assert button_label(text) == label and len(label) <= LINE_LABEL_MAX
