"""Clinicians and their assignment to members' care teams."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from openmsk.db import Base, UTCDateTime, utcnow
from openmsk.ids import new_id


class Clinician(Base):
    """A user's clinical profile: discipline, capacity and where they are licensed."""

    __tablename__ = "clinicians"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    role: Mapped[str] = mapped_column(String(32), index=True)
    display_name: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[int] = mapped_column(Integer, default=150)
    licensed_states: Mapped[list] = mapped_column(JSON, default=list)
    timezone: Mapped[str] = mapped_column(String(64), default="America/New_York")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class CareTeamAssignment(Base):
    """A clinician serving a member in one role; ended assignments are kept for history."""

    __tablename__ = "care_team_assignments"
    __table_args__ = (
        Index("ix_care_team_active", "member_id", "role", "ended_at"),
        Index("ix_care_team_clinician", "clinician_id", "ended_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    clinician_id: Mapped[str] = mapped_column(ForeignKey("clinicians.id"))
    role: Mapped[str] = mapped_column(String(32))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    assigned_by: Mapped[str | None] = mapped_column(String(36))
    reason: Mapped[str] = mapped_column(String(200), default="")
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Task(Base):
    """Work for the care team about one member: review an intake, answer a message, act on a flag."""

    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_open_by_role", "assignee_role", "status", "due_at"),
        Index("ix_tasks_member", "member_id", "status"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    assignee_role: Mapped[str] = mapped_column(String(32))
    assignee_clinician_id: Mapped[str | None] = mapped_column(ForeignKey("clinicians.id"), index=True)
    kind: Mapped[str] = mapped_column(String(48))
    priority: Mapped[str] = mapped_column(String(16), default="routine")
    title: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(String(2000), default="")
    status: Mapped[str] = mapped_column(String(16), default="open")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_by: Mapped[str | None] = mapped_column(String(36))
    source: Mapped[str] = mapped_column(String(120), default="")
    dedup_key: Mapped[str | None] = mapped_column(String(160), unique=True)
