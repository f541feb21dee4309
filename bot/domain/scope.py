"""Who may do what, and where: the one place for officers' and the secretariat's role and scope checks.

Every officer or secretariat action asks one of these before it reads or changes anything, so a forbidden
action is refused the same way everywhere and leaves the data as it was.

- An officer is tied to a province, and within it to an agency or, without an agency, to a district.
  They handle the complaints routed to that agency (or district) and report on their province's agendas.
- A secretariat member serves one province, or the whole country when their province is empty.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, true

from bot.domain.tallies import province_scope
from storage.models import Agenda, Complaint, Person, Role

STAFF_ROLES = frozenset({Role.OFFICER.value, Role.SECRETARIAT.value})
SECRETARIAT_ONLY = frozenset({Role.SECRETARIAT.value})


def is_officer(person: Person) -> bool:
    return person.role == Role.OFFICER and person.deleted_at is None


def is_secretariat(person: Person) -> bool:
    return person.role == Role.SECRETARIAT and person.deleted_at is None


def is_national(person: Person) -> bool:
    """A secretariat member without a province (the central OPDC/MOI team) sees every province."""
    return is_secretariat(person) and person.province_id is None


def serves_province(person: Person, province_id: int | None) -> bool:
    """The person is staff whose area includes this province."""
    if province_id is None:
        return False
    if is_national(person):
        return True
    if not (is_officer(person) or is_secretariat(person)):
        return False
    return person.province_id is not None and person.province_id == province_id


def can_report_on(person: Person, agenda: Agenda) -> bool:
    """Post or correct progress on an agenda's KPIs: staff of the agenda's province."""
    return serves_province(person, agenda.province_id)


def can_handle(person: Person, complaint: Complaint) -> bool:
    """Read the full ticket and change its status.

    Officers: the ticket's agency is theirs, or (for an officer with a district and no agency) the ticket is in
    their district; always within their province. The secretariat: any ticket of their province (or any, if
    national). An officer with neither agency nor district handles nothing until the secretariat assigns one.
    """
    if not serves_province(person, complaint.province_id):
        return False
    if is_secretariat(person):
        return True
    if person.agency_id is not None:
        return complaint.agency_id == person.agency_id
    if person.district_id is not None:
        return complaint.district_id == person.district_id
    return False


def handled_by(person: Person) -> ColumnElement[bool]:
    """The SQL condition matching exactly the complaints `can_handle` allows (for lists and counts)."""
    if is_national(person):
        return province_scope(None)  # marked: the figures of a whole province read the tallies
    if not (is_officer(person) or is_secretariat(person)) or person.province_id is None:
        return false()
    in_province = Complaint.province_id == person.province_id
    if is_secretariat(person):
        return province_scope(person.province_id)
    if person.agency_id is not None:
        return and_(in_province, Complaint.agency_id == person.agency_id)
    if person.district_id is not None:
        return and_(in_province, Complaint.district_id == person.district_id)
    return false()


def agendas_of(person: Person) -> ColumnElement[bool]:
    """The SQL condition matching the agendas `can_report_on` allows."""
    if is_national(person):
        return true()
    if not (is_officer(person) or is_secretariat(person)) or person.province_id is None:
        return false()
    return Agenda.province_id == person.province_id


def can_invite(person: Person) -> bool:
    """Issue invite codes: the secretariat only."""
    return is_secretariat(person)


def can_invite_to(person: Person, province_id: int | None) -> bool:
    """Issue a code for this province: a provincial secretariat for their own, a national one for any.
    A code without a province (a national secretariat member) only comes from the national team."""
    return runs_province(person, province_id)


def runs_province(person: Person, province_id: int | None) -> bool:
    """Act for a province as its secretariat (invite, broadcast, edit its agendas' KPIs and deadlines): a
    provincial secretariat for their own, a national one for any; the whole country (None) is the national team's."""
    if not is_secretariat(person):
        return False
    if province_id is None:
        return is_national(person)
    return serves_province(person, province_id)


def can_manage(actor: Person, person: Person) -> bool:
    """Change a staff member's role: the secretariat of their province (the national team: anyone), not oneself."""
    if actor.id == person.id or person.role not in STAFF_ROLES or person.deleted_at is not None:
        return False
    return is_national(actor) or runs_province(actor, person.province_id)
