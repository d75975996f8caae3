"""Writes the synthetic demo clinic into the database once and remembers its logins."""

import json
import secrets
from pathlib import Path

from sqlalchemy import select

from openmsk.auth.models import User
from openmsk.auth.roles import Role
from openmsk.auth.service import create_user, set_password
from openmsk.careteam import service as careteam
from openmsk.config import Settings
from openmsk.db import Database, utcnow
from openmsk.capabilities import modules
from openmsk.careteam.models import Clinician
from openmsk.demo import generator
from openmsk.demo.context import DemoContext
from openmsk.members import service as members
from openmsk.members.models import Member, Organization
from openmsk.members.schemas import MemberCreate, OrganizationCreate

ORG_NAME = "Northwind Logistics (synthetic demo employer)"
DOMAIN = "demo.openmsk.example"


def _logins_file(settings: Settings) -> Path:
    return settings.var_dir / "demo-logins.json"


def ensure_demo(settings: Settings) -> list[dict]:
    """Seed the demo clinic unless it exists; returns the demo logins."""
    path = _logins_file(settings)
    db = Database(settings.resolved_database_url())
    with db.transaction() as session:
        seeded = session.scalar(select(Organization.id).where(Organization.name == ORG_NAME))
    if seeded and path.exists():
        return json.loads(path.read_text())
    if seeded:
        raise RuntimeError(f"the demo clinic exists but {path} is missing; use a fresh database")
    logins = seed(db)
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(logins, indent=2))
    path.chmod(0o600)
    db.dispose()
    return logins


def seed(db: Database, *, n_members: int = 50) -> list[dict]:
    """Create the organization, staff, care teams and members; returns the demo logins."""
    today = utcnow().date()
    logins: list[dict] = []

    def login(session, user: User, role: str) -> None:
        password = secrets.token_urlsafe(9)
        set_password(session, user=user, password=password)
        logins.append({"role": role, "email": user.email, "password": password})

    with db.transaction() as session:
        org = members.create_organization(session, data=OrganizationCreate(name=ORG_NAME, kind="employer"),
                                          actor=None)
        for role, name in ((Role.admin, "Ari Admin"), (Role.program_admin, "Pat Programs")):
            user = create_user(session, email=f"{role.value.replace('_', '-')}@{DOMAIN}",
                               display_name=name, roles={role})
            login(session, user, role.value)
        for c in generator.clinicians():
            user = create_user(session, email=f"{c.key}@{DOMAIN}", display_name=c.display_name,
                               roles={c.role})
            careteam.create_clinician(session, user_id=user.id, role=c.role, display_name=c.display_name,
                                      capacity=40 if c.team == "A" else 60)
            if c.team == "A" or c.role == "physical_therapist":
                login(session, user, f"{c.role} (team {c.team})")
        seeded: list[tuple[Member, generator.DemoMember]] = []
        for i, m in enumerate(generator.members(today, n_members)):
            member = members.enroll_member(session, actor=None, today=today, synthetic=True, data=MemberCreate(
                organization_id=org.id, given_name=m.given_name, family_name=m.family_name,
                birth_date=m.birth_date, sex=m.sex, email=f"{m.key}@{DOMAIN}", timezone=m.timezone,
                state=m.state, program_start=m.program_start))
            member.status = m.status
            careteam.auto_assign(session, member=member, actor=None, reason="demo enrollment",
                                 roles=["physical_therapist", "health_coach", *m.extra_roles])
            if i == 0:
                login(session, session.get(User, member.user_id), "member")
            seeded.append((member, m))
        session.flush()
        run_capability_hooks(DemoContext(
            session=session, today=today, organization_id=org.id, members=seeded,
            clinicians=_clinicians_by_role(session)))
    return logins


# Capabilities whose demo data others build on go first; any other demo hook runs after these.
HOOK_ORDER = ("intake", "exercise", "motion", "coaching", "interop", "escalation", "outcomes")


def run_capability_hooks(ctx: DemoContext) -> None:
    """Call `seed_demo(ctx)` of every capability that has a demo.py, in dependency order."""
    hooks = {m.__name__.split(".")[1]: m for m in modules("demo") if hasattr(m, "seed_demo")}
    for name in sorted(hooks, key=lambda n: (HOOK_ORDER.index(n) if n in HOOK_ORDER else len(HOOK_ORDER), n)):
        hooks[name].seed_demo(ctx)
        ctx.session.flush()


def _clinicians_by_role(session) -> dict[str, list[Clinician]]:
    by_role: dict[str, list[Clinician]] = {}
    for clinician in session.scalars(select(Clinician).order_by(Clinician.display_name)):
        by_role.setdefault(clinician.role, []).append(clinician)
    return by_role
