"""Progress reports (รายงานความก้าวหน้า): agenda, KPI, value, narrative, photos, confirm; and corrections.

Buttons elsewhere start it on one KPI or on a correction: "report:k<kpi id>" (reminders, the KPI list) and
"report:c<report id>" (right after a report, within a day).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.core.flow import Ctx, Flow, Outcome, StepFn, StepName, choices, finish, goto, stay
from bot.core.i18n import N_, _, format_date, format_datetime, localized
from bot.core.numbers import parse_id, parse_int
from bot.core.registry import MenuEntry, Registry
from bot.core.types import Ask, Choice, Reply
from bot.domain import scope
from bot.domain.figures import stage_count
from bot.domain.periods import KpiPeriods, Period, local_day, period_label, periods_of
from bot.domain.progress import (
    MAX_NARRATIVE_LENGTH,
    BadValue,
    ReportedValue,
    can_still_correct,
    kpi_value_text,
    parse_value,
    save_report,
    stage_value,
)
from handlers import codes
from handlers.cards import kpi_card
from handlers.labels import agenda_label, legend, listed_kpis
from handlers.replies import forbidden_reply
from storage.models import Agenda, Kpi, KpiKind, KpiUnit, ProgressReport, ReportingCycle

MAX_PHOTOS = 3
YES, NO = codes.REPORT_VALUE_YES, codes.REPORT_VALUE_NO


class Step(StepName):
    AGENDA = "agenda"
    KPI = "kpi"
    VALUE = "value"
    NARRATIVE = "narrative"
    PHOTOS = "photos"
    CONFIRM = "confirm"


# ---------------------------------------------------------------- choosing the KPI


async def enter(ctx: Ctx) -> Outcome:
    """From the menu: pick an agenda; from a button: straight to the KPI or the correction."""
    if not scope.STAFF_ROLES & {ctx.person.role}:
        return finish(forbidden_reply())
    chosen = parse_id(ctx.args[1:])
    if ctx.args.startswith("c") and chosen is not None:
        return await _start_correction(ctx, chosen)
    if ctx.args.startswith("k") and chosen is not None:
        return await _start_kpi(ctx, chosen)
    return await _ask_agenda(ctx)


async def _ask_agenda(ctx: Ctx) -> Outcome:
    agendas = (
        await ctx.session.scalars(
            select(Agenda).where(scope.agendas_of(ctx.person), Agenda.is_active.is_(True)).order_by(Agenda.id)
        )
    ).all()
    if not agendas:
        return finish(Reply(_("There is no active agenda in your province to report on yet.")))
    if len(agendas) == 1:
        ctx.data["agenda_id"] = agendas[0].id
        return await _ask_kpi(ctx)
    buttons = tuple(Choice(codes.REPORT_AGENDA(a.id), agenda_label(a)) for a in agendas[:12])
    titles = legend([(agenda_label(a), localized(a.title_th, a.title_en)) for a in agendas[:12]])
    return goto(Step.AGENDA, Reply(_("Which agenda are you reporting on?") + "\n" + titles, choices=buttons))


async def answer_agenda(ctx: Ctx) -> Outcome:
    agenda_id = codes.REPORT_AGENDA.number(ctx.choice)
    if agenda_id is None:
        return await _ask_agenda(ctx)
    agenda = await ctx.session.get(Agenda, agenda_id)
    if agenda is None or not scope.can_report_on(ctx.person, agenda):
        return finish(forbidden_reply())
    ctx.data["agenda_id"] = agenda.id
    return await _ask_kpi(ctx)


async def _ask_kpi(ctx: Ctx) -> Outcome:
    kpis = (await ctx.session.scalars(select(Kpi).where(Kpi.agenda_id == ctx.data["agenda_id"]).order_by(Kpi.id))).all()
    if not kpis:
        return finish(Reply(_("This agenda has no KPIs yet. Please ask the secretariat to add them.")))
    names, labels = listed_kpis(kpis[:12])
    buttons = tuple(Choice(codes.REPORT_KPI(k.id), label) for k, label in zip(kpis, labels, strict=False))
    return goto(Step.KPI, Reply(_("Which KPI are you reporting on?") + "\n" + names, choices=buttons))


async def answer_kpi(ctx: Ctx) -> Outcome:
    kpi_id = codes.REPORT_KPI.number(ctx.choice)
    if kpi_id is None:
        return await _ask_kpi(ctx)
    return await _start_kpi(ctx, kpi_id)


async def _kpi_in_scope(ctx: Ctx, kpi_id: int) -> Kpi | None:
    kpi = await ctx.session.get(Kpi, kpi_id)
    agenda = await ctx.session.get(Agenda, kpi.agenda_id) if kpi is not None else None
    if kpi is None or agenda is None or not scope.can_report_on(ctx.person, agenda):
        return None
    return kpi


async def _start_kpi(ctx: Ctx, kpi_id: int) -> Outcome:
    kpi = await _kpi_in_scope(ctx, kpi_id)
    if kpi is None:
        return finish(forbidden_reply())
    today = local_day(ctx.now)
    schedule = await periods_of(ctx.session, kpi, today)
    period = schedule.for_report(today)
    ctx.data.update(kpi_id=kpi.id, period_on=period.start.isoformat())
    return goto(Step.VALUE, Reply(card=kpi_card(kpi)), _period_note(schedule, period, today), _value_prompt(kpi))


def _period_note(schedule: KpiPeriods, period: Period, today: date) -> Reply:
    """Which period the report is for, and, for a cumulative KPI, that it is that period's amount only."""
    kpi = schedule.kpi
    label, due = period_label(period), format_date(period.due)
    if today > period.due:
        lines = [_("This report is for {period}, which was due on {due}.", period=label, due=due)]
    else:
        lines = [_("This report is for {period} (due {due}).", period=label, due=due)]
    if kpi.kind == KpiKind.CUMULATIVE:
        if period.cycle == ReportingCycle.NONE:
            lines.append(_("Type the total since the start of the fiscal year."))
        else:
            lines.append(_("Type the amount for this period only, not the running total: the bot adds them up."))
        if schedule.covers(period):
            lines.append(_("A report for this period is already in: the new amount replaces it."))
    return Reply("\n".join(lines))


