"""A citizen's consents to showing a complaint in public (PDPA): its description and rounded place, and its photos.

Both are asked while filing and are off unless the citizen says yes; photos can be shown only with the complaint
itself, so saying no to publication (or filing anonymously) leaves both off. Either can be withdrawn later, for one
ticket (its card) or for every ticket at once ("My data"); withdrawing publication withdraws the photos too.
`bot/domain/publication.py` is the rule the public pages, downloads and the Open311 API read these by.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Complaint, ContactMode, Person


class Shown(StrEnum):
    """What of a complaint a consent covers."""

    COMPLAINT = "complaint"  # the description and the rounded place
    PHOTOS = "photos"


def consents(*, publish: bool, photos: bool, anonymous: bool, has_photos: bool) -> tuple[bool, bool]:
    """The (publication, photo) consents a filing records: photos only with publication, nothing when anonymous."""
    shown = publish and not anonymous
    return shown, shown and photos and has_photos


def publication_consents(complaint: Complaint) -> tuple[bool, bool]:
    """(publication, photos) as they apply to the ticket now: an anonymous ticket is never shown."""
    shown = complaint.publish_consent and complaint.contact_mode != ContactMode.ANONYMOUS
    return shown, shown and complaint.photo_consent


def withdraw(complaint: Complaint, what: Shown) -> bool:
    """Withdraw one consent of one ticket; False when it was not given."""
    if what is Shown.PHOTOS:
        given, complaint.photo_consent = complaint.photo_consent, False
        return given
    given = complaint.publish_consent or complaint.photo_consent
    complaint.publish_consent = complaint.photo_consent = False
    return given


def _consent_given(what: Shown) -> ColumnElement[bool]:
    if what is Shown.PHOTOS:
        return Complaint.photo_consent.is_(True)
    return or_(Complaint.publish_consent.is_(True), Complaint.photo_consent.is_(True))


async def withdraw_everywhere(session: AsyncSession, person: Person, what: Shown) -> int:
    """Withdraw a consent from every ticket the person filed; how many tickets changed."""
    values = {"photo_consent": False} if what is Shown.PHOTOS else {"publish_consent": False, "photo_consent": False}
    result = await session.execute(
        update(Complaint)
        .where(Complaint.person_id == person.id, _consent_given(what))
        .values(**values)
        .execution_options(synchronize_session="fetch")
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def shown_counts(session: AsyncSession, person: Person) -> dict[Shown, int]:
    """How many of the person's tickets are shown in public, and with their photos."""
    row = (
        await session.execute(
            select(
                func.count().filter(Complaint.publish_consent.is_(True)),
                func.count().filter(Complaint.photo_consent.is_(True)),
            ).where(Complaint.person_id == person.id, Complaint.contact_mode != ContactMode.ANONYMOUS.value)
        )
    ).one()
    return {Shown.COMPLAINT: int(row[0] or 0), Shown.PHOTOS: int(row[1] or 0)}


def given(complaint: Complaint) -> Sequence[Shown]:
    """The consents a ticket has that can still be withdrawn, for its card's buttons."""
    publish, photos = publication_consents(complaint)
    return tuple(what for what, on in ((Shown.COMPLAINT, publish), (Shown.PHOTOS, photos)) if on)
