"""Request and response shapes for clinicians and care teams."""

from datetime import datetime

from pydantic import Field

from openmsk.schemas import Output, StrictInput


class CareTeamMemberRead(Output):
    role: str
    clinician_id: str
    display_name: str
    assigned_at: datetime


class AssignmentUpdate(StrictInput):
    clinician_id: str
    reason: str = Field(min_length=3, max_length=200)


class ClinicianRead(Output):
    id: str
    display_name: str
    role: str
    capacity: int
    current_members: int
    licensed_states: list[str]
