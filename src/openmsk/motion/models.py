"""Stored motion sessions: the summary of one live feedback session (no video, no raw landmarks)."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from openmsk.db import Base, UTCDateTime, utcnow
from openmsk.ids import new_id


class MotionSession(Base):
    """One exercise set tracked by the camera (or sensors): reps, per-rep measures, cues, angle trace."""

    __tablename__ = "motion_sessions"
    __table_args__ = (
        Index("ix_motion_sessions_member", "member_id", "started_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    exercise_id: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime] = mapped_column(UTCDateTime())
    frames: Mapped[int] = mapped_column(Integer, default=0)
    reps: Mapped[int] = mapped_column(Integer, default=0)
    partial_reps: Mapped[int] = mapped_column(Integer, default=0)
    side: Mapped[str] = mapped_column(String(8), default="")
    rep_details: Mapped[list] = mapped_column(JSON, default=list)
    cues: Mapped[list] = mapped_column(JSON, default=list)
    trace: Mapped[dict] = mapped_column(JSON, default=dict)  # {"t": [...], "value": [...]}, downsampled
    source: Mapped[str] = mapped_column(String(16), default="live")  # live | demo
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
