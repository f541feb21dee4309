"""Complaint alerts (การแจ้งเตือนเรื่องร้องเรียน): an officer or a secretariat member chooses how they hear of new
complaints in their scope: a push for each at once (the default) or a digest at 08:00 and 16:00
(bot/domain/alerts.py). Tickets past their answer date are always pushed at once."""

from __future__ import annotations

from bot.core.flow import Ctx, Flow, Outcome, StepFn, StepName, choices, finish, goto, stay
from bot.core.i18n import N_, _
from bot.core.registry import MenuEntry, Registry
from bot.core.types import Reply
from bot.domain import scope
from bot.domain.alerts import set_alert_mode
from handlers import codes
from handlers.notices import alert_digest
from handlers.replies import forbidden_reply
from storage.models import AlertMode


class Step(StepName):
    MODE = "mode"


MODE_LABELS = {
    AlertMode.INSTANT: N_("At once, for each complaint"),
    AlertMode.DIGEST: N_("A summary at 08:00 and 16:00"),
}


def _question(current: str) -> Reply:
    now = MODE_LABELS.get(AlertMode(current), MODE_LABELS[AlertMode.INSTANT])
    text = _(
        "How would you like to hear of new complaints for you to handle?\nNow: {mode}\n"
        "Complaints past their answer date are always sent at once.",
        mode=now,
    )
    buttons = choices(*((codes.ALERT_MODE(mode.value), str(label)) for mode, label in MODE_LABELS.items()))
    return Reply(text, choices=buttons)


async def enter(ctx: Ctx) -> Outcome:
    if not scope.STAFF_ROLES & {ctx.person.role}:
        return finish(forbidden_reply())
    return goto(Step.MODE, _question(ctx.person.alert_mode))


async def on_mode(ctx: Ctx) -> Outcome:
    if not scope.STAFF_ROLES & {ctx.person.role}:
        return finish(forbidden_reply())
    chosen = codes.ALERT_MODE.arg(ctx.choice)
    if chosen not in {m.value for m in AlertMode}:
        return stay(ctx, Reply(_("Please choose one of the buttons.")), _question(ctx.person.alert_mode))
    mode = AlertMode(chosen)
    undigested = await set_alert_mode(ctx.session, ctx.person, mode, ctx.now)
    if mode is AlertMode.DIGEST:
        return finish(Reply(_("Done. New complaints will come in a summary at 08:00 and 16:00.")))
    done = Reply(_("Done. You will be told of each new complaint at once."))
    return finish(done, *(alert_digest(undigested) if undigested else ()))


def register(registry: Registry) -> None:
    steps: dict[str, StepFn] = {Step.MODE: on_mode}
    registry.add_flow(Flow(name=codes.ALERTS_FLOW, enter=enter, steps=steps))
    registry.add_menu_entry(
        MenuEntry(codes.menu(codes.ALERTS_FLOW), N_("Complaint alerts"), 53, roles=scope.STAFF_ROLES)
    )
    registry.add_command(codes.menu(codes.ALERTS_FLOW), "การแจ้งเตือน", "การแจ้งเตือนเรื่องร้องเรียน", "/alertmode")
