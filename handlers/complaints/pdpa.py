"""First contact: the PDPA notice, then each optional consent asked separately (PDPA B.E. 2562).

Everyone goes through it before anything else (it is the registry's gate). The purposes and how answers are kept
are the domain's (bot/domain/consents.py); the wording is here.
"""

from __future__ import annotations

from dataclasses import dataclass

from babel.support import LazyProxy

from bot.core.flow import Ctx, Flow, Outcome, StepName, finish, goto, stay
from bot.core.i18n import N_, _
from bot.core.registry import Gate, Registry
from bot.core.types import Choice, Reply
from bot.domain.consents import CONTACT_PHONE, PUBLISH_PHOTO, RETENTION_YEARS, record_consent
from handlers import codes
from handlers.menu import language_during_notice, welcome_text

YES, NO = codes.CONSENT_YES, codes.CONSENT_NO


@dataclass(frozen=True)
class Purpose:
    code: str
    question: LazyProxy  # asked at first contact
    label: LazyProxy  # how "my data" names it
    button: LazyProxy  # the same, on a button (LINE: 20 characters)


PURPOSES: tuple[Purpose, ...] = (
    Purpose(
        CONTACT_PHONE,
        N_(
            "Optional consent 1 of 2: may the agency handling your complaint phone you, at a number you give, "
            "to ask for details? Without it we reply in this chat only."
        ),
        N_("Phone calls about my complaints"),
        N_("Phone calls"),
    ),
    Purpose(
        PUBLISH_PHOTO,
        N_(
            "Optional consent 2 of 2: may the province publish the photos you send with a complaint (without "
            "your name) when it reports on complaints to the public? Without it only the officers handling it "
            "see them."
        ),
        N_("Showing my complaint photos publicly"),
        N_("Publishing photos"),
    ),
)


class Step(StepName):
    CONSENT = "consent"


def notice_text() -> str:
    return _(
        "Before we start: how we handle your personal data (PDPA B.E. 2562)\n"
        "• Who is responsible (the data controller): the provincial office of the province your complaint is "
        "about; in Bangkok, the Bangkok Metropolitan Administration. Questions about your data: the "
        "Damrongdhama centre on 1567, or the contact given with your ticket number.\n"
        "• What we keep: your chat name and ID, and what you send us (complaints, places, photos, a phone "
        "number if you give one).\n"
        "• Why: to pass your complaint to the right agency, tell you its progress and improve the "
        "province's services.\n"
        "• How long: {years} years after your last ticket is closed; you can delete your data at any time "
        'under "My data".\n'
        "• Who sees it: the provincial officers and the agency handling your complaint. It is never sold.\n"
        "Next, two optional consents. Saying no to either does not change how your complaint is handled.",
        years=RETENTION_YEARS,
    )


def _question(index: int) -> Reply:
    return Reply(str(PURPOSES[index].question), choices=(Choice(YES, _("I agree")), Choice(NO, _("No, thanks"))))


async def enter(ctx: Ctx) -> Outcome:
    """The notice and the first consent question."""
    ctx.data["answers"] = {}
    return goto(Step.CONSENT, Reply(notice_text()), _question(0))


async def on_consent(ctx: Ctx) -> Outcome:
    """A yes or no to the current purpose; after the last one everything is recorded at once."""
    answers: dict[str, bool] = ctx.data.setdefault("answers", {})
    index = len(answers)
    if ctx.choice not in (YES, NO):
        return stay(ctx, Reply(_("Please answer with one of the buttons: yes or no.")), _question(index))
    answers[PURPOSES[index].code] = ctx.choice == YES
    if len(answers) < len(PURPOSES):
        return stay(ctx, _question(len(answers)))
    for code, granted in answers.items():
        await record_consent(ctx.session, ctx.person, code, granted, ctx.now)
    ctx.person.pdpa_notice_at = ctx.now
    thanks = Reply(_('Thank you. Your choices are saved; you can change them at any time under "My data".'))
    # What the person asked for before the notice follows right after (the engine replays it), else the welcome.
    return finish(thanks)


def purpose_label(purpose: str) -> str:
    """How "my data" names a purpose."""
    return next((str(p.label) for p in PURPOSES if p.code == purpose), purpose)


def purpose_button(purpose: str) -> str:
    """A purpose on a button."""
    return next((str(p.button) for p in PURPOSES if p.code == purpose), purpose)


def _keeps(code: str, args: str) -> bool:
    """A bare /start or "menu" asks for what the notice ends with anyway (the welcome and the menu); a cancel
    asks for nothing."""
    return code != codes.CANCEL and not (code in (codes.START, codes.MENU) and not args)


def _reminder() -> Reply:
    return Reply(_("First, please answer the question above; then I will take you there."))


def register(registry: Registry) -> None:
    registry.add_flow(Flow(name=codes.PDPA_FLOW, enter=enter, steps={Step.CONSENT: on_consent}))
    registry.gate = Gate(
        flow=codes.PDPA_FLOW,
        passed=lambda person: person.pdpa_notice_at is not None,
        keeps=_keeps,
        during=language_during_notice,
        reminder=_reminder,
        welcome=lambda: Reply(welcome_text()),
    )