async def _start_correction(ctx: Ctx, report_id: int) -> Outcome:
    report = await ctx.session.get(ProgressReport, report_id)
    kpi = await _kpi_in_scope(ctx, report.kpi_id) if report is not None else None
    if report is None or kpi is None or report.author_id != ctx.person.id:
        return finish(forbidden_reply())
    if not can_still_correct(report, ctx.now):
        return finish(
            Reply(_("A report can only be corrected by its author within a day. Please send a new report instead."))
        )
    ctx.data.update(kpi_id=kpi.id, corrects=report.id)
    previous = _shown_value(kpi, {"value": report.value, "value_text": report.value_text})
    return goto(
        Step.VALUE,
        Reply(
            _(
                "Correcting your report of {time}: it said {value}.",
                time=format_datetime(report.created_at),
                value=previous,
            )
        ),
        _value_prompt(kpi),
    )


# ---------------------------------------------------------------- value, narrative, photos


def _value_prompt(kpi: Kpi) -> Reply:
    unit = localized(kpi.unit_label_th, kpi.unit_label_en) or _("units")
    if kpi.kind == KpiKind.MILESTONE:
        stages = stage_count(kpi)
        if stages == 1:
            return Reply(_("Has it been achieved?"), choices=choices((YES, _("Yes")), (NO, _("No"))))
        buttons = tuple(Choice(codes.REPORT_STAGE(n), _("Stage {n}", n=n)) for n in range(1, stages + 1))
        prompt = _("Which stage of {n} has been reached? Choose it, or type it with a note.", n=stages)
        return Reply(prompt, choices=buttons)
    # Each prompt says what may be typed: the bot reads commas, a unit word and Thai digits (bot/core/numbers.py).
    if kpi.unit == KpiUnit.PERCENT:
        return Reply(_('Type the current percentage (0–100): "45", "45%" and Thai digits such as "๔๕" are all fine.'))
    if kpi.kind == KpiKind.CUMULATIVE:
        return Reply(
            _(
                'Type the amount in {unit} as a number: commas, the unit and Thai digits are fine, e.g. "1,250 {unit}" '
                'or "๑๒๕๐".',
                unit=unit,
            )
        )
    return Reply(
        _(
            'Type the current value in {unit} as a number: commas, the unit and Thai digits are fine, e.g. "1,250 '
            '{unit}" or "๑๒๕๐".',
            unit=unit,
        )
    )


