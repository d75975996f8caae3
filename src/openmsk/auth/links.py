"""Password-reset and invitation links: signed, expiring, single-use, sent through the notifier."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.auth.models import User
from openmsk.auth.secrets import LinkSigner, password_fingerprint
from openmsk.auth.service import normalize_email, set_password
from openmsk.config import Settings
from openmsk.errors import Invalid
from openmsk.jobs.registry import JobQueue

RESET = "password-reset"
INVITE = "invitation"
EXPIRED = "this link is invalid or has expired; ask for a new one"


def _send(queue: JobQueue, to: str, subject: str, body: str) -> None:
    queue.enqueue("notify.send", {"to": to, "subject": subject, "body": body})


def request_password_reset(session: Session, *, email: str, queue: JobQueue, signer: LinkSigner,
                           settings: Settings) -> None:
    """Send a reset link if the account exists; the caller learns nothing either way."""
    user = session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None or not user.is_active or user.password_hash is None:
        return
    token = signer.sign(RESET, user.id, password_fingerprint(user.password_hash))
    _send(queue, user.email, "Reset your OpenMSK password",
          f"Someone asked to reset your OpenMSK password. If it was you, open this link within "
          f"{settings.reset_link_minutes} minutes:\n{settings.base_url}/password-reset/{token}\n"
          "If it was not you, ignore this message.")
    audit.record(session, None, action="password_reset_requested", resource_type="User",
                 resource_id=user.id)


def invite_user(session: Session, *, user: User, queue: JobQueue, signer: LinkSigner,
                settings: Settings) -> str:
    """Send an invitation link with which a new user sets their first password; returns the token."""
    if user.password_hash is not None:
        raise Invalid("this account already has a password")
    token = signer.sign(INVITE, user.id, password_fingerprint(None))
    _send(queue, user.email, "You are invited to OpenMSK",
          f"You have been invited to OpenMSK. Choose your password within "
          f"{settings.invitation_link_hours} hours:\n{settings.base_url}/invitations/{token}")
    audit.record(session, None, action="invited", resource_type="User", resource_id=user.id)
    return token


def redeem_link(session: Session, *, token: str, purpose: str, password: str, signer: LinkSigner,
                settings: Settings) -> User:
    """Set the password through a reset or invitation link; each link works once."""
    max_age = (settings.reset_link_minutes * 60 if purpose == RESET
               else settings.invitation_link_hours * 3600)
    checked = signer.check(token, purpose, max_age)
    if checked is None:
        raise Invalid(EXPIRED)
    user_id, fingerprint = checked
    user = session.get(User, user_id)
    # The fingerprint changes with the password, so a used link no longer matches.
    if user is None or not user.is_active or password_fingerprint(user.password_hash) != fingerprint:
        raise Invalid(EXPIRED)
    set_password(session, user=user, password=password)
    return user
