"""Request and response shapes for sign-in, tokens, accounts and the audit log."""

from datetime import datetime
from typing import Literal

from pydantic import Field

from openmsk.auth.roles import Role
from openmsk.schemas import Email, Output, StrictInput


class Credentials(StrictInput):
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=1024)


class TokenRead(Output):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class LoginRead(Output):
    user_id: str
    csrf_token: str


class ResetRequest(StrictInput):
    email: str = Field(min_length=3, max_length=254)


class LinkRedeem(StrictInput):
    token: str = Field(min_length=10, max_length=1024)
    password: str = Field(min_length=1, max_length=1024)


class MeRead(Output):
    user_id: str
    email: str
    display_name: str
    roles: list[str]
    member_id: str | None
    clinician_id: str | None


class ClinicianProfile(StrictInput):
    role: Literal["physical_therapist", "health_coach", "physician", "nutritionist", "behavioral_health"]
    capacity: int = Field(default=150, ge=1, le=2000)
    licensed_states: list[str] = Field(default_factory=list, max_length=60)


class UserCreate(StrictInput):
    email: Email
    display_name: str = Field(min_length=1, max_length=200)
    roles: list[Role] = Field(min_length=1)
    clinician: ClinicianProfile | None = None


class UserUpdate(StrictInput):
    is_active: bool | None = None
    display_name: str | None = Field(default=None, min_length=1, max_length=200)


class UserRead(Output):
    id: str
    email: str
    display_name: str
    roles: list[str]
    is_active: bool
    has_password: bool
    locked: bool
    created_at: datetime
    last_login_at: datetime | None


class AuditRead(Output):
    id: int
    at: datetime
    actor_user_id: str | None
    actor_role: str | None
    action: str
    resource_type: str
    resource_id: str | None
    member_id: str | None
    request_id: str | None
    outcome: str
