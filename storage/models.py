"""Typed SQLAlchemy models for the whole domain (see shared DOMAIN.md). Alembic migrations change the schema."""

from __future__ import annotations

import enum
import unicodedata
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy import text as sql_text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC timestamp on every database.

    SQLite keeps no time zone: without this, values come back naive and comparing them with an aware `now`
    raises. Values are stored in UTC and always read back aware.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None or value.tzinfo is not None:
            return value
        return value.replace(tzinfo=UTC)


# BigInteger ids on PostgreSQL, but SQLite only autoincrements an INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


def _utcnow() -> datetime:
    return datetime.now(UTC)


def utcnow_column() -> Mapped[datetime]:
    # Set from Python (to the microsecond: SQLite's own now() has whole seconds); the server default covers
    # rows written by hand or by bulk SQL.
    return mapped_column(UTCDateTime(), default=_utcnow, server_default=func.now(), nullable=False)


class Role(enum.StrEnum):
    CITIZEN = "citizen"
    OFFICER = "officer"
    SECRETARIAT = "secretariat"
    WORKING_GROUP = "working_group"  # advises the provinces whose agendas its working group follows (0017)


class ComplaintStatus(enum.StrEnum):
    RECEIVED = "received"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    FORWARDED = "forwarded"
    RESOLVED = "resolved"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"
    CLOSED = "closed"


class ContactMode(enum.StrEnum):
    """How the agency may reach a complainant."""

    CHAT = "chat"
    PHONE = "phone"
    ANONYMOUS = "anonymous"  # the agency sees neither name nor contact; the citizen still follows the ticket


class PhotoKind(enum.StrEnum):
    BEFORE = "before"  # the citizen's, with the complaint
    AFTER = "after"  # the officer's, of the work done


class ReportingCycle(enum.StrEnum):
    NONE = "none"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


class AlertMode(enum.StrEnum):
    """How staff hear of new complaints in their scope (migration 0010)."""

    INSTANT = "instant"  # one push per complaint, as it is filed
    DIGEST = "digest"  # one list at 08:00 and 16:00, Bangkok time


class FeedbackStatus(enum.StrEnum):
    """Where a comment or proposal stands with the secretariat (migration 0010)."""

    RECEIVED = "received"
    CONSIDERING = "considering"
    ADOPTED = "adopted"
    DECLINED = "declined"


class InboxStatus(enum.StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # leased by a sender until `claimed_until`
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"  # the person blocked the bot


class BroadcastStatus(enum.StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    DONE = "done"


class RecipientStatus(enum.StrEnum):
    PENDING = "pending"
    QUEUED = "queued"  # an outbox row carries it
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"


class KpiUnit(enum.StrEnum):
    """What a reported number is measured in (a milestone's stages have no unit)."""

    NUMBER = "number"
    PERCENT = "percent"


class KpiKind(enum.StrEnum):
    """How a KPI's reports add up (bot/domain/figures.py): migration 0008."""

    CUMULATIVE = "cumulative"  # each report is one period's amount; the figure is their sum, year to date
    LEVEL = "level"  # each report is the value now; the figure is the latest
    MILESTONE = "milestone"  # each report is the stage reached; done at the last stage


# ---------------------------------------------------------------- places


class Province(Base):
    __tablename__ = "provinces"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(3), unique=True)  # e.g. CRI: used in ticket numbers
    name_th: Mapped[str] = mapped_column(String(80), unique=True)
    name_en: Mapped[str] = mapped_column(String(80))
    is_pilot_2021: Mapped[bool] = mapped_column(Boolean, default=False)
    is_ceo_pilot_2024: Mapped[bool] = mapped_column(Boolean, default=False)
    answer_days: Mapped[int | None] = mapped_column(Integer)  # complaint service level; None = default
    # How to reach the provincial office (the data controller) about personal data; None = the 1567 hotline.
    data_contact: Mapped[str | None] = mapped_column(String(200))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)


