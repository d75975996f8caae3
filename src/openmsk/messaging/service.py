"""Threads and messages: the only reader and writer of threads, messages and read receipts."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.auth.policy import can_access_member
from openmsk.auth.principal import Principal
from openmsk.careteam import service as careteam
from openmsk.db import utcnow
from openmsk.errors import Conflict, ErrorDetail, Forbidden, Invalid, NotFound
from openmsk.members.models import Member
from openmsk.messaging import replies
from openmsk.messaging.access import identity, thread_for, thread_read, unread_by_thread
from openmsk.messaging.config import MAX_BODY_CHARS, MAX_SUBJECT_CHARS, MessagingConfig, messaging_config
from openmsk.messaging.models import Message, MessageRead, MessageThread
from openmsk.messaging.schemas import MessageOut, ReceiptRead, ThreadDetail, ThreadRead
from openmsk.messaging.text_templates import filled_template


def _invalid(field: str, message: str) -> Invalid:
    return Invalid(f"{field}: {message}", details=[ErrorDetail(location=["body", field], message=message)])


def _clean_body(session: Session, *, body: str, template_id: str | None, member_id: str, actor: Principal) -> str:
    """The text to send: the typed body, else the filled template; never empty, never too long."""
    body = (body or "").strip()
    if not body and template_id:
        body = filled_template(session, template_id=template_id, member_id=member_id, actor=actor).strip()
    if not body:
        raise _invalid("body", "a message cannot be empty")
    if len(body) > MAX_BODY_CHARS:
        raise _invalid("body", f"a message can be at most {MAX_BODY_CHARS} characters")
    return body


def _check_member(session: Session, *, member_id: str, actor: Principal) -> None:
    if session.get(Member, member_id) is None:
        raise NotFound("no member with this id")
    if not can_access_member(session, actor, member_id):
        raise Forbidden("this member is not in your care")


def _repeat(session: Session, *, actor: Principal, key: str | None) -> Message | None:
    if not key:
        return None
    return session.scalar(select(Message).where(Message.sender_user_id == actor.user_id,
                                                Message.idempotency_key == key))


def _check_repeat(existing: Message, *, thread_id: str | None, member_id: str) -> None:
    if existing.member_id != member_id or (thread_id is not None and existing.thread_id != thread_id):
        raise Conflict("idempotency_key was already used for a different message")


def _default_role(session: Session, *, member_id: str, asked: str | None, config: MessagingConfig) -> str:
    roles = [a.role for a, _ in careteam.care_team(session, member_id=member_id)]
    if asked is not None:
        if asked not in roles:
            raise _invalid("care_role", "this role is not on the member's care team")
        return asked
    return config.response_role if config.response_role in roles or not roles else roles[0]


def _post(session: Session, *, thread: MessageThread, body: str, actor: Principal, template_id: str | None,
          key: str | None, now: datetime, config: MessagingConfig) -> Message:
    """Add a message, mark the thread read by its sender and move the response clock."""
    me = identity(session, actor)
    if me.kind == "member" and template_id:
        raise Forbidden("message templates are for clinicians")
    message = Message(thread_id=thread.id, member_id=thread.member_id, sender_user_id=actor.user_id,
                      sender_kind=me.kind, sender_name=me.name, sender_role=me.role, body=body,
                      template_id=template_id, created_at=now, idempotency_key=key)
    session.add(message)
    session.flush()
    thread.last_message_at, thread.message_count = now, thread.message_count + 1
    if me.kind == "member":
        replies.member_wrote(session, thread=thread, message=message, config=config, actor=actor)
    else:
        replies.care_team_replied(session, thread=thread, message=message, config=config, actor=actor)
    _mark_read(session, thread=thread, actor=actor, now=now)
    audit.record(session, actor, action="create", resource_type="Message", resource_id=message.id,
                 member_id=thread.member_id, detail={"thread_id": thread.id, "template_id": template_id})
    return message


def create_thread(session: Session, *, member_id: str, subject: str, body: str, actor: Principal,
                  care_role: str | None = None, template_id: str | None = None, idempotency_key: str | None = None,
                  now: datetime | None = None, config: MessagingConfig | None = None) -> tuple[MessageThread, bool]:
    """Start a thread with its first message; a repeated idempotency key returns the first thread unchanged."""
    config, now = config or messaging_config(), now or utcnow()
    _check_member(session, member_id=member_id, actor=actor)
    if existing := _repeat(session, actor=actor, key=idempotency_key):
        _check_repeat(existing, thread_id=None, member_id=member_id)
        return session.get(MessageThread, existing.thread_id), False
    subject = (subject or "").strip()
    if not subject or len(subject) > MAX_SUBJECT_CHARS:
        raise _invalid("subject", f"a subject needs 1 to {MAX_SUBJECT_CHARS} characters")
    me = identity(session, actor)
    role = me.role if me.kind == "clinician" else _default_role(session, member_id=member_id, asked=care_role,
                                                                 config=config)
    text = _clean_body(session, body=body, template_id=template_id, member_id=member_id, actor=actor)
    try:
        with session.begin_nested():  # a concurrent twin with the same key loses here, not with a 500
            thread = MessageThread(member_id=member_id, subject=subject, care_role=role, created_by=actor.user_id,
                                   created_at=now, last_message_at=now, message_count=0)
            session.add(thread)
            session.flush()
            audit.record(session, actor, action="create", resource_type="MessageThread", resource_id=thread.id,
                         member_id=member_id, detail={"care_role": role})
            _post(session, thread=thread, body=text, actor=actor, template_id=template_id, key=idempotency_key,
                  now=now, config=config)
    except IntegrityError:
        if (existing := _repeat(session, actor=actor, key=idempotency_key)) is None:
            raise
        return session.get(MessageThread, existing.thread_id), False
    return thread, True


def send_message(session: Session, *, member_id: str, thread_id: str, body: str, actor: Principal,
                 template_id: str | None = None, idempotency_key: str | None = None, now: datetime | None = None,
                 config: MessagingConfig | None = None) -> tuple[Message, bool]:
    """Reply in a thread; a repeated idempotency key returns the first message instead of a duplicate."""
    config, now = config or messaging_config(), now or utcnow()
    thread = thread_for(session, thread_id=thread_id, principal=actor, member_id=member_id)
    if existing := _repeat(session, actor=actor, key=idempotency_key):
        _check_repeat(existing, thread_id=thread_id, member_id=member_id)
        return existing, False
    text = _clean_body(session, body=body, template_id=template_id, member_id=member_id, actor=actor)
    try:
        with session.begin_nested():
            message = _post(session, thread=thread, body=text, actor=actor, template_id=template_id,
                            key=idempotency_key, now=now, config=config)
    except IntegrityError:
        if (existing := _repeat(session, actor=actor, key=idempotency_key)) is None:
            raise
        return existing, False
    return message, True


def _mark_read(session: Session, *, thread: MessageThread, actor: Principal, now: datetime) -> int:
    """Receipts for every message others sent in the thread that the actor had not opened yet."""
    unread = list(session.scalars(select(Message.id).where(
        Message.thread_id == thread.id, Message.sender_user_id.is_distinct_from(actor.user_id),
        ~select(MessageRead.id).where(MessageRead.message_id == Message.id,
                                      MessageRead.user_id == actor.user_id).exists())))
    if not unread:
        return 0
    me = identity(session, actor)
    try:
        with session.begin_nested():  # two tabs opening the thread at once record one receipt each message
            session.add_all(MessageRead(message_id=mid, user_id=actor.user_id, reader_name=me.name,
                                        reader_role=me.role, read_at=now) for mid in unread)
            session.flush()
    except IntegrityError:
        return 0
    return len(unread)


def list_threads(session: Session, *, member_id: str, actor: Principal, now: datetime | None = None) -> list[ThreadRead]:
    """The member's threads, newest activity first, with the caller's unread counts."""
    now = now or utcnow()
    _check_member(session, member_id=member_id, actor=actor)
    threads = list(session.scalars(select(MessageThread).where(MessageThread.member_id == member_id)
                                   .order_by(MessageThread.last_message_at.desc())))
    unread = unread_by_thread(session, user_id=actor.user_id, thread_ids=[t.id for t in threads])
    audit.record_reads(session, actor, resource_type="MessageThread", member_ids=[member_id])
    return [thread_read(t, unread=unread.get(t.id, 0), now=now) for t in threads]


def open_thread(session: Session, *, thread_id: str, actor: Principal, member_id: str | None = None,
                mark_read: bool = True, now: datetime | None = None) -> ThreadDetail:
    """A thread with its messages and read receipts; opening it marks the others' messages read."""
    now = now or utcnow()
    thread = thread_for(session, thread_id=thread_id, principal=actor, member_id=member_id)
    if mark_read:
        newly_read, unread = _mark_read(session, thread=thread, actor=actor, now=now), 0
    else:
        newly_read = 0
        unread = unread_by_thread(session, user_id=actor.user_id, thread_ids=[thread.id]).get(thread.id, 0)
    messages = list(session.scalars(select(Message).where(Message.thread_id == thread.id)
                                    .order_by(Message.created_at, Message.id)))
    receipts: dict[str, list[ReceiptRead]] = {}
    for r in session.scalars(select(MessageRead).join(Message, Message.id == MessageRead.message_id)
                             .where(Message.thread_id == thread.id).order_by(MessageRead.read_at)):
        receipts.setdefault(r.message_id, []).append(ReceiptRead.model_validate(r))
    audit.record(session, actor, action="read", resource_type="MessageThread", resource_id=thread.id,
                 member_id=thread.member_id, detail={"messages": len(messages), "newly_read": newly_read})
    out = [MessageOut.model_validate(m).model_copy(update={"read_by": receipts.get(m.id, [])}) for m in messages]
    return thread_read(thread, unread=unread, now=now, cls=ThreadDetail, messages=out)


def message_receipts(session: Session, *, message_id: str, actor: Principal) -> list[ReceiptRead]:
    """Who read one message, and when."""
    message = session.get(Message, message_id)
    if message is None:
        raise NotFound("no message with this id")
    thread_for(session, thread_id=message.thread_id, principal=actor)
    audit.record(session, actor, action="read", resource_type="MessageReceipt", resource_id=message.id,
                 member_id=message.member_id)
    return [ReceiptRead.model_validate(r) for r in session.scalars(
        select(MessageRead).where(MessageRead.message_id == message_id).order_by(MessageRead.read_at))]
