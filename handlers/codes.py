"""Every choice code the conversations put on a button, in one place.

A code is short ASCII: it must fit Telegram's 64-byte callback data. A plain code (`CONFIRM_COMPLAINT`) means
one answer; a `Prefix` carries an argument ("t:CRI-69-00042"): build the code with `FOLLOW_TICKET(ticket_no)`
and read the argument back with `FOLLOW_TICKET.arg(ctx.choice)`. Two codes may share a prefix only when they
belong to different flows' steps, where the engine never confuses them; codes that work from anywhere (the
"from anywhere" section) are unique.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.numbers import parse_id
from bot.core.registry import MENU_PREFIX
from bot.domain.invites import TELEGRAM_START_PREFIX


@dataclass(frozen=True)
class Prefix:
    """A family of codes: the prefix and an argument."""

    prefix: str

    def __call__(self, argument: object) -> str:
        return f"{self.prefix}{argument}"

    def arg(self, code: str | None) -> str | None:
        """The argument of a code of this family, or None when `code` is not one."""
        if code is None or not code.startswith(self.prefix):
            return None
        return code[len(self.prefix) :]

    def number(self, code: str | None) -> int | None:
        """The argument as a whole number (a database id), or None."""
        argument = self.arg(code)
        return parse_id(argument) if argument is not None else None


def menu(flow: str) -> str:
    """The code that starts a flow from anywhere ("m:complain")."""
    return f"{MENU_PREFIX}{flow}"


# ---------------------------------------------------------------- flow names
COMPLAIN_FLOW = "complain"
FOLLOW_FLOW = "follow"
AGENDA_FLOW = "agenda"
FEEDBACK_FLOW = "feedback"
MY_DATA_FLOW = "mydata"
RATE_FLOW = "rate"
REOPEN_FLOW = "reopen"
PDPA_FLOW = "pdpa"
REGISTER_FLOW = "register"
REPORT_FLOW = "report"
MY_KPIS_FLOW = "mykpis"
CASES_FLOW = "cases"
CASE_FLOW = "case"
INVITE_FLOW = "invite"
BROADCAST_FLOW = "broadcast"
SUMMARY_FLOW = "summary"
MANAGE_FLOW = "manage"
COMPARE_FLOW = "compare"
ALERTS_FLOW = "alerts"
WATCH_FLOW = "watch"
UNWATCH_FLOW = "unwatch"
VIEWS_FLOW = "views"
POLLS_FLOW = "polls"
VOTE_FLOW = "vote"
STEPS_FLOW = "steps"
HANDIN_FLOW = "handin"
HANDED_IN_FLOW = "handedin"
REVIEW_FLOW = "review"
REVIEWS_FLOW = "reviews"
YEAR_DEADLINES_FLOW = "yeardeadlines"
ADVISE_FLOW = "advise"
HIDE_FLOW = "hide"
MENU_FLOW = "menu"
TYPED_FLOW = "typed"  # text typed at the main menu, offered as a complaint

# ---------------------------------------------------------------- from anywhere
START = "g:start"
MENU = "g:menu"
CANCEL = "g:cancel"
HELP = "g:help"
LANGUAGE = "g:lang"
SET_LANGUAGE = Prefix("lang:")  # lang:th, lang:en
GLOBAL = "g:"  # the prefix of the codes above
START_REGISTER = Prefix(TELEGRAM_START_PREFIX)  # Telegram deep links: /start register-CODE
FOLLOW_TICKET = Prefix("t:")  # opens a ticket in the follow flow
RATE_TICKET = Prefix("rate:")  # the complainant rates a resolved ticket
REOPEN_TICKET = Prefix("reopen:")  # the complainant reopens it inside the window
OPEN_CASE = Prefix("case:")  # an officer opens a ticket for handling
FEEDBACK_ON_AGENDA = Prefix("fb:")  # "tell the state" about an agenda
REPORT_ON = Prefix("report:")  # report:k12 reports on KPI 12; report:c34 corrects report 34
HIDE = Prefix("hide:")  # hide:complaint:CRI-69-00042 or hide:photos:…: withdraw a ticket's consent, from its card
STOP_WATCH = Prefix("unwatch:")  # unwatch:<watch id>: a citizen stops following an area
HAND_IN = Prefix("hi:")  # hi:<deadline id>: a step reminder's button opens the hand-in for that deadline


def report_on_kpi(kpi_id: int) -> str:
    return REPORT_ON(f"k{kpi_id}")


def correct_report(report_id: int) -> str:
    return REPORT_ON(f"c{report_id}")


# ---------------------------------------------------------------- first contact (PDPA)
CONSENT_YES = "pdpa:yes"
CONSENT_NO = "pdpa:no"

# ---------------------------------------------------------------- filing a complaint
CHOOSE_FROM_LIST = "pl:list"
PLACE_PROVINCE = Prefix("pv:")  # pv:CRI
PLACE_DISTRICT = Prefix("ds:")  # ds:<district id>
NO_DISTRICT = "ds:none"
SUBJECT_AGENDA = Prefix("a:")  # a:<agenda id>
SUBJECT_CATEGORY = Prefix("c:")  # c:<category code>
PHOTOS_DONE = "ph:done"
CONTACT = Prefix("ct:")  # ct:chat, ct:phone, ct:anonymous
SECTOR = Prefix("sc:")  # sc:<sector code>
NO_SECTOR = "sc:none"
CONFIRM_COMPLAINT = "cf:ok"
CHANGE_COMPLAINT = "cf:edit"
CHANGE_PART = Prefix("ed:")  # ed:place, ed:subject, ...
FILE_TYPED = "ty:file"  # file what was typed at the main menu as a complaint
NOT_A_COMPLAINT = "ty:no"
PUBLISH_YES = "pb:yes"  # show the description and rounded place on the public page
PUBLISH_NO = "pb:no"
PUBLISH_PHOTOS_YES = "pb:ph:yes"  # and the photos
PUBLISH_PHOTOS_NO = "pb:ph:no"

# ---------------------------------------------------------------- citizens
PROVINCE = Prefix("p:")  # p:<province id>
AGENDA = Prefix("a:")  # a:<agenda id>, in the agenda flow
OTHER_PROVINCE = "a:province"
STARS = Prefix("star:")
SKIP = "skip"
FEEDBACK_GENERAL = "fa:general"
FEEDBACK_AGENDA = Prefix("fa:")
FEEDBACK_KPI = Prefix("fk:")
FEEDBACK_SUPPORT = Prefix("fs:")
FEEDBACK_ACTION = Prefix("do:")  # do:comment, do:kpi_proposal, do:target_proposal, do:support
MY_DATA_WITHDRAW = "md:withdraw"
MY_DATA_DELETE = "md:delete"
MY_DATA_DELETE_SURE = "md:delete-1"
MY_DATA_DELETE_FINAL = "md:delete-2"
MY_DATA_KEEP = "md:keep"
MY_DATA_PURPOSE = Prefix("md:p:")
MY_DATA_HIDE = Prefix("md:h:")  # md:h:complaint, md:h:photos: stop showing every ticket (or its photos) in public
MY_DATA_PROVINCE = "md:province"
MY_DATA_SECTOR = "md:sector"
MY_DATA_NEWS = "md:news"
MY_DATA_NEWS_YES = "md:news:yes"
MY_DATA_NEWS_NO = "md:news:no"
WATCH_ADD = "w:add"
WATCH_SUBDISTRICT = "w:sub"
WATCH_CATEGORY = Prefix("w:c:")  # w:c:<category id>
VOTE_OPTION = Prefix("vo:")  # vo:<poll option id>

# ---------------------------------------------------------------- officers
REPORT_AGENDA = Prefix("a:")
REPORT_KPI = Prefix("k:")
REPORT_VALUE_YES = "v:yes"
REPORT_VALUE_NO = "v:no"
REPORT_STAGE = Prefix("v:s")  # v:s2: stage 2 of a milestone reached
REPORT_PHOTOS_DONE = "done"
REPORT_SEND = "ok"
CASE_ACTION = Prefix("x:")
CASE_AGENCY = Prefix("ag:")
INVITE_ROLE = Prefix("r:")  # r:officer, r:secretariat
INVITE_AGENCY = Prefix("ag:")
INVITE_NO_AGENCY = "ag:none"
INVITE_EXPIRY = Prefix("e:")  # e:<days>
ALERT_MODE = Prefix("al:")  # al:instant, al:digest

# ---------------------------------------------------------------- the secretariat
MANAGE_AGENDA = Prefix("mg:a:")
MANAGE_KPI = Prefix("mg:k:")
MANAGE_TARGET = "mg:target"
MANAGE_DUE = "mg:due"
SUMMARY_EXPORT = "sm:xlsx"
COMPARE_GROUP = Prefix("cp:g:")  # cp:g:all, cp:g:pilot2021, cp:g:ceo2024
COMPARE_BY_DIMENSION = "cp:bydim"
COMPARE_BY_MECHANISM = "cp:bymech"
COMPARE_DIMENSION = Prefix("cp:d:")  # cp:d:<dimension code>
COMPARE_MECHANISM = Prefix("cp:m:")  # cp:m:<mechanism code>
COMPARE_EXPORT = "cp:xlsx"
COMPARE_AGAIN = "cp:again"
VIEWS_ALL = "fv:all"
VIEWS_STATUS = Prefix("fv:s:")  # fv:s:received, ... a filter
VIEWS_AGENDA = Prefix("fv:a:")  # fv:a:<agenda id>
VIEWS_KPI = Prefix("fv:k:")  # fv:k:<kpi id>
VIEWS_FILTER = "fv:filter"
VIEWS_OPEN = Prefix("fv:o:")  # fv:o:<feedback id>
VIEWS_SET = Prefix("fv:set:")  # fv:set:adopted, ...
VIEWS_REPLY = "fv:reply"
POLL_NEW = "po:new"
POLL_CLOSE = Prefix("po:close:")  # po:close:<poll id>
HANDIN_DEADLINE = Prefix("hd:")  # hd:<deadline id>, in the hand-in flow
HANDIN_NO_NOTE = "hd:nonote"
REVIEW_SKIP_KPI = "rv:skip"
REVIEW_SAVE = "rv:save"
STEP_CODE = Prefix("st:")  # st:<programme step code>, entering a fiscal year's deadline
FISCAL_YEAR = Prefix("fy:")  # fy:2570
ENTER_DEADLINE = "fy:enter"
ADVISE_PROVINCE = Prefix("wg:p:")  # wg:p:<province id>
ADVISE_KPI = Prefix("wg:k:")  # wg:k:<kpi id>
INVITE_GROUP = Prefix("wg:")  # wg:<working group code>, in the invite flow
BROADCAST_NO_IMAGE = "bc:noimg"
BROADCAST_ROLE = Prefix("bc:role:")
BROADCAST_SCOPE = Prefix("bc:scope:")
BROADCAST_AGENCY = Prefix("bc:agency:")
BROADCAST_SECTOR = Prefix("bc:sector:")
BROADCAST_ALL_PROVINCES = "bc:allprov"
BROADCAST_SEND = "bc:send"
BROADCAST_LATER = "bc:later"
BROADCAST_SCHEDULED = "bc:list"  # the scheduled broadcasts, to see or cancel
BROADCAST_CANCEL = Prefix("bc:cancel:")  # bc:cancel:<broadcast id>
