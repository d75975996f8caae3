"""Request and response shapes of the intake, drafts and reassessments."""

from datetime import date, datetime
from typing import Annotated

from pydantic import Field

from openmsk.schemas import Output, StrictInput

IdempotencyKey = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")
# PSFS activity names the member writes (the exercise capability accepts the same length).
Activity = Annotated[str, Field(max_length=200)]


class IntakeCreate(StrictInput):
    """The intake document (docs/intake-document.md) and its idempotency key."""

    answers: dict[str, list | dict]
    psfs_activities: list[Activity] = Field(default_factory=list, max_length=5)
    idempotency_key: str = IdempotencyKey


class ScoreRead(Output):
    instrument: str
    total: float | None
    severity: str | None
    flags: list[str]
    subscores: dict = Field(default_factory=dict)
    program_week: int
    taken_at: datetime


class RoleRead(Output):
    role: str
    reasons: list[str]
    clinician_name: str | None = None


class TaskRead(Output):
    id: str
    member_id: str
    assignee_role: str
    kind: str
    title: str
    priority: str
    status: str
    due_at: datetime
    created_at: datetime


class CrisisResources(Output):
    name: str
    country: str
    call: str
    text: str
    chat_url: str
    emergency: str
    message: str


class ReassessmentRead(ScoreRead):
    """A recorded reassessment; a positive PHQ-9 item 9 returns crisis resources at once."""

    crisis_resources: CrisisResources | None = None


class IntakeRead(Output):
    """The stored intake with its routing decision, scores and first tasks."""

    id: str
    member_id: str
    submitted_at: datetime
    risk_level: str
    risk_reasons: list[str]
    roles: list[RoleRead]
    unfilled_roles: list[str]
    exercise_hold: bool
    crisis_resources: CrisisResources | None = None
    scores: list[ScoreRead]
    tasks: list[TaskRead]
    created: bool = False


class DraftWrite(StrictInput):
    """Partial answers (not scored until submission) and the screen the member reached."""

    answers: dict[str, list | dict] = Field(default_factory=dict)
    psfs_activities: list[Activity] = Field(default_factory=list, max_length=5)
    position: int = Field(default=0, ge=0, le=500)


class DraftRead(Output):
    answers: dict
    psfs_activities: list[str]
    position: int
    updated_at: datetime | None


class ReassessmentCreate(StrictInput):
    instrument: str = Field(min_length=2, max_length=32)
    answers: list | dict
    idempotency_key: str = IdempotencyKey


class ReassessmentDraftWrite(StrictInput):
    """Partial answers to one reassessment (item order, null when not yet answered) and the screen reached."""

    answers: list[int | None] = Field(default_factory=list, max_length=20)
    position: int = Field(default=0, ge=0, le=50)
    idempotency_key: str | None = Field(default=None, min_length=8, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")


class ReassessmentDraftRead(Output):
    instrument: str
    answers: list
    position: int
    idempotency_key: str | None
    updated_at: datetime | None


class DueRead(Output):
    instrument: str
    group: str
    week: int
    due_on: date


class ScheduleWrite(StrictInput):
    pain_every_weeks: int = Field(default=1, ge=0, le=52)
    window_weeks: int = Field(default=4, ge=1, le=52)
    weeks: dict[str, list[int]] = Field(default_factory=dict)


class HoldRelease(StrictInput):
    reason: str = Field(min_length=3, max_length=500)


class TaskStatusWrite(StrictInput):
    status: str = Field(pattern=r"^(open|in_progress|done|cancelled)$")
