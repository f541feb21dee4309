"""First contact: the PDPA notice, then each optional consent asked separately (PDPA B.E. 2562).

Handling a complaint is the province's public task and needs no consent; anything beyond it does, each
purpose on its own and freely refusable: being phoned by the agency, and a complaint photo shown publicly.
Every answer is a `Consent` row with its time; a withdrawal is a new row (`granted` false), so the history of
what the person agreed to, and when, is kept. The "my data" flow uses `current_consents` and
`withdraw_consent`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from babel.support import LazyProxy
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.flow import Ctx, Flow, Outcome, StepName, finish, goto, stay
from bot.core.i18n import N_, _
from bot.core.types import Choice, Reply
from handlers import router
from handlers.menu import welcome_text
from storage.models import Consent, Person

FLOW = "pdpa"
CONTACT_PHONE = "contact_phone"
PUBLISH_PHOTO = "publish_photo"
YES, NO = "pdpa:yes", "pdpa:no"
RETENTION_YEARS = 5


@dataclass(frozen=True)
class Purpose:
    code: str
    question: LazyProxy  # asked at first contact
    label: LazyProxy  # how "my data" names it


PURPOSES: tuple[Purpose, ...] = (
    Purpose(
        CONTACT_PHONE,
        N_(
            "Optional consent 1 of 2: may the agency handling your complaint phone you, at a number you give, "
            "to ask for details? Without it we reply in this chat only."
        ),
        N_("Phone calls about my complaints"),
    ),
    Purpose(
        PUBLISH_PHOTO,
        N_(
            "Optional consent 2 of 2: may photos you send with a complaint be shown publicly (without your "
            "name) on the province's public ticket pages? Without it only the officers handling it see them."
        ),
        N_("Showing my complaint photos publicly"),
    ),
)
PURPOSE_CODES = tuple(p.code for p in PURPOSES)


class Step(StepName):
    CONSENT = "consent"


def notice_text() -> str:
    return _(
        "Before we start: how we handle your personal data (PDPA B.E. 2562)\n"
        "• What we keep: your chat name and ID, and what you send us (complaints, places, photos, a phone "
        "number if you give one).\n"
        "• Why: to pass your complaint to the right agency, tell you its progress and improve the "
        "province's services.\n"
        "• How long: {years} years after your last ticket is closed; you can delete your data at any time "
        'under "My data".\n'
        "• Who sees it: the provincial officers and the agency handling your complaint. It is never sold.\n"
        "Next, two optional consents: say yes or no to each; your complaint is handled the same either way.",
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
    # What the person asked for before the notice (if anything) follows right after: the engine replays it.
    return finish(thanks, Reply(welcome_text()))


async def record_consent(session: AsyncSession, person: Person, purpose: str, granted: bool, now: datetime) -> Consent:
    if purpose not in PURPOSE_CODES:
        raise ValueError(f"unknown consent purpose {purpose!r}")
    consent = Consent(person_id=person.id, purpose=purpose, granted=granted, created_at=now)
    session.add(consent)
    await session.flush()
    return consent


async def withdraw_consent(session: AsyncSession, person: Person, purpose: str, now: datetime) -> Consent:
    """Record the withdrawal of a consent (a new row: the earlier grant stays in the history)."""
    return await record_consent(session, person, purpose, False, now)


async def current_consents(session: AsyncSession, person: Person) -> dict[str, bool]:
    """Each purpose's latest answer; a purpose never answered counts as not given."""
    rows: Sequence[Consent] = (
        await session.scalars(select(Consent).where(Consent.person_id == person.id).order_by(Consent.id))
    ).all()
    state = dict.fromkeys(PURPOSE_CODES, False)
    for row in rows:
        if row.purpose in state:
            state[row.purpose] = row.granted
    return state


router.register(Flow(name=FLOW, enter=enter, steps={Step.CONSENT: on_consent}))
router.set_first_contact_flow(FLOW)
