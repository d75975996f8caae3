"""Request and response bodies of the exercise API."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from openmsk.exercise.library import MAX_HOLD_S, MAX_MINUTES, MAX_REPS, MAX_SETS
from openmsk.schemas import Output, StrictInput

Pain = Annotated[int, Field(ge=0, le=10, description="0-10 numeric rating scale")]
Sets = Annotated[int, Field(ge=0, le=MAX_SETS)]
Reps = Annotated[int, Field(ge=0, le=MAX_REPS)]
HoldS = Annotated[int, Field(ge=0, le=MAX_HOLD_S)]
Minutes = Annotated[int, Field(ge=0, le=MAX_MINUTES)]
ExerciseId = Annotated[str, Field(min_length=2, max_length=64)]


class DoseIn(StrictInput):
    """{sets, reps} | {sets, hold_s} | {minutes}; checked against the library's bounds."""

    sets: int = 1
    reps: int | None = None
    hold_s: int | None = None
    minutes: int | None = None


class PlanItemIn(StrictInput):
    """One exercise of a plan being edited."""

    exercise_id: ExerciseId
    dose: DoseIn | None = Field(None, description="omit to use the library's default dose")
    rationale: str = Field("", max_length=300)


class PlanCreate(StrictInput):
    """A new plan version written by a physical therapist: what and why."""

    items: list[PlanItemIn] = Field(min_length=1, max_length=12)
    sessions_per_week: int = Field(3, ge=1, le=7)
    target_minutes: float = Field(15, ge=5, le=90)
    note: str = Field(min_length=1, max_length=1000, description="why the plan changed")


class DraftRequest(StrictInput):
    """Draft inputs; omit regions to draft from the member's stored intake."""

    regions: list[str] | None = Field(None, max_length=10)
    pain: float = Field(0, ge=0, le=10)
    risk_level: Literal["low", "medium", "high"] = "low"
    psfs_activities: list[Annotated[str, Field(max_length=200)]] = Field(default_factory=list, max_length=5)
    goals: list[Annotated[str, Field(max_length=60)]] = Field(default_factory=list, max_length=10)


class ApproveRequest(StrictInput):
    """Approval of a draft version."""

    note: str = Field("", max_length=1000)


class EntryIn(StrictInput):
    """What was done of one exercise, or why it was skipped."""

    exercise_id: ExerciseId
    sets_done: Sets | None = None
    reps_done: Reps | None = None
    hold_s_done: HoldS | None = None
    minutes_done: Minutes | None = None
    difficulty: Literal["too_easy", "right", "too_hard"] | None = None
    pain_before: Pain | None = None
    pain_after: Pain | None = None
    skipped: bool = False
    skip_reason: str = Field("", max_length=300)
    motion_summary: dict | None = None


class SessionCreate(StrictInput):
    """A completed session; resending the same idempotency key returns the stored one."""

    plan_version: int = Field(ge=1)
    idempotency_key: str = Field(min_length=1, max_length=80)
    completed_at: datetime | None = None
    entries: list[EntryIn] = Field(min_length=1, max_length=12)
    note: str = Field("", max_length=1000)


class MotionSummaryWrite(StrictInput):
    """A motion analysis summary to attach to one logged exercise."""

    summary: dict


class ProposalDecision(StrictInput):
    """The PT's decision on a proposal."""

    approve: bool
    note: str = Field("", max_length=1000)


class SettingsWrite(StrictInput):
    """Per-program exercise options."""

    auto_apply_safe_progressions: bool


class CustomExerciseCreate(StrictInput):
    """A PT-added exercise, in the library's schema."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{1,62}$")
    name: str = Field(min_length=1, max_length=120)
    regions: list[str] = Field(min_length=1)
    type: str
    difficulty: int = Field(ge=1, le=5)
    equipment: list[str] = Field(default_factory=list)
    instructions: list[str] = Field(min_length=1, max_length=12)
    cautions: list[str] = Field(min_length=1, max_length=12)
    contraindications: list[str] = Field(default_factory=list, max_length=12)
    dose: DoseIn
    per_side: bool = False
    easier: str | None = None
    harder: str | None = None
    motion: str | None = None


class PlanRead(Output):
    """One plan version."""

    id: str
    member_id: str
    version: int
    status: str
    items: list[dict]
    sessions_per_week: int
    target_minutes: float
    library_version: str
    source: str
    note: str
    changes: list
    created_by: str | None
    created_at: datetime
    approved_by: str | None
    approved_at: datetime | None


class EntryRead(Output):
    """One logged exercise."""

    exercise_id: str
    sets_done: int | None
    reps_done: int | None
    hold_s_done: int | None
    minutes_done: int | None
    difficulty: str | None
    pain_before: int | None
    pain_after: int | None
    skipped: bool
    skip_reason: str
    motion_summary: dict | None


class SessionRead(Output):
    """One logged session."""

    id: str
    member_id: str
    plan_version: int
    completed_at: datetime
    program_week: int
    note: str
    entries: list[EntryRead] = []
    created: bool = False


class ProposalRead(Output):
    """A progression or regression proposal."""

    id: str
    member_id: str
    kind: str
    rule: str
    exercise_id: str
    new_exercise_id: str
    new_dose: dict
    reason: str
    safe: bool
    status: str
    created_at: datetime
    decided_at: datetime | None
    decision_note: str


class AdherenceRead(Output):
    """Adherence to the current plan."""

    sessions_by_week: dict[int, int]
    target_per_week: int
    current_week: int
    sessions_this_week: int
    weeks_met: int
    weeks_elapsed: int
    percent: float | None
    week_streak: int
    habit_sessions: int
    habit_status: str
    last_session_at: datetime | None
