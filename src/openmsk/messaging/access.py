"""Who may reach a thread, and how a sender or reader is named on it."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from openmsk.auth.policy import can_access_member
from openmsk.auth.principal import Principal
from openmsk.careteam.models import Clinician
from openmsk.errors import Forbidden, NotFound
from openmsk.messaging.models import Message, MessageRead, MessageThread
from openmsk.messaging.schemas import ThreadRead


@dataclass(frozen=True)
class Identity:
    """How a person appears on a message or a receipt."""

    kind: str  # "member" or "clinician"
    name: str
    role: str


def identity(session: Session, principal: Principal) -> Identity:
    """The member as themself, a clinician by their clinical profile's name and role."""
    if principal.is_clinician:
        clinician = session.get(Clinician, principal.clinician_id)
        if clinician is not None:
            return Identity("clinician", clinician.display_name, clinician.role)
    if principal.is_member:
        return Identity("member", principal.display_name, "member")
    raise Forbidden("only members and their care team take part in messages")


def thread_for(session: Session, *, thread_id: str, principal: Principal,
               member_id: str | None = None) -> MessageThread:
    """The thread, if the caller may see it; 404 hides threads of other members from members."""
    thread = session.get(MessageThread, thread_id)
    if thread is None or (member_id is not None and thread.member_id != member_id):
        raise NotFound("no message thread with this id")
    if principal.is_member and principal.member_id == thread.member_id:
        return thread
    if principal.is_member and not principal.is_clinician:
        raise NotFound("no message thread with this id")
    if not can_access_member(session, principal, thread.member_id):
        raise Forbidden("this member is not in your care")
    return thread


def unread_by_thread(session: Session, *, user_id: str, thread_ids: list[str]) -> dict[str, int]:
    """Messages others sent in each thread that this user has not opened."""
    if not thread_ids:
        return {}
    seen = exists().where(and_(MessageRead.message_id == Message.id, MessageRead.user_id == user_id))
    rows = session.execute(
        select(Message.thread_id, func.count()).where(
            Message.thread_id.in_(thread_ids),
            or_(Message.sender_user_id.is_(None), Message.sender_user_id != user_id),
            ~seen).group_by(Message.thread_id))
    return {thread_id: n for thread_id, n in rows}


def thread_read(thread: MessageThread, *, unread: int, now: datetime, cls=ThreadRead, **extra) -> ThreadRead:
    """The API view of a thread for one reader at one moment."""
    overdue = thread.awaiting_since is not None and thread.response_due_at is not None and thread.response_due_at < now
    return cls(id=thread.id, member_id=thread.member_id, subject=thread.subject, care_role=thread.care_role,
               created_at=thread.created_at, last_message_at=thread.last_message_at,
               message_count=thread.message_count, unread=unread,
               awaiting_reply=thread.awaiting_since is not None, response_due_at=thread.response_due_at,
               overdue=overdue, **extra)
