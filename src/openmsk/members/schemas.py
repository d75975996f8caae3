"""Request and response shapes for organizations, eligibility and members."""

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from openmsk.schemas import Email, Output, StrictInput, check_timezone

TimeZone = Annotated[str, AfterValidator(check_timezone)]
StateCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
Sex = Literal["female", "male", "other", "unknown"]
Status = Literal["active", "paused", "completed", "withdrawn"]


class OrganizationCreate(StrictInput):
    name: str = Field(min_length=2, max_length=200)
    kind: Literal["employer", "health_plan"]


class OrganizationRead(Output):
    id: str
    name: str
    kind: str
    created_at: datetime


class EligibilityCreate(StrictInput):
    external_id: str = Field(min_length=1, max_length=64)
    family_name: str = Field(min_length=1, max_length=100)
    birth_date: date
    eligible_from: date
    eligible_until: date | None = None


class EligibilityResult(Output):
    added: int
    updated: int


class MemberCreate(StrictInput):
    organization_id: str
    given_name: str = Field(min_length=1, max_length=100)
    family_name: str = Field(min_length=1, max_length=100)
    birth_date: date
    sex: Sex
    email: Email
    phone: str | None = Field(default=None, max_length=32, pattern=r"^\+?[0-9 ()-]{7,32}$")
    timezone: TimeZone = "America/New_York"
    state: StateCode | None = None
    program_start: date | None = None


class MemberUpdate(StrictInput):
    phone: str | None = Field(default=None, max_length=32, pattern=r"^\+?[0-9 ()-]{7,32}$")
    timezone: TimeZone | None = None
    state: StateCode | None = None
    status: Status | None = None


class MemberRead(Output):
    id: str
    organization_id: str
    given_name: str
    family_name: str
    birth_date: date
    sex: str
    email: str
    phone: str | None
    timezone: str
    state: str | None
    program_start: date
    status: str
    synthetic: bool


class MemberCreated(Output):
    id: str
    user_id: str | None
    invitation_sent: bool
