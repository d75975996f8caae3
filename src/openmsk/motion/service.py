"""The only reader and writer of motion sessions; checks which exercises a member may track live."""

import importlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.auth.principal import Principal
from openmsk.errors import Invalid, NotFound
from openmsk.motion.models import MotionSession
from openmsk.motion.specs import MotionSpec, load_specs

RESOURCE = "MotionSession"


def plan_exercise_ids(session: Session, *, member_id: str) -> list[str] | None:
    """Exercise ids in the member's current plan, or None when no exercise capability is installed."""
    try:
        exercise = importlib.import_module("openmsk.exercise.service")
    except ImportError:
        return None
    fn = getattr(exercise, "current_plan_exercise_ids", None)
    return None if fn is None else list(fn(session, member_id=member_id))


def trackable_exercises(session: Session, *, member_id: str) -> list[MotionSpec]:
    """Exercises with a motion spec the member may track: those in their plan when plans exist."""
    specs = load_specs()
    allowed = plan_exercise_ids(session, member_id=member_id)
    ids = sorted(specs) if allowed is None else [i for i in allowed if i in specs]
    return sorted((specs[i] for i in ids), key=lambda spec: spec.name)


def live_exercise(session: Session, *, member_id: str, exercise_id: str) -> MotionSpec:
    """The spec of an exercise the member may track live, or a clear error."""
    specs = load_specs()
    if exercise_id not in specs:
        raise NotFound("this exercise has no motion spec: it cannot be tracked by the camera")
    allowed = plan_exercise_ids(session, member_id=member_id)
    if allowed is not None and exercise_id not in allowed:
        raise Invalid("this exercise is not in your current plan")
    return specs[exercise_id]


def record_session(session: Session, *, member_id: str, exercise_id: str, started_at: datetime,
                   ended_at: datetime, summary: dict, actor: Principal | None, source: str = "live",
                   synthetic: bool = False) -> MotionSession:
    """Store one session summary (from `LiveSession.summary()`) and audit the write."""
    if exercise_id not in load_specs():
        raise Invalid("exercise_id has no motion spec")
    if ended_at < started_at:
        raise Invalid("ended_at must not be before started_at")
    row = MotionSession(
        member_id=member_id, exercise_id=exercise_id, started_at=started_at, ended_at=ended_at,
        frames=int(summary.get("frames", 0)), reps=int(summary.get("reps", 0)),
        partial_reps=int(summary.get("partial_reps", 0)), side=str(summary.get("side", ""))[:8],
        rep_details=list(summary.get("rep_details", [])), cues=list(summary.get("cues", [])),
        trace=dict(summary.get("trace", {})), source=source, synthetic=synthetic)
    session.add(row)
    session.flush()
    audit.record(session, actor, action="create", resource_type=RESOURCE, resource_id=row.id,
                 member_id=member_id, detail={"exercise_id": exercise_id, "source": source})
    return row


def member_sessions(session: Session, *, member_id: str, limit: int = 200) -> list[MotionSession]:
    """The member's sessions, newest first (callers check access; member_scope audits the read)."""
    query = (select(MotionSession).where(MotionSession.member_id == member_id)
             .order_by(MotionSession.started_at.desc(), MotionSession.id).limit(limit))
    return list(session.scalars(query))


def get_session(session: Session, *, member_id: str, session_id: str) -> MotionSession:
    """One of the member's sessions."""
    row = session.get(MotionSession, session_id)
    if row is None or row.member_id != member_id:
        raise NotFound("no motion session with this id for this member")
    return row
