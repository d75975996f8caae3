"""Scored questionnaire submissions (assessments)."""

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, UniqueConstraint
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
