"""Imports every capability's tables so that Base.metadata is complete (migrations, tests)."""

from openmsk.auth.models import ApiToken, AuditEvent, LoginSession, RoleGrant, User
from openmsk.careteam.models import CareTeamAssignment, Clinician
from openmsk.members.models import EligibilityRecord, Member, Organization

__all__ = [
    "ApiToken",
    "AuditEvent",
    "CareTeamAssignment",
    "Clinician",
    "EligibilityRecord",
    "LoginSession",
    "Member",
    "Organization",
    "RoleGrant",
    "User",
]
