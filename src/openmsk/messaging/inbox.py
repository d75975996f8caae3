"""The care team's view across members: inbox, unread counts and response times."""

from datetime import datetime, timedelta
from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.auth.principal import Principal
from openmsk.careteam import service as careteam
from openmsk.db import utcnow
from openmsk.errors import Forbidden
from openmsk.members.models import Member
from openmsk.messaging.access import thread_read, unread_by_thread
from openmsk.messaging.config import MessagingConfig, messaging_config
from openmsk.messaging.models import Message, MessageThread
from openmsk.messaging.replies import is_overdue
from openmsk.messaging.schemas import InboxItem, ResponseTimes, UnreadCounts


def _visible_member_ids(session: Session, principal: Principal) -> list[str]:
    if principal.is_clinician:
        return careteam.member_ids_for(session, clinician_id=principal.clinician_id)
    if principal.is_member:
        return [principal.member_id]
    raise Forbidden("only members and their care team take part in messages")


def inbox(session: Session, *, actor: Principal, now: datetime | None = None, limit: int = 200,
          member_id: str | None = None) -> list[InboxItem]:
    """Threads of the clinician's members (or one of them): overdue first, then unread, then latest."""
    if not actor.is_clinician:
        raise Forbidden("the inbox is for clinicians")
    now = now or utcnow()
    member_ids = _visible_member_ids(session, actor)
    if member_id is not None:
        member_ids = [m for m in member_ids if m == member_id]
    if not member_ids:
        return []
    rows = list(session.execute(
        select(MessageThread, Member.given_name, Member.family_name)
        .join(Member, Member.id == MessageThread.member_id)
        .where(MessageThread.member_id.in_(member_ids))))
    unread = unread_by_thread(session, user_id=actor.user_id, thread_ids=[t.id for t, _, _ in rows])
    rows.sort(key=lambda r: (not is_overdue(r[0], now), unread.get(r[0].id, 0) == 0,
                             -r[0].last_message_at.timestamp()))
    rows = rows[:limit]
    audit.record_reads(session, actor, resource_type="MessageThread",
                       member_ids=sorted({t.member_id for t, _, _ in rows}))
    return [thread_read(t, unread=unread.get(t.id, 0), now=now, cls=InboxItem, member_name=f"{given} {family}")
            for t, given, family in rows]


def unread_counts(session: Session, *, actor: Principal) -> UnreadCounts:
    """How many messages (and threads) others sent that the caller has not opened."""
    member_ids = _visible_member_ids(session, actor)
    thread_ids = list(session.scalars(select(MessageThread.id).where(MessageThread.member_id.in_(member_ids))))
    unread = unread_by_thread(session, user_id=actor.user_id, thread_ids=thread_ids)
    return UnreadCounts(unread_messages=sum(unread.values()), unread_threads=sum(1 for n in unread.values() if n))


def response_times(session: Session, *, actor: Principal, days: int = 30, now: datetime | None = None,
                   config: MessagingConfig | None = None) -> ResponseTimes:
    """Care-team replies to the clinician's members over the last `days`: how fast, in working hours."""
    if not actor.is_clinician:
        raise Forbidden("response times are for clinicians")
    config, now = config or messaging_config(), now or utcnow()
    member_ids = _visible_member_ids(session, actor)
    replies = list(session.execute(select(Message.response_seconds, Message.response_within_target).where(
        Message.member_id.in_(member_ids), Message.response_seconds.is_not(None),
        Message.created_at >= now - timedelta(days=days))))
    waiting = session.scalars(select(MessageThread).where(
        MessageThread.member_id.in_(member_ids), MessageThread.awaiting_since.is_not(None)))
    return ResponseTimes(
        answered=len(replies), within_target=sum(1 for _, ok in replies if ok),
        median_business_hours=round(median(s for s, _ in replies) / 3600, 2) if replies else None,
        overdue_now=sum(1 for t in waiting if is_overdue(t, now)),
        target_business_days=config.response_target_business_days)
