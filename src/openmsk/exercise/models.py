"""Exercise tables: clinician-added exercises, versioned plans, logged sessions, proposals, settings."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from openmsk.db import Base, UTCDateTime, utcnow
from openmsk.ids import new_id


class CustomExercise(Base):
    """An exercise a physical therapist added; merged with the packaged library."""

    __tablename__ = "exercise_custom"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[dict] = mapped_column(JSON)
    created_by: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PlanVersion(Base):
    """One immutable version of a member's plan: draft, approved (current) or superseded."""

    __tablename__ = "exercise_plans"
    __table_args__ = (UniqueConstraint("member_id", "version"),
                      Index("ix_exercise_plans_member_status", "member_id", "status"))

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    items: Mapped[list] = mapped_column(JSON)
    sessions_per_week: Mapped[int] = mapped_column(Integer, default=3)
    target_minutes: Mapped[float] = mapped_column(Float, default=15.0)
    library_version: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(String(1000), default="")
    changes: Mapped[list] = mapped_column(JSON, default=list)
    created_by: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    approved_by: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ExerciseSession(Base):
    """One completed exercise session logged against one approved plan version."""

    __tablename__ = "exercise_sessions"
    __table_args__ = (UniqueConstraint("member_id", "idempotency_key"),
                      Index("ix_exercise_sessions_member_time", "member_id", "completed_at"))

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    plan_id: Mapped[str] = mapped_column(ForeignKey("exercise_plans.id"))
    plan_version: Mapped[int] = mapped_column(Integer)
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    program_week: Mapped[int] = mapped_column(Integer)
    idempotency_key: Mapped[str] = mapped_column(String(80))
    note: Mapped[str] = mapped_column(String(1000), default="")
    recorded_by: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SessionEntry(Base):
    """What was done of one exercise in a session (or why it was skipped), with its motion summary."""

    __tablename__ = "exercise_session_entries"
    __table_args__ = (UniqueConstraint("session_id", "exercise_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    session_id: Mapped[str] = mapped_column(ForeignKey("exercise_sessions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    exercise_id: Mapped[str] = mapped_column(String(64))
    sets_done: Mapped[int | None] = mapped_column(Integer)
    reps_done: Mapped[int | None] = mapped_column(Integer)
    hold_s_done: Mapped[int | None] = mapped_column(Integer)
    minutes_done: Mapped[int | None] = mapped_column(Integer)
    difficulty: Mapped[str | None] = mapped_column(String(16))
    pain_before: Mapped[int | None] = mapped_column(Integer)
    pain_after: Mapped[int | None] = mapped_column(Integer)
    skipped: Mapped[bool] = mapped_column(Boolean, default=False)
    skip_reason: Mapped[str] = mapped_column(String(300), default="")
    motion_summary: Mapped[dict | None] = mapped_column(JSON)


class PlanProposal(Base):
    """A proposed progression or regression of one plan item, waiting for the PT (or auto-applied)."""

    __tablename__ = "exercise_proposals"
    __table_args__ = (Index("ix_exercise_proposals_member_status", "member_id", "status"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    plan_id: Mapped[str] = mapped_column(ForeignKey("exercise_plans.id"))
    session_id: Mapped[str | None] = mapped_column(ForeignKey("exercise_sessions.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(16))
    rule: Mapped[str] = mapped_column(String(32))
    exercise_id: Mapped[str] = mapped_column(String(64))
    new_exercise_id: Mapped[str] = mapped_column(String(64))
    new_dose: Mapped[dict] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(String(500))
    safe: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    task_id: Mapped[str | None] = mapped_column(ForeignKey("tasks.id", ondelete="SET NULL"))
    dedup_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str] = mapped_column(String(1000), default="")


class ProgramSettings(Base):
    """Per-program (organization) exercise options."""

    __tablename__ = "exercise_program_settings"

    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"),
                                                 primary_key=True)
    auto_apply_safe_progressions: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_by: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
