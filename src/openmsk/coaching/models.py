"""Coaching tables: goals and check-ins, nudge outbox and preferences, notes, device, medication,
weight and diet logs."""

from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from openmsk.db import Base, UTCDateTime, utcnow
from openmsk.ids import new_id

_MEMBER_FK = "members.id"


class Goal(Base):
    """A SMART goal agreed with the coach, linked to one habit."""

    __tablename__ = "coaching_goals"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    member_id: Mapped[str] = mapped_column(ForeignKey(_MEMBER_FK, ondelete="CASCADE"), index=True)
    habit: Mapped[str] = mapped_column(String(32))
    what: Mapped[str] = mapped_column(String(200))
    target: Mapped[float] = mapped_column(Float)
    days_per_week: Mapped[int] = mapped_column(Integer)
    by_date: Mapped[date] = mapped_column(Date)
    confidence: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="active")
    agreed_by: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    achieved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CheckIn(Base):
    """One day's value for a goal's habit; a second check-in for the same day replaces the value."""

    __tablename__ = "coaching_checkins"
    __table_args__ = (UniqueConstraint("goal_id", "day"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    goal_id: Mapped[str] = mapped_column(ForeignKey("coaching_goals.id", ondelete="CASCADE"))
    member_id: Mapped[str] = mapped_column(ForeignKey(_MEMBER_FK, ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class NudgePreferences(Base):
    """A member's delivery settings; absent means the documented defaults."""

    __tablename__ = "coaching_preferences"

    member_id: Mapped[str] = mapped_column(ForeignKey(_MEMBER_FK, ondelete="CASCADE"), primary_key=True)
    quiet_start: Mapped[str] = mapped_column(String(5), default="21:00")
    quiet_end: Mapped[str] = mapped_column(String(5), default="08:00")
    max_per_day: Mapped[int] = mapped_column(Integer, default=1)
    max_per_week: Mapped[int] = mapped_column(Integer, default=3)
    opted_out_kinds: Mapped[list] = mapped_column(JSON, default=list)
    opted_out_channels: Mapped[list] = mapped_column(JSON, default=list)
    channels: Mapped[list] = mapped_column(JSON, default=lambda: ["push", "in_app"])
    device_max_intensity: Mapped[float | None] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Nudge(Base):
    """The nudge outbox: one row per idempotency key (a nudge or a coach hand-off)."""

    __tablename__ = "coaching_nudges"
    __table_args__ = (Index("ix_coaching_nudges_due", "status", "next_attempt_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    member_id: Mapped[str] = mapped_column(ForeignKey(_MEMBER_FK, ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    episode: Mapped[str] = mapped_column(String(120))
    channel: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(300))
    message: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    task_id: Mapped[str | None] = mapped_column(ForeignKey("tasks.id", ondelete="SET NULL"))


class Note(Base):
    """Care-team writing about a member: session notes (team only), messages and diet comments."""

    __tablename__ = "coaching_notes"
    __table_args__ = (Index("ix_coaching_notes_member", "member_id", "topic", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    member_id: Mapped[str] = mapped_column(ForeignKey(_MEMBER_FK, ondelete="CASCADE"))
    topic: Mapped[str] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(String(4000))
    author_user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(200))
    author_role: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DeviceSession(Base):
    """One TENS / electrical-stimulation session with pain before and after (0-10)."""

    __tablename__ = "coaching_device_sessions"
    __table_args__ = (UniqueConstraint("member_id", "started_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    member_id: Mapped[str] = mapped_column(ForeignKey(_MEMBER_FK, ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    duration_min: Mapped[int] = mapped_column(Integer)
    mode: Mapped[str] = mapped_column(String(24))
    intensity: Mapped[float] = mapped_column(Float)
    body_site: Mapped[str] = mapped_column(String(32))
    pain_before: Mapped[int] = mapped_column(Integer)
    pain_after: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16), default="manual")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Medication(Base):
    """A medication the member takes, over a period; a dose change closes one row and opens another."""

    __tablename__ = "coaching_medications"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    member_id: Mapped[str] = mapped_column(ForeignKey(_MEMBER_FK, ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    rxcuis: Mapped[list] = mapped_column(JSON, default=list)
    dose_value: Mapped[float | None] = mapped_column(Float)
    dose_unit: Mapped[str | None] = mapped_column(String(24))
    doses_per_day: Mapped[float | None] = mapped_column(Float)
    started_on: Mapped[date] = mapped_column(Date)
    stopped_on: Mapped[date | None] = mapped_column(Date)
    replaces_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WeightEntry(Base):
    """A weight check-in (kg), with a height (cm) when the member entered one."""

    __tablename__ = "coaching_weights"
    __table_args__ = (UniqueConstraint("member_id", "measured_on"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    member_id: Mapped[str] = mapped_column(ForeignKey(_MEMBER_FK, ondelete="CASCADE"), index=True)
    measured_on: Mapped[date] = mapped_column(Date)
    weight_kg: Mapped[float] = mapped_column(Float)
    height_cm: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DietLog(Base):
    """One day's diet: sugar-sweetened drinks, fruit and vegetable servings, eating checklist."""

    __tablename__ = "coaching_diet_logs"
    __table_args__ = (UniqueConstraint("member_id", "day"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    member_id: Mapped[str] = mapped_column(ForeignKey(_MEMBER_FK, ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    ssb_servings: Mapped[int] = mapped_column(Integer)
    fruit_veg_servings: Mapped[int] = mapped_column(Integer)
    checklist: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
