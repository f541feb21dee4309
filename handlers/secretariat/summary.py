"""The province summary in chat (secretariat), and its XLSX export sent as a file and a download link."""

from __future__ import annotations

from bot.core.flow import Ctx, Flow, Outcome, StepFn, StepName, finish, goto, stay
from bot.core.i18n import N_, _, localized
from bot.core.media import add_media
from bot.core.registry import MenuEntry, Registry
from bot.core.types import Card, CardField, Choice, Reply
from bot.domain import scope
from bot.domain.areas import province_title
from bot.domain.export import XLSX_TYPE, export_filename, summary_rows, summary_workbook
from bot.domain.places import find_province
from bot.domain.summaries import ProvinceSummary, province_summary
from handlers import codes
from handlers.cards import agenda_lists_lines
from handlers.secretariat.common import ask_province, unknown_province, working_province

MAX_KPI_LINES = 10


class Step(StepName):
    PROVINCE = "province"
    EXPORT = "export"


async def enter(ctx: Ctx) -> Outcome:
    """Show the member's province, or ask a national member which one."""
    province_id = working_province(ctx)
    if province_id is None:
        return goto(Step.PROVINCE, ask_province())
    return await _show(ctx, province_id)


async def on_province(ctx: Ctx) -> Outcome:
    province = await find_province(ctx.session, ctx.text)
    if province is None:
        return stay(ctx, unknown_province(ctx.text))
    ctx.data["province_id"] = province.id
    return await _show(ctx, province.id)


def summary_card(summary: ProvinceSummary) -> Card:
    name = province_title(summary.province_th, summary.province_en)
    fields = tuple(CardField(str(label), str(value)) for label, value in summary_rows(summary)[2:])
    progress = summary.progress.mean
    return Card(
        title=_("Summary: {province}", province=name),
        alt_text=_("Summary of {province}", province=name),
        fields=fields,
        progress_percent=progress,
    )


def agendas_text(summary: ProvinceSummary) -> str:
    """The province's active agendas, each with its dimension, mechanisms and working group."""
    if not summary.agenda_lines:
        return _("No active agenda yet.")
    lines = [_("Active agendas:")]
    for number, line in enumerate(summary.agenda_lines, start=1):
        lines.append(f"{number}. {localized(line.agenda.title_th, line.agenda.title_en)}")
        lines += [f"   {text}" for text in agenda_lists_lines(line.lists)]
    return "\n".join(lines)


def kpi_lines(summary: ProvinceSummary) -> str:
    lines = []
    for line in summary.kpis[:MAX_KPI_LINES]:
        kpi = line.kpi
        percent = f"{kpi.latest_percent:.0f}%" if kpi.latest_percent is not None else _("no report yet")
        late = " ⚠" if line.report_overdue else ""
        lines.append(f"• {localized(kpi.name_th, kpi.name_en)}: {percent}{late}")
    if len(summary.kpis) > MAX_KPI_LINES:
        lines.append(_("… and {n} more in the XLSX file.", n=len(summary.kpis) - MAX_KPI_LINES))
    return "\n".join(lines) or _("No KPIs yet.")


async def _show(ctx: Ctx, province_id: int) -> Outcome:
    if not scope.serves_province(ctx.person, province_id):
        return finish(scope_refusal())
    ctx.data["province_id"] = province_id
    summary = await province_summary(ctx.session, province_id, ctx.now)
    return goto(
        Step.EXPORT,
        Reply(card=summary_card(summary)),
        Reply(agendas_text(summary)),
        Reply(
            kpi_lines(summary),
            choices=(Choice(codes.SUMMARY_EXPORT, _("Export to XLSX")), Choice(codes.MENU, _("Main menu"))),
        ),
    )


def scope_refusal() -> Reply:
    return Reply(_("You can only see the summary of your own province."))


async def on_export(ctx: Ctx) -> Outcome:
    province_id = working_province(ctx)
    if ctx.choice != codes.SUMMARY_EXPORT or province_id is None:
        return stay(ctx, Reply(_("Choose “Export to XLSX”, or type “menu”.")))
    summary = await province_summary(ctx.session, province_id, ctx.now)
    data = summary_workbook(summary)
    filename = export_filename(summary)
    media = await add_media(ctx.session, data, XLSX_TYPE, filename=filename, owner_id=ctx.person.id)
    link = ctx.links.link(media.id)  # valid for days (CHAT_LINK_LIFETIME); exporting again makes a new one
    return finish(
        Reply(_("Here is the summary as an XLSX file. Download link: {link}", link=link), document_media_id=media.id)
    )


def register(registry: Registry) -> None:
    steps: dict[str, StepFn] = {Step.PROVINCE: on_province, Step.EXPORT: on_export}
    registry.add_flow(Flow(name=codes.SUMMARY_FLOW, enter=enter, steps=steps, roles=scope.SECRETARIAT_ONLY))
    registry.add_menu_entry(
        MenuEntry(codes.menu(codes.SUMMARY_FLOW), N_("Province summary"), 61, roles=scope.SECRETARIAT_ONLY)
    )
