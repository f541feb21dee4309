"""Provinces compared (national secretariat only): choose a pilot group, a dimension or a mechanism, read the
provinces side by side (bot/domain/comparison.py says what each figure means), and export them as XLSX."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from sqlalchemy import select

from bot.core.flow import Ctx, Flow, Outcome, StepFn, StepName, finish, goto, stay
from bot.core.i18n import N_, _, format_date, localized
from bot.core.media import add_media
from bot.core.registry import MenuEntry, Registry
from bot.core.types import Choice, Reply
from bot.domain import scope
from bot.domain.comparison import Comparison, ComparisonFilter, PilotGroup, ProvinceFigures, compare_provinces
from bot.domain.export import XLSX_TYPE, comparison_filename, comparison_title, comparison_workbook, group_label
from bot.domain.periods import shown_fiscal_year
from handlers import codes
from handlers.labels import numbered
from storage.models import Dimension, Mechanism

MAX_LISTED = 15  # provinces in the chat; the XLSX file has them all


class Step(StepName):
    FILTER = "filter"
    DIMENSION = "dimension"
    MECHANISM = "mechanism"
    RESULT = "result"


async def enter(ctx: Ctx) -> Outcome:
    """Only the national team compares provinces: a provincial member is told so."""
    if not scope.is_national(ctx.person):
        return finish(Reply(_("Comparing provinces is for the national secretariat.")))
    return goto(Step.FILTER, _filter_prompt())


def _filter_prompt() -> Reply:
    groups = [Choice(codes.COMPARE_GROUP(group.value), group_label(group)) for group in PilotGroup]
    return Reply(
        _("Which provinces do you want to compare?"),
        choices=(
            *groups,
            Choice(codes.COMPARE_BY_DIMENSION, _("By dimension")),
            Choice(codes.COMPARE_BY_MECHANISM, _("By mechanism")),
        ),
    )


async def on_filter(ctx: Ctx) -> Outcome:
    group = codes.COMPARE_GROUP.arg(ctx.choice)
    if group in {g.value for g in PilotGroup}:
        return await _show(ctx, ComparisonFilter(group=PilotGroup(group)))
    if ctx.choice == codes.COMPARE_BY_DIMENSION:
        return goto(Step.DIMENSION, await _list_prompt(ctx, Dimension, codes.COMPARE_DIMENSION))
    if ctx.choice == codes.COMPARE_BY_MECHANISM:
        return goto(Step.MECHANISM, await _list_prompt(ctx, Mechanism, codes.COMPARE_MECHANISM))
    return stay(ctx, _filter_prompt())


async def _list_prompt(ctx: Ctx, model: type[Dimension] | type[Mechanism], code: codes.Prefix) -> Reply:
    rows = await ctx.session.scalars(select(model).order_by(model.position, model.id))
    items = cast(Sequence[Dimension | Mechanism], rows.all())  # of the one model asked for
    question = _("Which dimension?") if model is Dimension else _("Which mechanism?")
    names, labels = numbered([localized(item.name_th, item.name_en) for item in items])
    buttons = tuple(Choice(code(item.code), label) for item, label in zip(items, labels, strict=True))
    return Reply(question + "\n" + names, choices=buttons)


async def on_dimension(ctx: Ctx) -> Outcome:
    chosen = codes.COMPARE_DIMENSION.arg(ctx.choice)
    if chosen is None or not await ctx.session.scalar(select(Dimension.id).where(Dimension.code == chosen)):
        return stay(ctx, await _list_prompt(ctx, Dimension, codes.COMPARE_DIMENSION))
    return await _show(ctx, ComparisonFilter(dimension=chosen))


async def on_mechanism(ctx: Ctx) -> Outcome:
    chosen = codes.COMPARE_MECHANISM.arg(ctx.choice)
    if chosen is None or not await ctx.session.scalar(select(Mechanism.id).where(Mechanism.code == chosen)):
        return stay(ctx, await _list_prompt(ctx, Mechanism, codes.COMPARE_MECHANISM))
    return await _show(ctx, ComparisonFilter(mechanism=chosen))


async def _show(ctx: Ctx, chosen: ComparisonFilter) -> Outcome:
    ctx.data.update(group=chosen.group.value, dimension=chosen.dimension, mechanism=chosen.mechanism)
    comparison = await compare_provinces(ctx.session, ctx.now, chosen)
    buttons = (
        Choice(codes.COMPARE_EXPORT, _("Export to XLSX")),
        Choice(codes.COMPARE_AGAIN, _("Compare other provinces")),
        Choice(codes.MENU, _("Main menu")),
    )
    return goto(Step.RESULT, Reply(comparison_text(comparison), choices=buttons))


def comparison_text(comparison: Comparison) -> str:
    lines = [
        _("Provinces compared: {title}", title=comparison_title(comparison)),
        _(
            "Fiscal year {year}, as of {date}. A KPI with no report counts as 0 %.",
            year=shown_fiscal_year(comparison.year_be),
            date=format_date(comparison.today),
        ),
    ]
    if not comparison.provinces:
        return "\n".join([*lines, _("No province has an active agenda filed under it.")])
    if all(row.steps == 0 for row in comparison.provinces):  # a year's deadlines are entered, never copied
        lines.append(
            _(
                "No step deadlines have been entered for FY {year} yet, so no step is counted.",
                year=comparison.year_be,
            )
        )
    lines += [_province_line(number, row) for number, row in enumerate(comparison.provinces[:MAX_LISTED], start=1)]
    if len(comparison.provinces) > MAX_LISTED:
        lines.append(_("… and {n} more in the XLSX file.", n=len(comparison.provinces) - MAX_LISTED))
    return "\n".join(lines)


def _province_line(number: int, row: ProvinceFigures) -> str:
    progress = row.progress
    if progress.mean is None:
        kpis = _("no KPIs")
    else:
        kpis = _(
            "{percent} % ({unreported} of {n} not reported)",
            percent=f"{progress.mean:.0f}",
            unreported=progress.unreported,
            n=progress.kpis,
        )
    on_time = "-" if row.on_time_share is None else f"{row.on_time_share:.0f} % ({row.answered_on_time}/{row.answered})"
    rating = "-" if row.mean_rating is None else f"{row.mean_rating:.1f} ({row.ratings})"
    return _(
        "{n}. {province}: KPIs {kpis} · steps handed in {handed}/{steps} · answered on time {on_time} · "
        "satisfaction {rating}",
        n=number,
        province=localized(row.province.name_th, row.province.name_en),
        kpis=kpis,
        handed=row.steps_handed_in,
        steps=row.steps,
        on_time=on_time,
        rating=rating,
    )


def _chosen(ctx: Ctx) -> ComparisonFilter | None:
    group = ctx.data.get("group")
    if group not in {g.value for g in PilotGroup}:
        return None
    dimension, mechanism = ctx.data.get("dimension"), ctx.data.get("mechanism")
    return ComparisonFilter(
        PilotGroup(str(group)),
        str(dimension) if dimension else None,
        str(mechanism) if mechanism else None,
    )


async def on_result(ctx: Ctx) -> Outcome:
    if ctx.choice == codes.COMPARE_AGAIN:
        return goto(Step.FILTER, _filter_prompt())
    chosen = _chosen(ctx)
    if ctx.choice != codes.COMPARE_EXPORT or chosen is None:
        return stay(ctx, Reply(_("Choose “Export to XLSX”, or type “menu”.")))
    comparison = await compare_provinces(ctx.session, ctx.now, chosen)
    media = await add_media(
        ctx.session,
        comparison_workbook(comparison),
        XLSX_TYPE,
        filename=comparison_filename(comparison),
        owner_id=ctx.person.id,
    )
    return finish(
        Reply(
            _("Here is the comparison as an XLSX file. Download link: {link}", link=ctx.links.link(media.id)),
            document_media_id=media.id,
        )
    )


def register(registry: Registry) -> None:
    steps: dict[str, StepFn] = {
        Step.FILTER: on_filter,
        Step.DIMENSION: on_dimension,
        Step.MECHANISM: on_mechanism,
        Step.RESULT: on_result,
    }
    registry.add_flow(Flow(name=codes.COMPARE_FLOW, enter=enter, steps=steps, roles=scope.SECRETARIAT_ONLY))
    registry.add_menu_entry(
        MenuEntry(
            codes.menu(codes.COMPARE_FLOW),
            N_("Compare provinces"),
            63,
            roles=scope.SECRETARIAT_ONLY,
            only_for=scope.is_national,
        )
    )
