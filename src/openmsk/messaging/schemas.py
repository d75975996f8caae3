"""Request and response shapes for threads, messages, receipts and templates."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from openmsk.messaging.config import MAX_BODY_CHARS, MAX_SUBJECT_CHARS
from openmsk.schemas import Output, StrictInput

CareRole = Literal["physical_therapist", "health_coach", "physician", "nutritionist", "behavioral_health"]
# Client-chosen; letters, digits and a few separators so that a UUID or a ULID fits.
IdempotencyKey = Annotated[str, Field(min_length=8, max_length=80, pattern=r"^[A-Za-z0-9._:-]+$")]


class ThreadCreate(StrictInput):
    subject: str = Field(min_length=1, max_length=MAX_SUBJECT_CHARS)
    body: str = Field(default="", max_length=MAX_BODY_CHARS)
    care_role: CareRole | None = None
    template_id: str | None = None
    idempotency_key: IdempotencyKey | None = None


class MessageCreate(StrictInput):
    body: str = Field(default="", max_length=MAX_BODY_CHARS)
    template_id: str | None = None
    idempotency_key: IdempotencyKey | None = None


class ReceiptRead(Output):
    user_id: str
    reader_name: str
    reader_role: str
    read_at: datetime


class MessageOut(Output):
    id: str
    thread_id: str
    sender_user_id: str | None
    sender_kind: str
    sender_name: str
    sender_role: str
    body: str
    created_at: datetime
    response_seconds: int | None = None
    response_within_target: bool | None = None
    read_by: list[ReceiptRead] = []


class ThreadRead(Output):
    id: str
    member_id: str
    subject: str
    care_role: str
    created_at: datetime
    last_message_at: datetime
    message_count: int
    unread: int = 0
    awaiting_reply: bool = False
    response_due_at: datetime | None = None
    overdue: bool = False


class ThreadDetail(ThreadRead):
    messages: list[MessageOut] = []


class InboxItem(ThreadRead):
    member_name: str


class UnreadCounts(Output):
    unread_messages: int
    unread_threads: int


class ResponseTimes(Output):
    answered: int
    within_target: int
    median_business_hours: float | None
    overdue_now: int
    target_business_days: float


class TemplateCreate(StrictInput):
    title: str = Field(min_length=1, max_length=120)
    body: str = Field(min_length=1, max_length=MAX_BODY_CHARS)
    shared: bool = False


class TemplateRead(Output):
    id: str
    title: str
    body: str
    shared: bool


class TemplateFilled(Output):
    template_id: str
    body: str
