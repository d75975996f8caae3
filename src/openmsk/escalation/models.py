"""Escalation tables: normalized clinical events, alerts (one per episode) and admin-edited rules."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from openmsk.db import Base, UTCDateTime, utcnow
from openmsk.ids import new_id


class ClinicalEventRecord(Base):
    """One imported record or in-app signal of a member, kept as received (re-imports update it)."""

    __tablename__ = "escalation_events"
    __table_args__ = (
        UniqueConstraint("member_id", "source_key"),
        Index("ix_escalation_events_relevant", "member_id", "relevant"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(32))  # fhir_import | signal | api
    source_key: Mapped[str] = mapped_column(String(200))  # "Type/id" of the record or "Signal/<id>"
    resource_type: Mapped[str] = mapped_column(String(40))
    occurred_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str | None] = mapped_column(String(40))
    codes: Mapped[list] = mapped_column(JSON, default=list)
    problems: Mapped[list] = mapped_column(JSON, default=list)
    payload: Mapped[dict] = mapped_column(JSON)
    relevant: Mapped[bool] = mapped_column(Boolean, default=False)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class EscalationAlert(Base):
    """One alert per real-world episode; `dedup_key` is stable across sources and re-imports."""

    __tablename__ = "escalation_alerts"
    __table_args__ = (
        Index("ix_escalation_alerts_worklist", "actionable", "status", "due_at"),
        Index("ix_escalation_alerts_member", "member_id", "status"),
        Index("ix_escalation_alerts_updated", "updated_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    dedup_key: Mapped[str] = mapped_column(String(64), unique=True)
    category: Mapped[str] = mapped_column(String(40))
    rule_id: Mapped[str] = mapped_column(String(80))
    severity: Mapped[str] = mapped_column(String(16))
    rule_severity: Mapped[str] = mapped_column(String(16))
    routed_role: Mapped[str] = mapped_column(String(32))
    respond_within: Mapped[str] = mapped_column(String(32))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), default="open")
    actionable: Mapped[bool] = mapped_column(Boolean, default=True)
    assignee_clinician_id: Mapped[str | None] = mapped_column(ForeignKey("clinicians.id"))
    snoozed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str | None] = mapped_column(String(40))
    outcome_note: Mapped[str] = mapped_column(String(1000), default="")
    resource: Mapped[str] = mapped_column(String(200))
    related: Mapped[list] = mapped_column(JSON, default=list)
    evidence: Mapped[str] = mapped_column(Text)
    explanation: Mapped[str] = mapped_column(Text)
    episode: Mapped[str] = mapped_column(String(200))
    occurred_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_by: Mapped[str | None] = mapped_column(String(36))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by: Mapped[str | None] = mapped_column(String(36))
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    escalation_task_id: Mapped[str | None] = mapped_column(ForeignKey("tasks.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, default=1)


class EscalationRuleRecord(Base):
    """An admin-added rule (its validated definition), or an override disabling a shipped rule."""

    __tablename__ = "escalation_rules"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    rule_id: Mapped[str] = mapped_column(String(80), unique=True)
    definition: Mapped[dict | None] = mapped_column(JSON)  # None: an override of a shipped rule
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