def _chosen_value(kpi: Kpi, ctx: Ctx) -> ReportedValue:
    """The value from a button (a milestone's Yes, No or stage) or typed; BadValue when it does not fit."""
    if kpi.kind == KpiKind.MILESTONE and ctx.choice in (YES, NO):
        return stage_value(1 if ctx.choice == YES else 0)
    stage = codes.REPORT_STAGE.number(ctx.choice)
    if kpi.kind == KpiKind.MILESTONE and stage is not None and 0 <= stage <= stage_count(kpi):
        return stage_value(stage)
    return parse_value(kpi, ctx.text)


async def answer_value(ctx: Ctx) -> Outcome:
    kpi = await _kpi_in_scope(ctx, ctx.data["kpi_id"])
    if kpi is None:
        return finish(forbidden_reply())
    try:
        reported = _chosen_value(kpi, ctx)
    except BadValue as bad:
        return stay(ctx, Reply(str(bad)), _value_prompt(kpi))
    ctx.data.update(value=reported.value, value_text=reported.text)
    return _ask_narrative()


def _ask_narrative() -> Outcome:
    return goto(
        Step.NARRATIVE,
        Reply(
            _("Add a short note on what was done (up to {limit} characters), or skip.", limit=MAX_NARRATIVE_LENGTH),
            choices=choices((codes.SKIP, _("Skip"))),
        ),
    )


async def answer_narrative(ctx: Ctx) -> Outcome:
    if ctx.choice == codes.SKIP:
        ctx.data["narrative"] = ""
    elif not ctx.text:
        return _ask_narrative()
    elif len(ctx.text) > MAX_NARRATIVE_LENGTH:
        return stay(
            ctx,
            Reply(_("That note is too long: please keep it under {limit} characters.", limit=MAX_NARRATIVE_LENGTH)),
            *_ask_narrative().replies,
        )
    else:
        ctx.data["narrative"] = ctx.text
    ctx.data["photos"] = []
    return goto(Step.PHOTOS, _photo_prompt(0))


def _photo_prompt(count: int) -> Reply:
    if count == 0:
        return Reply(
            _("Send up to {n} photos of the work if you have them, or skip.", n=MAX_PHOTOS),
            choices=choices((codes.SKIP, _("Skip"))),
            ask=Ask.PHOTO,
        )
    return Reply(
        _("Photo {count} received. Send another, or choose Done.", count=count),
        choices=choices((codes.REPORT_PHOTOS_DONE, _("Done"))),
        ask=Ask.PHOTO,
    )


async def answer_photos(ctx: Ctx) -> Outcome:
    photos: list[int] = ctx.data.setdefault("photos", [])
    if ctx.choice in (codes.SKIP, codes.REPORT_PHOTOS_DONE):
        return await _ask_confirm(ctx)
    if ctx.inbound.media_id is None:
        if ctx.inbound.extra.get("media_error"):
            return stay(
                ctx,
                Reply(_("Sorry, that photo could not be used. Please send a JPEG or PNG photo.")),
                _photo_prompt(len(photos)),
            )
        return stay(ctx, _photo_prompt(len(photos)))
    photos.append(ctx.inbound.media_id)
    if len(photos) >= MAX_PHOTOS:
        return await _ask_confirm(ctx)
    return stay(ctx, _photo_prompt(len(photos)))


