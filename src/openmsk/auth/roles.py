"""The roles a user can hold, and which of them are clinical."""

from enum import StrEnum


class Role(StrEnum):
    """A user's role; a user may hold several (an admin who is also a physician)."""

    member = "member"
    admin = "admin"
    program_admin = "program_admin"
    physical_therapist = "physical_therapist"
    health_coach = "health_coach"
    physician = "physician"
    nutritionist = "nutritionist"
    behavioral_health = "behavioral_health"


CLINICAL_ROLES: frozenset[Role] = frozenset(
    {Role.physical_therapist, Role.health_coach, Role.physician, Role.nutritionist, Role.behavioral_health}
)
STAFF_ROLES: frozenset[Role] = frozenset({Role.admin, Role.program_admin})