class District(Base):
    __tablename__ = "districts"
    __table_args__ = (UniqueConstraint("province_id", "name_th"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    name_th: Mapped[str] = mapped_column(String(80))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)


class Subdistrict(Base):
    __tablename__ = "subdistricts"
    __table_args__ = (UniqueConstraint("district_id", "name_th", "postcode"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    name_th: Mapped[str] = mapped_column(String(80))
    postcode: Mapped[str] = mapped_column(String(5))
    latitude: Mapped[float | None] = mapped_column(Float)  # 137 rows have none: skipped by nearest look-ups
    longitude: Mapped[float | None] = mapped_column(Float)


# ---------------------------------------------------------------- fixed lists


class _Listed:
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_th: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)


class Dimension(_Listed, Base):
    __tablename__ = "dimensions"


class Mechanism(_Listed, Base):
    __tablename__ = "mechanisms"


class PartnerSector(_Listed, Base):
    __tablename__ = "partner_sectors"


class WorkingGroup(_Listed, Base):
    __tablename__ = "working_groups"


class ComplaintCategory(_Listed, Base):
    __tablename__ = "complaint_categories"


class CategoryKeyword(Base):
    """A word that suggests a category when a citizen types a problem: the shipped list (storage/data), and those
    the secretariat adds (`hpp-bot categories keywords add`). Stored normalised: NFC, case-folded, no spaces."""

    __tablename__ = "category_keywords"
    __table_args__ = (UniqueConstraint("word"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("complaint_categories.id", ondelete="CASCADE"), index=True)
    word: Mapped[str] = mapped_column(String(60))
    shipped: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = utcnow_column()

    @staticmethod
    def normal(word: str) -> str:
        """How a keyword is stored and compared: NFC, case-folded, inner spaces removed (Thai has none)."""
        return "".join(unicodedata.normalize("NFC", word).casefold().split())


class ProgrammeStep(_Listed, Base):
    """The four steps of the yearly cycle: select, propose, track, report."""

    __tablename__ = "programme_steps"


class FiscalYear(Base):
    __tablename__ = "fiscal_years"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year_be: Mapped[int] = mapped_column(Integer, unique=True)  # 2565 = 1 Oct 2021 – 30 Sep 2022
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)


# ---------------------------------------------------------------- agencies and agendas


class Agency(Base):
    __tablename__ = "agencies"
    __table_args__ = (UniqueConstraint("code", "province_id", "district_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40))  # kind of agency, e.g. district_office, public_health
    name_th: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    short_name_th: Mapped[str | None] = mapped_column(String(20))  # a button's label: "ทสจ.เชียงราย"
    short_name_en: Mapped[str | None] = mapped_column(String(20))
    province_id: Mapped[int | None] = mapped_column(ForeignKey("provinces.id"), index=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"), index=True)


class LocalGovernmentArea(Base):
    """Which local government (เทศบาล or อบต., an agency of code "local_government") serves a subdistrict: they
    repair local roads and collect waste there. Recorded by the secretariat (`hpp-bot agency add-local`); the
    project ships no such list, so a subdistrict without one is routed as before (the district, then the อบจ.)."""

    __tablename__ = "local_government_areas"
    __table_args__ = (UniqueConstraint("subdistrict_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), index=True)
    subdistrict_id: Mapped[int] = mapped_column(ForeignKey("subdistricts.id"))


class AgencyRoute(Base):
    """Which agency takes a complaint of a category in a province (district-specific first)."""

    __tablename__ = "agency_routes"
    __table_args__ = (UniqueConstraint("category_id", "province_id", "district_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("complaint_categories.id"))
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))


class Agenda(Base):
    __tablename__ = "agendas"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    fiscal_year_id: Mapped[int | None] = mapped_column(ForeignKey("fiscal_years.id"))
    dimension_id: Mapped[int | None] = mapped_column(ForeignKey("dimensions.id"))
    working_group_id: Mapped[int | None] = mapped_column(ForeignKey("working_groups.id"))
    owner_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    title_th: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300), default="")
    short_title_th: Mapped[str | None] = mapped_column(String(20))  # a button's label; the title is in the text
    short_title_en: Mapped[str | None] = mapped_column(String(20))
    goal_th: Mapped[str] = mapped_column(Text, default="")
    goal_en: Mapped[str] = mapped_column(Text, default="")
    is_ceo_pilot: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = utcnow_column()


class AgendaMechanism(Base):
    __tablename__ = "agenda_mechanisms"
    agenda_id: Mapped[int] = mapped_column(ForeignKey("agendas.id", ondelete="CASCADE"), primary_key=True)
    mechanism_id: Mapped[int] = mapped_column(ForeignKey("mechanisms.id"), primary_key=True)


class Kpi(Base):
    __tablename__ = "kpis"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agenda_id: Mapped[int] = mapped_column(ForeignKey("agendas.id", ondelete="CASCADE"), index=True)
    name_th: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300), default="")
    short_name_th: Mapped[str | None] = mapped_column(String(20))  # a button's label; the name is in the text
    short_name_en: Mapped[str | None] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(16), default=KpiKind.LEVEL, server_default=KpiKind.LEVEL.value)
    unit: Mapped[str] = mapped_column(String(16), default=KpiUnit.NUMBER)  # KpiUnit
    stages: Mapped[int | None] = mapped_column(Integer)  # a milestone's stages (1: done or not); None otherwise
    unit_label_th: Mapped[str] = mapped_column(String(60), default="")  # e.g. ตัน, ครัวเรือน
    unit_label_en: Mapped[str] = mapped_column(String(60), default="")
    baseline: Mapped[float | None] = mapped_column(Float)
    target: Mapped[float | None] = mapped_column(Float)
    higher_is_better: Mapped[bool] = mapped_column(Boolean, default=True)
    due_on: Mapped[date | None] = mapped_column(Date)
    reporting_cycle: Mapped[str] = mapped_column(String(16), default=ReportingCycle.NONE)
    reporting_day: Mapped[int | None] = mapped_column(Integer)  # e.g. monthly by the 5th
    latest_value: Mapped[float | None] = mapped_column(Float)
    latest_percent: Mapped[float | None] = mapped_column(Float)
    latest_reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    latest_period_on: Mapped[date | None] = mapped_column(Date)  # first day of the newest period reported
    # Figures made up to show how the bot works (the seeded CEO agendas), not a province's real data.
    is_example: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class ProgressReport(Base):
    __tablename__ = "progress_reports"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpis.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    value: Mapped[float | None] = mapped_column(Float)
    value_text: Mapped[str] = mapped_column(String(300), default="")  # as entered (a milestone's description)
    # The first day of the reporting period the report is for (bot/domain/periods.py); None before 0008.
    period_on: Mapped[date | None] = mapped_column(Date)
    narrative: Mapped[str] = mapped_column(Text, default="")
    channel: Mapped[str] = mapped_column(String(16))
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("progress_reports.id"))
    superseded: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = utcnow_column()


class ProgressReportPhoto(Base):
    """A photo attached to a progress report (migration 0006)."""

    __tablename__ = "progress_report_photos"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("progress_reports.id", ondelete="CASCADE"), index=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("media.id", ondelete="CASCADE"))