# ---------------------------------------------------------------- confirm and save


async def _ask_confirm(ctx: Ctx) -> Outcome:
    kpi = await _kpi_in_scope(ctx, ctx.data["kpi_id"])
    if kpi is None:
        return finish(forbidden_reply())
    lines = [
        _("Please check your report:"),
        _("KPI: {name}", name=localized(kpi.name_th, kpi.name_en)),
        _("Value: {value}", value=_shown_value(kpi, ctx.data)),
    ]
    if ctx.data.get("narrative"):
        lines.append(_("Note: {note}", note=ctx.data["narrative"]))
    if ctx.data.get("photos"):
        lines.append(_("Photos: {n}", n=len(ctx.data["photos"])))
    return goto(
        Step.CONFIRM,
        Reply(
            "\n".join(lines), choices=choices((codes.REPORT_SEND, _("Send the report")), (codes.CANCEL, _("Cancel")))
        ),
    )


def _shown_value(kpi: Kpi, data: dict[str, object]) -> str:
    value = data.get("value")
    shown = kpi_value_text(kpi, float(value) if isinstance(value, int | float) else None)
    text = str(data.get("value_text", ""))
    if kpi.kind == KpiKind.MILESTONE and text and parse_int(text) is None:  # the officer's words about the stage
        return f"{shown}: {text}"
    return shown


async def answer_confirm(ctx: Ctx) -> Outcome:
    if ctx.choice != codes.REPORT_SEND:
        return await _ask_confirm(ctx)
    kpi = await _kpi_in_scope(ctx, ctx.data["kpi_id"])
    if kpi is None:
        return finish(forbidden_reply())
    old = await ctx.session.get(ProgressReport, ctx.data["corrects"]) if ctx.data.get("corrects") else None
    if old is not None and (old.author_id != ctx.person.id or not can_still_correct(old, ctx.now)):
        return finish(
            Reply(_("A report can only be corrected by its author within a day. Please send a new report instead."))
        )
    report = await save_report(
        ctx.session,
        kpi,
        ctx.person,
        ReportedValue(ctx.data.get("value"), str(ctx.data.get("value_text", ""))),
        narrative=str(ctx.data.get("narrative", "")),
        photos=list(ctx.data.get("photos", [])),
        channel=ctx.inbound.channel,
        corrects=old,
        period_on=await _report_period(ctx, kpi),
        now=ctx.now,
    )
    return finish(
        Reply(_("Thank you: your report is saved.") if old is None else _("Thank you: your correction is saved.")),
        Reply(card=kpi_card(kpi)),
        Reply(
            _("You can correct this report within a day."),
            choices=(
                Choice(codes.correct_report(report.id), _("Correct this report")),
                *ctx.registry.menu_choices(ctx.person),
            ),
        ),
        menu=False,
    )


async def _report_period(ctx: Ctx, kpi: Kpi) -> date:
    """The period shown when the report began (a correction keeps its report's own)."""
    shown = ctx.data.get("period_on")
    if isinstance(shown, str):
        return date.fromisoformat(shown)
    today = local_day(ctx.now)
    return (await periods_of(ctx.session, kpi, today)).for_report(today).start


def register(registry: Registry) -> None:
    steps: dict[str, StepFn] = {
        Step.AGENDA: answer_agenda,
        Step.KPI: answer_kpi,
        Step.VALUE: answer_value,
        Step.NARRATIVE: answer_narrative,
        Step.PHOTOS: answer_photos,
        Step.CONFIRM: answer_confirm,
    }
    # Anyone may start it: `enter` gives a citizen the clear refusal.
    registry.add_flow(Flow(name=codes.REPORT_FLOW, enter=enter, steps=steps))
    registry.add_menu_entry(
        MenuEntry(codes.menu(codes.REPORT_FLOW), N_("Report progress"), 50, roles=scope.STAFF_ROLES)
    )
    registry.add_code_prefix(codes.REPORT_ON.prefix, codes.REPORT_FLOW)
