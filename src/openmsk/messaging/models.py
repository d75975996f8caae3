"""Message threads, messages, read receipts and clinicians' message templates."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from openmsk.db import Base, UTCDateTime, utcnow
from openmsk.ids import new_id


class MessageThread(Base):
    """A conversation between a member and their care team about one subject."""

    __tablename__ = "message_threads"
    __table_args__ = (
        Index("ix_message_threads_member", "member_id", "last_message_at"),
        Index("ix_message_threads_due", "awaiting_since", "response_due_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(String(200))
    care_role: Mapped[str] = mapped_column(String(32))
    created_by: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_message_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    message_count: Mapped[int] = mapped_column(Integer, default=0)
    # Set while the member's latest message waits for a care-team reply.
    awaiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    response_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    response_timezone: Mapped[str | None] = mapped_column(String(64))
    open_task_id: Mapped[str | None] = mapped_column(ForeignKey("tasks.id", ondelete="SET NULL"))


class Message(Base):
    """One message; the sender's name and role are kept as they were when it was sent."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("sender_user_id", "idempotency_key"),
        Index("ix_messages_thread", "thread_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    thread_id: Mapped[str] = mapped_column(ForeignKey("message_threads.id", ondelete="CASCADE"))
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    sender_user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    sender_kind: Mapped[str] = mapped_column(String(16))
    sender_name: Mapped[str] = mapped_column(String(200))
    sender_role: Mapped[str] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(Text)
    template_id: Mapped[str | None] = mapped_column(ForeignKey("message_templates.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    idempotency_key: Mapped[str | None] = mapped_column(String(80))
    # Working seconds from the member's first unanswered message to this reply (care-team replies only).
    response_seconds: Mapped[int | None] = mapped_column(Integer)
    response_within_target: Mapped[bool | None] = mapped_column(Boolean)


class MessageRead(Base):
    """A read receipt: who read which message, and when they first opened it."""

    __tablename__ = "message_reads"
    __table_args__ = (
        UniqueConstraint("message_id", "user_id"),
        Index("ix_message_reads_user", "user_id", "message_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    message_id: Mapped[str] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reader_name: Mapped[str] = mapped_column(String(200))
    reader_role: Mapped[str] = mapped_column(String(32))
    read_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MessageTemplate(Base):
    """Reusable text for clinicians, shared with the clinic or kept by its author."""

    __tablename__ = "message_templates"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    owner_user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
