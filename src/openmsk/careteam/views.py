"""HTTP routes for clinicians."""

from fastapi import APIRouter

from openmsk.auth.policy import CurrentAdmin
from openmsk.careteam import service
from openmsk.careteam.schemas import ClinicianRead
from openmsk.db import SessionDep
from openmsk.errors import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)
ROLES = ("physical_therapist", "health_coach", "physician", "nutritionist", "behavioral_health")


@router.get("/clinicians", response_model=list[ClinicianRead], tags=["care team"])
def list_clinicians(session: SessionDep, _: CurrentAdmin) -> list[ClinicianRead]:
    """Active clinicians with their current number of members (admins, for routing overrides)."""
    return [ClinicianRead(id=c.id, display_name=c.display_name, role=c.role, capacity=c.capacity,
                          current_members=n, licensed_states=c.licensed_states)
            for role in ROLES for c, n in service.clinician_loads(session, role=role)]
