"""Scored questionnaire submissions (assessments), submitted intakes, drafts and reassessment schedules."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from openmsk.db import Base, UTCDateTime, utcnow
from openmsk.ids import new_id


class Assessment(Base):
    """One instrument answered by a member at one time, with its score; never edited, only superseded."""

    __tablename__ = "assessments"
    __table_args__ = (
        UniqueConstraint("member_id", "idempotency_key"),
        Index("ix_assessments_member_instrument", "member_id", "instrument", "taken_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    instrument: Mapped[str] = mapped_column(String(32))
    answers: Mapped[list | dict] = mapped_column(JSON)
    total: Mapped[float | None] = mapped_column(Float)
    severity: Mapped[str | None] = mapped_column(String(32))
    flags: Mapped[list] = mapped_column(JSON, default=list)
    subscores: Mapped[dict] = mapped_column(JSON, default=dict)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime())
    program_week: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(32), default="member")
    idempotency_key: Mapped[str | None] = mapped_column(String(80))
    recorded_by: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class IntakeSubmission(Base):
    """A member's submitted onboarding intake with the routing decision it produced (one per member)."""

    __tablename__ = "intake_submissions"
    __table_args__ = (UniqueConstraint("member_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    idempotency_key: Mapped[str] = mapped_column(String(80))
    document: Mapped[dict] = mapped_column(JSON)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    risk_level: Mapped[str] = mapped_column(String(16))
    risk_reasons: Mapped[list] = mapped_column(JSON, default=list)
    roles: Mapped[list] = mapped_column(JSON, default=list)
    role_reasons: Mapped[dict] = mapped_column(JSON, default=dict)
    unfilled_roles: Mapped[list] = mapped_column(JSON, default=list)
    exercise_hold: Mapped[bool] = mapped_column(Boolean, default=False)
    crisis_resources: Mapped[bool] = mapped_column(Boolean, default=False)
    signals: Mapped[list] = mapped_column(JSON, default=list)
    submitted_by: Mapped[str | None] = mapped_column(String(36))


class IntakeDraft(Base):
    """Partial onboarding answers kept on the server so another device can resume them."""

    __tablename__ = "intake_drafts"

    member_id: Mapped[str] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    position: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ReassessmentSchedule(Base):
    """An organization's reassessment weeks per instrument group; no row means the default schedule."""

    __tablename__ = "intake_reassessment_schedules"

    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"),
                                                 primary_key=True)
    weeks: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ReassessmentDraft(Base):
    """Partial answers to one reassessment, kept on the server so another device can resume them."""

    __tablename__ = "intake_reassessment_drafts"

    member_id: Mapped[str] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    instrument: Mapped[str] = mapped_column(String(32), primary_key=True)
    answers: Mapped[list] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)
    idempotency_key: Mapped[str | None] = mapped_column(String(80))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