class Deadline(Base):
    """A programme step's deadline in a fiscal year, or a KPI's reporting deadline."""

    __tablename__ = "deadlines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fiscal_year_id: Mapped[int | None] = mapped_column(ForeignKey("fiscal_years.id"), index=True)
    step_id: Mapped[int | None] = mapped_column(ForeignKey("programme_steps.id"))
    kpi_id: Mapped[int | None] = mapped_column(ForeignKey("kpis.id", ondelete="CASCADE"))
    province_id: Mapped[int | None] = mapped_column(ForeignKey("provinces.id"))  # None = every province
    title_th: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300), default="")
    due_on: Mapped[date] = mapped_column(Date, index=True)


class DeadlineSubmission(Base):
    """A province has handed in what a deadline asks for: it is no longer reminded."""

    __tablename__ = "deadline_submissions"
    __table_args__ = (UniqueConstraint("deadline_id", "province_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deadline_id: Mapped[int] = mapped_column(ForeignKey("deadlines.id", ondelete="CASCADE"))
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime] = utcnow_column()


class StepHandIn(Base):
    """What a province handed in for a programme step's deadline (step 2's proposal, step 4's report): a file
    or photo and a note, with who and when. Every hand-in is kept; the first also records the DeadlineSubmission
    that stops the reminders (migration 0017)."""

    __tablename__ = "step_handins"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    deadline_id: Mapped[int] = mapped_column(ForeignKey("deadlines.id", ondelete="CASCADE"), index=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    media_id: Mapped[int | None] = mapped_column(ForeignKey("media.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    handed_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = utcnow_column()


class JointReview(Base):
    """Step 3: a meeting at which a province's agenda and KPIs were reviewed together (migration 0017)."""

    __tablename__ = "joint_reviews"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    participants: Mapped[str] = mapped_column(Text)
    decisions: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = utcnow_column()


class JointReviewNote(Base):
    """What a joint review said about one KPI."""

    __tablename__ = "joint_review_notes"
    __table_args__ = (UniqueConstraint("review_id", "kpi_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("joint_reviews.id", ondelete="CASCADE"), index=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpis.id", ondelete="CASCADE"), index=True)
    note: Mapped[str] = mapped_column(Text)


class KpiAdvice(Base):
    """A working group's advice on a KPI, for the province's secretariat (migration 0017)."""

    __tablename__ = "kpi_advice"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpis.id", ondelete="CASCADE"), index=True)
    working_group_id: Mapped[int | None] = mapped_column(ForeignKey("working_groups.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = utcnow_column()


# ---------------------------------------------------------------- people


class Person(Base):
    """One chat identity (channel + platform user id)."""

    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("channel", "platform_user_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    platform_user_id: Mapped[str] = mapped_column(String(100))
    chat_id: Mapped[str] = mapped_column(String(100))  # where pushes go
    display_name: Mapped[str | None] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(8), default="th")
    role: Mapped[str] = mapped_column(String(16), default=Role.CITIZEN)
    province_id: Mapped[int | None] = mapped_column(ForeignKey("provinces.id"), index=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("partner_sectors.id"))
    working_group_id: Mapped[int | None] = mapped_column(ForeignKey("working_groups.id"))  # role working_group
    phone: Mapped[str | None] = mapped_column(String(20))
    is_reachable: Mapped[bool] = mapped_column(Boolean, default=True)
    pdpa_notice_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = utcnow_column()
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # New-complaint alerts (bot/domain/alerts.py, migration 0010): instant or twice-daily digest; the digest
    # claims its window by moving `alerts_digested_until` forward, so it goes once whoever runs it.
    alert_mode: Mapped[str] = mapped_column(String(16), default=AlertMode.INSTANT, server_default="instant")
    alerts_digested_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Consent(Base):
    """Each grant or withdrawal of a consent purpose, with its time (PDPA)."""

    __tablename__ = "consents"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(40))  # e.g. handling, contact_phone, publish_photo
    granted: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = utcnow_column()


class Invite(Base):
    __tablename__ = "invites"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    province_id: Mapped[int | None] = mapped_column(ForeignKey("provinces.id"))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("partner_sectors.id"))  # set on who joins (0010)
    working_group_id: Mapped[int | None] = mapped_column(ForeignKey("working_groups.id"))  # (0017)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = utcnow_column()


class FailedAttempt(Base):
    """A wrong invite code (or similar guess), kept to slow repeated guessing down."""

    __tablename__ = "failed_attempts"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = utcnow_column()


# ---------------------------------------------------------------- media


class Media(Base):
    """An image or file the app stores itself (user photos, exports)."""

    __tablename__ = "media"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    ref: Mapped[str | None] = mapped_column(String(200), unique=True)  # channel reference it came from
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str | None] = mapped_column(String(200))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    # Whose personal data it is (the person who sent the photo, or asked for the export): "delete my data" and
    # the retention job find it by this (migration 0009 indexes it).
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = utcnow_column()


# ---------------------------------------------------------------- complaints and feedback


class Complaint(Base):
    __tablename__ = "complaints"
    # The web desk's figures and lists over a million rows (bot/domain/stats.py, migration 0010).
    __table_args__ = (
        Index("ix_complaints_created", "created_at"),
        Index("ix_complaints_province_created", "province_id", "created_at"),
        Index("ix_complaints_province_status_due", "province_id", "status", "due_on"),
        Index("ix_complaints_status_due", "status", "due_on", "id"),  # id: the list's page from the index (0016)
        Index("ix_complaints_agency_created", "agency_id", "created_at"),
        Index("ix_complaints_district_created", "district_id", "created_at"),
        # Open and overdue counts per category, district and agency read this index alone (migration 0016).
        Index("ix_complaints_open", "status", "province_id", "due_on", "category_id", "district_id", "agency_id"),
        # A province's public page: the latest resolved and the newest published complaints (migration 0016).
        Index("ix_complaints_published_resolved", "province_id", "publish_consent", "resolved_at"),
        Index("ix_complaints_published_created", "province_id", "publish_consent", "created_at"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    ticket_no: Mapped[str] = mapped_column(String(20), unique=True)  # e.g. CRI-69-00042
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"))
    subdistrict_id: Mapped[int | None] = mapped_column(ForeignKey("subdistricts.id"))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("complaint_categories.id"))
    agenda_id: Mapped[int | None] = mapped_column(ForeignKey("agendas.id", ondelete="SET NULL"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    description_hash: Mapped[str] = mapped_column(String(64), index=True)
    contact_mode: Mapped[str] = mapped_column(String(16), default=ContactMode.CHAT)
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("partner_sectors.id"))
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=ComplaintStatus.RECEIVED, index=True)
    due_on: Mapped[date] = mapped_column(Date)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"))
    reject_reason: Mapped[str | None] = mapped_column(Text)
    rating: Mapped[int | None] = mapped_column(Integer)
    rating_comment: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The citizen's consents to showing this complaint in public (migration 0010): its text and rounded place on
    # the public pages and in the open data; its photos. Not given until asked (PDPA).
    publish_consent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    photo_consent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The photo address an Open311 client posted (migration 0018): stored as given, never fetched; public only with
    # photo consent, and personal data like a chat photo (retention clears it).
    media_url: Mapped[str | None] = mapped_column(String(500))
    # Filed through Open311: the API key, and the token its client may look the ticket up by.
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id", ondelete="SET NULL"))
    api_token: Mapped[str | None] = mapped_column(String(40), unique=True)
    overdue_alerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # its one overdue alert (0010)
    created_at: Mapped[datetime] = utcnow_column()
    updated_at: Mapped[datetime] = utcnow_column()


class ComplaintTally(Base):
    """Counts of complaints per province, Bangkok month of filing and dimension, kept by triggers on `complaints`
    (migration 0016; the rules: bot/domain/tallies.py). `dim` is 'all' (dim_id 0), 'category', 'district' or
    'agency' (dim_id 0: none), or 'week' (`period` is then the week's Monday, dim_id 0)."""

    __tablename__ = "complaint_tallies"
    __table_args__ = (  # covering: every province's figures of a period are read from the index alone
        Index(
            "ix_complaint_tallies_dim_period",
            *("dim", "period", "province_id", "dim_id", "received", "answered", "on_time", "rating_sum", "ratings"),
        ),
    )
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), primary_key=True)
    period: Mapped[date] = mapped_column(Date, primary_key=True)
    dim: Mapped[str] = mapped_column(String(8), primary_key=True)
    dim_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    received: Mapped[int] = mapped_column(Integer, server_default="0")
    answered: Mapped[int] = mapped_column(Integer, server_default="0")
    on_time: Mapped[int] = mapped_column(Integer, server_default="0")
    rating_sum: Mapped[int] = mapped_column(Integer, server_default="0")
    ratings: Mapped[int] = mapped_column(Integer, server_default="0")


class ComplaintAnswerDays(Base):
    """How many answered complaints took each whole number of days, per province, month of filing and dimension
    ('all' or 'agency'), kept by triggers like `ComplaintTally`: the medians read these histograms. Dimension
    'fyagency' (migration 0020) holds the same per agency and fiscal year (`period`: its 1 October)."""

    __tablename__ = "complaint_answer_days"
    __table_args__ = (
        Index("ix_complaint_answer_days_dim_period", "dim", "period", "province_id", "dim_id", "days", "answered"),
    )
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), primary_key=True)
    period: Mapped[date] = mapped_column(Date, primary_key=True)
    dim: Mapped[str] = mapped_column(String(8), primary_key=True)
    dim_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    days: Mapped[int] = mapped_column(Integer, primary_key=True)
    answered: Mapped[int] = mapped_column(Integer, server_default="0")


