"""Request and response bodies of the coaching API."""

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from openmsk.coaching.habits import HABITS
from openmsk.schemas import Output, StrictInput

HabitKey = Literal[tuple(HABITS)]  # type: ignore[valid-type]


class GoalCreate(StrictInput):
    """A SMART goal: what, how much a day, how many days a week, by when, and confidence 0-10."""

    habit: HabitKey
    what: str = Field(min_length=3, max_length=200)
    target: float = Field(ge=0)
    days_per_week: int = Field(ge=1, le=7)
    by_date: date
    confidence: int = Field(ge=0, le=10)


class GoalStatusUpdate(StrictInput):
    """Mark a goal achieved or dropped (or active again)."""

    status: Literal["active", "achieved", "dropped"]


class GoalRead(Output):
    """A goal with this week's progress."""

    id: str
    habit: str
    what: str
    target: float
    days_per_week: int
    by_date: date
    confidence: int
    status: str
    created_at: datetime
    achieved_at: datetime | None
    streak: int = 0
    days_met_this_week: int = 0
    days_logged_this_week: int = 0
    average_this_week: float | None = None
    on_track: bool = False


class CheckInCreate(StrictInput):
    """A day's value for a goal's habit (the member's local date)."""

    day: date
    value: float


class CheckInRead(Output):
    """A stored check-in."""

    id: str
    goal_id: str
    day: date
    value: float


class PreferencesBody(StrictInput):
    """Delivery settings: quiet hours (HH:MM local), caps, opt-outs and the device's intensity range."""

    quiet_start: str = Field(default="21:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    quiet_end: str = Field(default="08:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    max_per_day: int = Field(default=1, ge=0, le=10)
    max_per_week: int = Field(default=3, ge=0, le=50)
    opted_out_kinds: list[Literal["missed_session", "inactive", "reassessment_due", "pain_spike",
                                  "streak_milestone", "goal_achieved", "unread_message"]] = []
    opted_out_channels: list[Literal["email", "sms", "push"]] = []
    channels: list[Literal["in_app", "email", "sms", "push"]] = ["push", "in_app"]
    device_max_intensity: float | None = Field(default=None, gt=0, le=1000)


class PreferencesRead(Output):
    """Stored delivery settings."""

    quiet_start: str
    quiet_end: str
    max_per_day: int
    max_per_week: int
    opted_out_kinds: list[str]
    opted_out_channels: list[str]
    channels: list[str]
    device_max_intensity: float | None


class NudgeRead(Output):
    """A nudge as the member sees it in the app."""

    id: str
    kind: str
    channel: str
    message: str
    reason: str
    status: str
    sent_at: datetime | None
    responded_at: datetime | None


class NoteCreate(StrictInput):
    """A coaching-session note (care team only), a message to the member, or a diet comment."""

    topic: Literal["session", "message", "diet"]
    body: str = Field(min_length=1, max_length=4000)
    template: str | None = None
    subject_id: str | None = None


class NoteRead(Output):
    """A note, message or comment."""

    id: str
    topic: str
    body: str
    author_name: str
    author_role: str
    subject_id: str | None
    created_at: datetime
    read_at: datetime | None


class DeviceSessionCreate(StrictInput):
    """A TENS session entered by hand."""

    start: datetime
    duration_min: int
    mode: str
    intensity: float
    body_site: str
    pain_before: int
    pain_after: int


class DeviceSessionRead(Output):
    """A stored TENS session and the relief it gave."""

    id: str
    started_at: datetime
    duration_min: int
    mode: str
    intensity: float
    body_site: str
    pain_before: int
    pain_after: int
    source: str
    relief: int = 0


class DeviceImport(StrictInput):
    """A device export as text."""

    format: Literal["json", "csv"]
    data: str = Field(max_length=900_000)


class RejectedRowRead(Output):
    """A row of an import that was not kept."""

    row: int
    field: str
    message: str


class DeviceImportResult(Output):
    """How many rows were kept, how many were already there, and each rejected row."""

    imported: int
    duplicates: int
    rejected: list[RejectedRowRead]


class MedicationCreate(StrictInput):
    """A medication the member takes: product text with strength, dose and doses a day if known."""

    name: str = Field(min_length=2, max_length=200)
    rxcuis: list[str] = Field(default=[], max_length=10)
    dose_value: float | None = Field(default=None, gt=0)
    dose_unit: str | None = Field(default=None, max_length=24)
    doses_per_day: float | None = Field(default=None, gt=0, le=24)
    started_on: date


class MedicationChange(StrictInput):
    """Stop a medication, or change its dose from a day on (a new row replaces it)."""

    on: date
    stop: bool = False
    dose_value: float | None = Field(default=None, gt=0)
    dose_unit: str | None = Field(default=None, max_length=24)
    doses_per_day: float | None = Field(default=None, gt=0, le=24)


class MedicationRead(Output):
    """A medication period with its opioid status and daily MME ('unknown' when not computable)."""

    id: str
    name: str
    rxcuis: list[str]
    dose_value: float | None
    dose_unit: str | None
    doses_per_day: float | None
    started_on: date
    stopped_on: date | None
    opioid: bool = False
    daily_mme: float | Literal["unknown"] | None = None


class WeightCreate(StrictInput):
    """A weight check-in; height only when the intake did not record one."""

    measured_on: date
    weight_kg: float
    height_cm: float | None = None


class WeightRead(Output):
    """A weight check-in with its BMI when a height is known."""

    id: str
    measured_on: date
    weight_kg: float
    bmi: float | None = None


class DietCreate(StrictInput):
    """One day's diet log."""

    day: date
    ssb_servings: int
    fruit_veg_servings: int
    checklist: list[str] = []


class DietRead(Output):
    """A stored diet log."""

    id: str
    day: date
    ssb_servings: int
    fruit_veg_servings: int
    checklist: list[str]
