"""The only reader and writer of motion sessions; checks which exercises a member may track live."""

import importlib
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.auth.principal import Principal
from openmsk.errors import Invalid, NotFound
from openmsk.motion.models import MotionSession
from openmsk.motion.specs import MotionSpec, load_specs

RESOURCE = "MotionSession"
# A camera set belongs with the exercise session the member logged the same day (CONFIG: product
# policy, not clinical); older logs are left alone.
ATTACH_WINDOW = timedelta(hours=12)


def _exercise_module(name: str):
    try:
        return importlib.import_module(f"openmsk.exercise.{name}")
    except ImportError:
        return None


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


def log_summary(row: MotionSession) -> dict:
    """The camera set as the exercise log keeps it: reps, partial reps, range, quality and cues."""
    reps = [r for r in row.rep_details if r.get("complete", True)]
    roms = [r["rom_deg"] for r in reps if r.get("rom_deg") is not None]
    quality = [r["quality"] for r in reps if r.get("quality") is not None]
    cues = sorted({c["cue"] for c in row.cues if c.get("cue")})
    return {"motion_session_id": row.id, "exercise_id": row.exercise_id, "source": row.source,
            "started_at": row.started_at.isoformat(), "reps": row.reps, "partial_reps": row.partial_reps,
            "correct_reps": sum(1 for r in reps if r.get("correct")),
            "mean_rom_deg": round(sum(roms) / len(roms), 1) if roms else None,
            "max_rom_deg": round(max(roms), 1) if roms else None,
            "mean_quality": round(sum(quality) / len(quality), 3) if quality else None,
            "side": row.side, "cues": cues}


def _entry_exercise_ids(session: Session, exercise_id: str) -> set[str]:
    """Library exercise ids whose motion spec is this one (the spec id itself included)."""
    plans = _exercise_module("plans")
    ids = {exercise_id}
    if plans is not None:
        ids |= {ex.id for ex in plans.library_for(session).exercises.values() if ex.motion == exercise_id}
    return ids


def exercise_log_entry(session: Session, *, member_id: str, exercise_id: str, at: datetime,
                       exercise_session_id: str | None = None):
    """The logged exercise (SessionEntry) a camera set of this exercise belongs to, or None.

    The named exercise session when given; otherwise the newest one logged within ATTACH_WINDOW
    before `at` that lists this exercise as done.
    """
    sessions, models = _exercise_module("sessions"), _exercise_module("models")
    if sessions is None or models is None:
        return None
    ids = _entry_exercise_ids(session, exercise_id)
    query = (select(models.SessionEntry).join(models.ExerciseSession)
             .where(models.ExerciseSession.member_id == member_id, models.SessionEntry.exercise_id.in_(ids),
                    models.SessionEntry.skipped.is_(False)))
    if exercise_session_id is not None:
        query = query.where(models.ExerciseSession.id == exercise_session_id)
    else:
        query = query.where(models.ExerciseSession.completed_at >= at - ATTACH_WINDOW,
                            models.ExerciseSession.completed_at <= at + ATTACH_WINDOW)
    return session.scalars(query.order_by(models.ExerciseSession.completed_at.desc())).first()


def attach_to_exercise_log(session: Session, *, row: MotionSession, actor: Principal | None,
                           exercise_session_id: str | None = None) -> str | None:
    """Store the camera set with the member's logged exercise; returns the exercise session id, or None.

    Sets already attached to that exercise are kept: the stored summary lists every set and their totals.
    """
    entry = exercise_log_entry(session, member_id=row.member_id, exercise_id=row.exercise_id, at=row.ended_at,
                               exercise_session_id=exercise_session_id)
    if entry is None:
        return None
    sets = [s for s in (entry.motion_summary or {}).get("sets", []) if s.get("motion_session_id") != row.id]
    sets.append(log_summary(row))
    summary = {"sets": sets, "reps": sum(s["reps"] for s in sets),
               "partial_reps": sum(s["partial_reps"] for s in sets),
               "correct_reps": sum(s["correct_reps"] for s in sets),
               "cues": sorted({c for s in sets for c in s["cues"]})}
    _exercise_module("sessions").attach_motion_summary(
        session, member_id=row.member_id, session_id=entry.session_id, exercise_id=entry.exercise_id,
        summary=summary, actor=actor)
    return entry.session_id


def exercise_log_links(session: Session, *, member_id: str, actor: Principal) -> dict[str, datetime]:
    """Motion session id -> completion time of the logged exercise session it is stored with (audited read)."""
    sessions = _exercise_module("sessions")
    if sessions is None:
        return {}
    audit.record(session, actor, action="read", resource_type="ExerciseSession", member_id=member_id,
                 detail={"view": "motion"})
    rows = sessions.sessions_for(session, member_id=member_id, limit=200)
    grouped = sessions.entries_of(session, [r.id for r in rows])
    links = {}
    for r in rows:
        for entry in grouped[r.id]:
            for item in (entry.motion_summary or {}).get("sets", []):
                links.setdefault(item.get("motion_session_id"), r.completed_at)
    return links
