"""A small clinic built through the real service functions, and helpers to sign in to it."""

from dataclasses import dataclass, field
from datetime import date

from openmsk.auth.models import User
from openmsk.auth.roles import Role
from openmsk.auth.service import create_user, set_password
from openmsk.careteam import service as careteam
from openmsk.db import Database
from openmsk.members import service as members
from openmsk.members.schemas import MemberCreate, OrganizationCreate

PASSWORD = "correct horse battery"


@dataclass
class Clinic:
    """Ids and emails of the people in the test clinic."""

    org_id: str = ""
    emails: dict[str, str] = field(default_factory=dict)
    member_ids: dict[str, str] = field(default_factory=dict)
    clinician_ids: dict[str, str] = field(default_factory=dict)


def build_clinic(db: Database) -> Clinic:
    """Two physical therapists (pt_a, pt_b), a coach, an admin, a program admin and three members.

    Members ann and bob are on pt_a's team, cat on pt_b's; all three share the coach.
    """
    clinic = Clinic()
    with db.transaction() as session:
        clinic.org_id = members.create_organization(
            session, data=OrganizationCreate(name="Test Employer", kind="employer"), actor=None).id
        for key, roles in (("admin", {Role.admin}), ("program_admin", {Role.program_admin})):
            user = create_user(session, email=f"{key}@clinic.test", display_name=key, roles=roles,
                               password=PASSWORD)
            clinic.emails[key] = user.email
        for key, role in (("pt_a", "physical_therapist"), ("pt_b", "physical_therapist"),
                          ("coach", "health_coach")):
            user = create_user(session, email=f"{key}@clinic.test", display_name=key.upper(),
                               roles={role}, password=PASSWORD)
            clinic.emails[key] = user.email
            clinic.clinician_ids[key] = careteam.create_clinician(
                session, user_id=user.id, role=role, display_name=key.upper()).id
        for key, given, family, pt in (("ann", "Annabel", "Quixotic", "pt_a"),
                                       ("bob", "Bartholomew", "Zanzibar", "pt_a"),
                                       ("cat", "Catriona", "Vexillary", "pt_b")):
            member = members.enroll_member(session, actor=None, today=date(2026, 11, 1), data=MemberCreate(
                organization_id=clinic.org_id, given_name=given, family_name=family,
                birth_date=date(1971, 3, 14), sex="female", email=f"{key}@clinic.test",
                phone="+1 555 010 2233", state="NY"))
            set_password(session, user=session.get(User, member.user_id), password=PASSWORD)
            clinic.member_ids[key] = member.id
            clinic.emails[key] = member.email
            careteam.assign(session, member_id=member.id, clinician_id=clinic.clinician_ids[pt],
                            role="physical_therapist", actor=None, reason="test")
            careteam.assign(session, member_id=member.id, clinician_id=clinic.clinician_ids["coach"],
                            role="health_coach", actor=None, reason="test")
    return clinic


def bearer(client, email: str, password: str = PASSWORD) -> dict[str, str]:
    """Authorization headers for a fresh bearer token."""
    response = client.post("/api/v1/auth/token", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}
