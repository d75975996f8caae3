"""Coaching notes, messages to the member and diet comments: the only writer of coaching_notes."""

import string
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.auth.principal import Principal
from openmsk.coaching import sources
from openmsk.coaching.models import Note, Nudge
from openmsk.coaching.schemas import NoteCreate
from openmsk.coaching.service_common import member_or_404
from openmsk.db import utcnow
from openmsk.errors import Forbidden, Invalid
from openmsk.members.models import Member

# Message templates; {fields} are filled from the member's record and goals when sent.
TEMPLATES: dict[str, str] = {
    "check_in": "Hi {given_name}, it's {coach_name}. How are your sessions going this week?",
    "streak": "Great work, {given_name}: {streak} days in a row on \"{goal}\". Keep it going!",
    "quiet_spell": "Hi {given_name}, I haven't seen you log anything for a few days. "
                   "Would a different time of day work better? Reply and we'll adjust your plan.",
    "flare_up": "Hi {given_name}, flare-ups happen and they pass. Let's look at your plan together; "
                "reply here or book a call with me.",
}
TEMPLATE_FIELDS = ("given_name", "coach_name", "goal", "streak")


class _Fields(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill_template(text: str, fields: dict[str, object]) -> str:
    """Replace known {fields}; unknown ones stay as typed."""
    names = {name for _, name, _, _ in string.Formatter().parse(text) if name}
    if any(not n.isidentifier() for n in names):
        raise Invalid("body has a malformed {field}")
    return text.format_map(_Fields({k: v for k, v in fields.items() if v is not None}))


def add_note(session: Session, *, member_id: str, data: NoteCreate, actor: Principal,
             fields: dict[str, object] | None = None) -> Note:
    """A care-team note, message or diet comment; messages fill template fields and answer hand-offs."""
    member = member_or_404(session, member_id)
    if not actor.is_clinician:
        raise Forbidden("only the care team writes notes and messages")
    body = data.body
    if data.topic == "message":
        body = fill_template(body, {"given_name": member.given_name, "coach_name": actor.display_name,
                                    **(fields or {})})
    note = Note(member_id=member_id, topic=data.topic, body=body, author_user_id=actor.user_id,
                author_name=actor.display_name, author_role=actor.acting_role, subject_id=data.subject_id)
    session.add(note)
    session.flush()
    audit.record(session, actor, action="create", resource_type="CoachingNote", resource_id=note.id,
                 member_id=member_id, detail={"topic": data.topic})
    if data.topic == "message":
        answer_handoffs(session, member_id=member_id, actor=actor)
    return note


def answer_handoffs(session: Session, *, member_id: str, actor: Principal) -> int:
    """Mark the member's open coach hand-offs answered and close their tasks; returns how many."""
    from openmsk.careteam.tasks import set_task_status

    open_ = list(session.scalars(select(Nudge).where(Nudge.member_id == member_id, Nudge.kind == "coach_handoff",
                                                     Nudge.responded_at.is_(None))))
    for nudge in open_:
        nudge.responded_at = utcnow()
        if nudge.task_id:
            set_task_status(session, task_id=nudge.task_id, status="done", actor=actor)
    return len(open_)


def notes(session: Session, *, member_id: str, topics: tuple[str, ...], limit: int = 200) -> list[Note]:
    """Notes of the topics, newest first (callers audit the read)."""
    return list(session.scalars(select(Note).where(Note.member_id == member_id, Note.topic.in_(topics))
                                .order_by(Note.created_at.desc()).limit(limit)))


def unread_thread_messages(session: Session, *, member: Member) -> int:
    """How many messaging-thread messages from the care team the member has not opened (callers audit)."""
    return len(sources.unread_care_team_messages(session, member=member, until=utcnow()))


def mark_messages_read(session: Session, *, member_id: str, actor: Principal, now: datetime | None = None) -> int:
    """The member has seen their messages (only the member can mark them)."""
    if actor.member_id != member_id:
        return 0
    result = session.execute(update(Note).where(Note.member_id == member_id, Note.topic == "message",
                                                Note.read_at.is_(None)).values(read_at=now or utcnow()))
    if result.rowcount:
        audit.record(session, actor, action="update", resource_type="CoachingNote", member_id=member_id,
                     detail={"read": result.rowcount})
    return result.rowcount
