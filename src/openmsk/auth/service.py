"""Accounts and sign-in: the only place that writes users, sessions and tokens."""

from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.auth.models import ApiToken, LoginSession, RoleGrant, User
from openmsk.auth.principal import Principal
from openmsk.auth.roles import Role
from openmsk.auth.secrets import (
    MIN_PASSWORD_LENGTH, hash_password, needs_rehash, new_token, token_digest, verify_password,
)
from openmsk.careteam.models import Clinician
from openmsk.config import Settings
from openmsk.db import Database, utcnow
from openmsk.errors import AppError, Conflict, Invalid, TooManyRequests, Unauthenticated
from openmsk.members.models import Member

BAD_CREDENTIALS = "email or password is incorrect"


def normalize_email(email: str) -> str:
    """Emails compare case-insensitively and without surrounding spaces."""
    return email.strip().lower()


def check_password_rules(password: str) -> None:
    """Refuse passwords that are too short (NIST SP 800-63B section 5.1.1.2: at least 8; we ask 10)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(f"password must be at least {MIN_PASSWORD_LENGTH} characters")


def create_user(session: Session, *, email: str, display_name: str, roles: set[Role] | set[str],
                password: str | None = None) -> User:
    """Create an account; without a password it can only be entered through an invitation."""
    email = normalize_email(email)
    if session.scalar(select(User.id).where(User.email == email)):
        raise Conflict("an account with this email already exists")
    unknown = {str(r) for r in roles} - {r.value for r in Role}
    if unknown:
        raise Invalid(f"unknown roles: {', '.join(sorted(unknown))}")
    if password is not None:
        check_password_rules(password)
    user = User(email=email, display_name=display_name,
                password_hash=hash_password(password) if password else None)
    user.grants = [RoleGrant(role=str(role)) for role in sorted(str(r) for r in roles)]
    session.add(user)
    session.flush()
    return user


def authenticate(db: Database, *, email: str, password: str, settings: Settings) -> str:
    """The user id for these credentials; failures are counted (and may lock the account).

    Runs in its own transaction so that a failure is recorded even though the request fails.
    """
    error: AppError | None = None
    with db.transaction() as session:
        user = session.scalar(select(User).where(User.email == normalize_email(email)))
        now = utcnow()
        matches = verify_password(user.password_hash if user else None, password)
        if user is None or not user.is_active:
            error = Unauthenticated(BAD_CREDENTIALS)
        elif user.locked_until and user.locked_until > now:
            error = TooManyRequests("too many failed sign-ins; try again later or reset your password")
        elif not matches:
            user.failed_logins += 1
            if user.failed_logins >= settings.login_max_failures:
                user.locked_until = now + timedelta(minutes=settings.lockout_minutes)
                user.failed_logins = 0
            audit.record(session, None, action="login_failed", resource_type="User", resource_id=user.id)
            error = Unauthenticated(BAD_CREDENTIALS)
        else:
            user.failed_logins = 0
            user.locked_until = None
            user.last_login_at = now
            if needs_rehash(user.password_hash or ""):
                user.password_hash = hash_password(password)
            user_id = user.id
    if error is not None:
        raise error
    return user_id


def start_login_session(session: Session, *, user_id: str, settings: Settings) -> tuple[str, str]:
    """A new browser session for the user: returns (cookie token, CSRF token)."""
    token, csrf = new_token(), new_token()
    session.add(LoginSession(token_hash=token_digest(token), user_id=user_id, csrf_token=csrf,
                             expires_at=utcnow() + timedelta(hours=settings.session_hours)))
    audit.record(session, None, action="login", resource_type="User", resource_id=user_id)
    return token, csrf


def end_login_session(session: Session, *, token: str) -> None:
    """Forget a browser session."""
    session.execute(delete(LoginSession).where(LoginSession.token_hash == token_digest(token)))


def issue_api_token(session: Session, *, user_id: str, settings: Settings) -> str:
    """A new bearer token for the user."""
    token = new_token()
    session.add(ApiToken(token_hash=token_digest(token), user_id=user_id,
                         expires_at=utcnow() + timedelta(hours=settings.token_hours)))
    audit.record(session, None, action="token_issued", resource_type="User", resource_id=user_id)
    return token


def revoke_api_token(session: Session, *, token: str) -> None:
    """Forget a bearer token."""
    session.execute(delete(ApiToken).where(ApiToken.token_hash == token_digest(token)))


def set_password(session: Session, *, user: User, password: str) -> None:
    """Replace the password, ending every session and token the user had."""
    check_password_rules(password)
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    audit.record(session, None, action="password_set", resource_type="User", resource_id=user.id)


def principal_for(session: Session, *, cookie_token: str | None = None,
                  bearer_token: str | None = None) -> Principal | None:
    """The principal behind a live session cookie or bearer token, if any."""
    now = utcnow()
    csrf = None
    if bearer_token:
        row = session.get(ApiToken, token_digest(bearer_token))
        via = "bearer"
    elif cookie_token:
        row = session.get(LoginSession, token_digest(cookie_token))
        via = "cookie"
        csrf = row.csrf_token if row else None
    else:
        return None
    if row is None or row.expires_at <= now:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    return _principal(session, user, via=via, csrf=csrf)


def _principal(session: Session, user: User, *, via: str, csrf: str | None) -> Principal:
    member_id = session.scalar(select(Member.id).where(Member.user_id == user.id))
    clinician_id = session.scalar(
        select(Clinician.id).where(Clinician.user_id == user.id, Clinician.is_active.is_(True)))
    return Principal(user_id=user.id, email=user.email, display_name=user.display_name,
                     roles=user.roles, member_id=member_id, clinician_id=clinician_id,
                     via=via, csrf_token=csrf)