class AnswerDayMark(Base):
    """How many changes the triggers (migration 0020) have made to a province's answer-day histograms: a figure
    worked out from them stays true while the marks it was worked out under have not moved."""

    __tablename__ = "answer_day_marks"
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), primary_key=True)
    changes: Mapped[int] = mapped_column(BigInteger, server_default="0")


class ApiKey(Base):
    """A key an Open311 client posts requests with (migration 0010); only its SHA-256 is kept."""

    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    province_id: Mapped[int | None] = mapped_column(ForeignKey("provinces.id"))  # None: every province
    created_at: Mapped[datetime] = utcnow_column()
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ComplaintPhoto(Base):
    __tablename__ = "complaint_photos"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("media.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8), default=PhotoKind.BEFORE)


class ComplaintEvent(Base):
    """The status history of a ticket."""

    __tablename__ = "complaint_events"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    # The officer's photo of this step (the work done), sent to the citizen with the notice (migration 0010).
    media_id: Mapped[int | None] = mapped_column(ForeignKey("media.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = utcnow_column()


class TicketSequence(Base):
    """The last ticket number used per province and Buddhist year: incremented in the filing transaction."""

    __tablename__ = "ticket_sequences"
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), primary_key=True)
    year_be: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_no: Mapped[int] = mapped_column(Integer, default=0)


class Feedback(Base):
    """A comment on an agenda or KPI, or a proposal for a new KPI or target (บอกเราถึงรัฐ)."""

    __tablename__ = "feedback"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    agenda_id: Mapped[int | None] = mapped_column(ForeignKey("agendas.id", ondelete="CASCADE"))
    kpi_id: Mapped[int | None] = mapped_column(ForeignKey("kpis.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # comment | kpi_proposal | target_proposal
    text: Mapped[str] = mapped_column(Text)
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("partner_sectors.id"))
    support_count: Mapped[int] = mapped_column(Integer, default=0)
    # The secretariat's answer (migration 0010): a status the citizen sees under "My data", and a reply.
    status: Mapped[str] = mapped_column(String(16), default=FeedbackStatus.RECEIVED, server_default="received")
    reply: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = utcnow_column()


class FeedbackSupport(Base):
    __tablename__ = "feedback_supports"
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = utcnow_column()


class AreaWatch(Base):
    """A citizen follows a subdistrict, or a complaint category in a province (FixMyStreet's local alerts):
    a daily summary of what was filed and resolved there (bot/domain/watches.py, migration 0010)."""

    __tablename__ = "area_watches"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"))
    subdistrict_id: Mapped[int | None] = mapped_column(ForeignKey("subdistricts.id"))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("complaint_categories.id"))
    summarised_until: Mapped[datetime] = mapped_column(UTCDateTime())  # the end of the last summary's window
    created_at: Mapped[datetime] = utcnow_column()


class Poll(Base):
    """Step 1 in the open: the secretariat asks citizens to choose among candidate agendas or pain points."""

    __tablename__ = "polls"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    question: Mapped[str] = mapped_column(Text)
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = utcnow_column()
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PollOption(Base):
    __tablename__ = "poll_options"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)


