"""The conversations, channel-agnostic: one module per flow, each exposing `register(registry)`."""

from __future__ import annotations

from bot.core.registry import Registry
from handlers import menu, workgroup
from handlers.citizen import agenda, feedback, follow, mydata, publicity, rating, vote, watch
from handlers.complaints import complain, pdpa, typed
from handlers.desk import signin as desk_signin
from handlers.officer import alerts, cases, invite, mykpis, register, report
from handlers.secretariat import broadcast, compare, deadlines, handin, manage, polls, review, steps, summary, views

CONVERSATIONS = (
    menu,
    pdpa,
    complain,
    follow,
    publicity,
    watch,
    rating,
    agenda,
    feedback,
    vote,
    mydata,
    register,
    report,
    mykpis,
    cases,
    alerts,
    invite,
    broadcast,
    summary,
    manage,
    compare,
    desk_signin,
    views,
    polls,
    steps,
    handin,
    review,
    deadlines,
    workgroup,
    typed,  # last: its pattern takes typed text no other conversation recognised
)


def build_registry() -> Registry:
    """Every flow, menu entry, command and button prefix of the bot, in one registry."""
    registry = Registry()
    for conversation in CONVERSATIONS:
        conversation.register(registry)
    return registry
