"""Account administration: listing, creating and deactivating users; reading the audit trail."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.auth.models import AuditEvent, User
from openmsk.auth.principal import Principal
from openmsk.auth.schemas import UserCreate, UserRead, UserUpdate
from openmsk.auth.service import create_user
from openmsk.careteam.service import create_clinician
from openmsk.db import utcnow
from openmsk.errors import Invalid, NotFound


def user_read(user: User) -> UserRead:
    """The admin's view of an account (no clinical data)."""
    return UserRead(id=user.id, email=user.email, display_name=user.display_name,
                    roles=sorted(user.roles), is_active=user.is_active,
                    has_password=user.password_hash is not None,
                    locked=bool(user.locked_until and user.locked_until > utcnow()),
                    created_at=user.created_at, last_login_at=user.last_login_at)


def list_users(session: Session, *, limit: int, offset: int) -> list[User]:
    """Accounts in email order."""
    return list(session.scalars(select(User).order_by(User.email).limit(limit).offset(offset)))


def create_staff_user(session: Session, *, data: UserCreate, actor: Principal) -> User:
    """Create a staff account, with a clinician profile when it holds a clinical role."""
    roles = {r.value for r in data.roles}
    if "member" in roles:
        raise Invalid("members are enrolled through /api/v1/members, not created as staff")
    if data.clinician and data.clinician.role not in roles:
        raise Invalid("the clinician profile's role must be one of the user's roles")
    user = create_user(session, email=data.email, display_name=data.display_name, roles=roles)
    if data.clinician:
        create_clinician(session, user_id=user.id, role=data.clinician.role,
                         display_name=data.display_name, capacity=data.clinician.capacity,
                         licensed_states=data.clinician.licensed_states)
    audit.record(session, actor, action="create", resource_type="User", resource_id=user.id)
    return user


def update_user(session: Session, *, user_id: str, data: UserUpdate, actor: Principal) -> User:
    """Activate, deactivate or rename an account."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("no user with this id")
    if data.is_active is False and user.id == actor.user_id:
        raise Invalid("you cannot deactivate your own account")
    changes = data.model_dump(exclude_unset=True)
    for key, value in changes.items():
        setattr(user, key, value)
    audit.record(session, actor, action="update", resource_type="User", resource_id=user.id,
                 detail={"fields": sorted(changes)})
    return user


def audit_trail(session: Session, *, member_id: str | None = None, actor_user_id: str | None = None,
                action: str | None = None, since: datetime | None = None, limit: int = 100,
                offset: int = 0) -> list[AuditEvent]:
    """Audit events, newest first, filtered."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc())
    if member_id:
        query = query.where(AuditEvent.member_id == member_id)
    if actor_user_id:
        query = query.where(AuditEvent.actor_user_id == actor_user_id)
    if action:
        query = query.where(AuditEvent.action == action)
    if since:
        query = query.where(AuditEvent.at >= since)
    return list(session.scalars(query.limit(limit).offset(offset)))