class PollVote(Base):
    """One vote per person and poll: the primary key makes a second impossible."""

    __tablename__ = "poll_votes"
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    option_id: Mapped[int] = mapped_column(ForeignKey("poll_options.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = utcnow_column()


# ---------------------------------------------------------------- reminders and broadcasts


class ReminderSent(Base):
    """One reminder per deadline, person and offset: the unique key makes a second send impossible."""

    __tablename__ = "reminders_sent"
    __table_args__ = (UniqueConstraint("deadline_id", "person_id", "offset_days"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    deadline_id: Mapped[int] = mapped_column(ForeignKey("deadlines.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    offset_days: Mapped[int] = mapped_column(Integer)  # days before the due date; negative = overdue
    created_at: Mapped[datetime] = utcnow_column()


class Broadcast(Base):
    __tablename__ = "broadcasts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    media_id: Mapped[int | None] = mapped_column(ForeignKey("media.id"))
    target: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # role, province, district, ...
    status: Mapped[str] = mapped_column(String(16), default=BroadcastStatus.DRAFT)
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    total: Mapped[int] = mapped_column(Integer, default=0)
    sent: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    status_chat: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # where to report progress
    created_at: Mapped[datetime] = utcnow_column()
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class BroadcastRecipient(Base):
    __tablename__ = "broadcast_recipients"
    __table_args__ = (UniqueConstraint("broadcast_id", "person_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default=RecipientStatus.PENDING)
    outbox_id: Mapped[int | None] = mapped_column(BigId)


# ---------------------------------------------------------------- conversations, inbox, outbox


class Conversation(Base):
    """The flow state of one chat identity; `version` guards against two workers applying one step."""

    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("channel", "user_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(100))
    flow: Mapped[str | None] = mapped_column(String(40))
    step: Mapped[str | None] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = utcnow_column()


class InboxEvent(Base):
    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("channel", "event_id"),
        Index("ix_inbox_pending", "status", "chat_key", "id"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[str] = mapped_column(String(120))
    chat_key: Mapped[str] = mapped_column(String(140))  # channel:user: events of one key run in order
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)  # a serialised Inbound
    status: Mapped[str] = mapped_column(String(12), default=InboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)  # the last failure's kind and place, ASCII (bot/core/failures.py)
    received_at: Mapped[datetime] = utcnow_column()
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # after a failure: not tried before


class OutboxMessage(Base):
    __tablename__ = "outbox"
    # The claim walks a channel's rows in queue order (bot/core/outbox/claim.py, migration 0021), and asks of each
    # whether its chat has an earlier row unfinished (migration 0022).
    __table_args__ = (
        Index("ix_outbox_claim", "status", "channel", "broadcast_id", "id"),
        Index(
            "ix_outbox_chat_unfinished",
            "channel",
            "recipient",
            "id",
            postgresql_where=sql_text("status IN ('pending', 'sending')"),
            sqlite_where=sql_text("status IN ('pending', 'sending')"),
        ),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(160), unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(100), index=True)  # chat id
    recipients: Mapped[list[Any] | None] = mapped_column(JSON)  # a multicast batch
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    payload: Mapped[list[Any]] = mapped_column(JSON)  # serialised Reply list
    is_group: Mapped[bool] = mapped_column(Boolean, default=False)
    reply_token: Mapped[str | None] = mapped_column(String(200))
    reply_token_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(12), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = utcnow_column()
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    used_reply_token: Mapped[bool] = mapped_column(Boolean, default=False)
    # Parts (platform calls) of the row already delivered: a retry, in any worker, resumes after them.
    parts_done: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    broadcast_id: Mapped[int | None] = mapped_column(ForeignKey("broadcasts.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = utcnow_column()
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class InstallationSecret(Base):
    """A random key the installation made for itself (migration 0015_sim): the media links' key when SECRET_KEY,
    the LINE secret and the Telegram token are all unset, so links and desk forms outlive a restart and every
    process signs alike. Written once, by whichever process starts first; never logged."""

    __tablename__ = "installation_secrets"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = utcnow_column()


class PlatformInUse(Base):
    """A platform (LINE, Telegram) a process of this installation has run with, recorded at start-up (migration
    0008). While any is recorded, SIMULATOR=auto keeps the web simulator off, also in a process started without
    that platform's credentials: the simulator lets anyone act as any person, the secretariat included."""

    __tablename__ = "platforms_in_use"
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    since: Mapped[datetime] = utcnow_column()


class ChatFlag(Base):
    """Something a channel remembers about one chat between deliveries (Telegram: a reply keyboard is showing).
    A row while it holds; kept here rather than in a worker's memory so that every worker sees it."""

    __tablename__ = "chat_flags"
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    flag: Mapped[str] = mapped_column(String(40), primary_key=True)


# ---------------------------------------------------------------- the web desk (migration 0010)


class DeskLink(Base):
    """A one-time sign-in link to the web desk, asked for in chat: only a hash of its token is kept."""

    __tablename__ = "desk_links"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = utcnow_column()


class DeskSession(Base):
    """A signed-in browser: the cookie holds a token, the table its hash."""

    __tablename__ = "desk_sessions"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # signed out
    created_at: Mapped[datetime] = utcnow_column()


class AuditEntry(Base):
    """Who changed what from the web desk, when, and from which page."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str] = mapped_column(String(120))  # e.g. complaint:42
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    page: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = utcnow_column()
