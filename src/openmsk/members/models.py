"""Organizations (employers, health plans), their eligibility lists, and members."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from openmsk.db import Base, UTCDateTime, utcnow
from openmsk.ids import new_id


class Organization(Base):
    """An employer or health plan that offers the program to its people."""

    __tablename__ = "organizations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class EligibilityRecord(Base):
    """A person the organization says may enroll (from its eligibility file)."""

    __tablename__ = "eligibility_records"
    __table_args__ = (UniqueConstraint("organization_id", "external_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    external_id: Mapped[str] = mapped_column(String(64))
    family_name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[date] = mapped_column(Date)
    eligible_from: Mapped[date] = mapped_column(Date)
    eligible_until: Mapped[date | None] = mapped_column(Date)


class Member(Base):
    """A person enrolled in the program."""

    __tablename__ = "members"
    # The FHIR import's demographic candidates: the same birth date or family name (any case).
    __table_args__ = (Index("ix_members_birth_date", "birth_date"),
                      Index("ix_members_family_name_lower", text("lower(family_name)")))

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), unique=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    eligibility_id: Mapped[str | None] = mapped_column(ForeignKey("eligibility_records.id", ondelete="SET NULL"))
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(16))
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(32))
    timezone: Mapped[str] = mapped_column(String(64), default="America/New_York")
    state: Mapped[str | None] = mapped_column(String(2))
    program_start: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="active")
    synthetic: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
