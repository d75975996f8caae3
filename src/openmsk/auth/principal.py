"""Who is making a request, as resolved from a session cookie or a bearer token."""

from dataclasses import dataclass

from openmsk.auth.roles import CLINICAL_ROLES, Role


@dataclass(frozen=True)
class Principal:
    """The signed-in user, with their roles and the member or clinician profile they act as."""

    user_id: str
    email: str
    display_name: str
    roles: frozenset[str]
    member_id: str | None = None
    clinician_id: str | None = None
    via: str = "cookie"
    csrf_token: str | None = None

    @property
    def is_member(self) -> bool:
        """True for a member's own account."""
        return Role.member in self.roles and self.member_id is not None

    @property
    def is_clinician(self) -> bool:
        """True when the user holds a clinical role and has a clinician profile."""
        return bool(self.roles & CLINICAL_ROLES) and self.clinician_id is not None

    @property
    def is_admin(self) -> bool:
        """True for account administrators."""
        return Role.admin in self.roles

    @property
    def is_program_admin(self) -> bool:
        """True for program administrators (aggregate reports only)."""
        return Role.program_admin in self.roles

    @property
    def acting_role(self) -> str:
        """The role recorded in the audit trail: the clinical one first, then member, then staff."""
        for role in sorted(self.roles & CLINICAL_ROLES):
            return role
        for role in (Role.member, Role.admin, Role.program_admin):
            if role in self.roles:
                return role.value
        return "none"
