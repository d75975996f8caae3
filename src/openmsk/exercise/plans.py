"""Plan versions and the exercise catalogue: the only writer of exercise_plans and exercise_custom."""

import dataclasses
import importlib
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.auth.principal import Principal
from openmsk.db import utcnow
from openmsk.errors import Conflict, ErrorDetail, Invalid, NotFound
from openmsk.exercise.drafting import DraftInput, draft_plan, input_from_intake
from openmsk.exercise.library import (
    Exercise, Library, LibraryError, check_links, load_library, parse_dose, parse_exercise,
)
from openmsk.exercise.models import CustomExercise, PlanVersion
from openmsk.members.models import Member


def library_for(session: Session) -> Library:
    """The packaged library merged with the exercises physical therapists added."""
    custom = [parse_exercise(row.data, custom=True) for row in session.scalars(select(CustomExercise))]
    return load_library().with_custom(custom)


def add_custom_exercise(session: Session, *, data: dict, actor: Principal) -> Exercise:
    """Validate and store a PT-added exercise; its id must be new."""
    try:
        exercise = parse_exercise(data, custom=True)
    except LibraryError as exc:
        raise Invalid(str(exc)) from None
    library = library_for(session)
    if library.get(exercise.id) is not None:
        raise Conflict("an exercise with this id already exists")
    if problems := check_links(library.with_custom([exercise])):
        raise Invalid("; ".join(problems))
    session.add(CustomExercise(id=exercise.id, data=data, created_by=actor.user_id))
    session.flush()
    audit.record(session, actor, action="create", resource_type="Exercise", resource_id=exercise.id)
    return exercise


def intake_module(name: str):
    """An intake module if that capability provides it (developed in parallel; may be absent)."""
    try:
        return importlib.import_module(f"openmsk.intake.{name}")
    except ImportError:
        return None


def exercise_on_hold(session: Session, *, member_id: str) -> bool:
    """True when the intake put exercise on hold (a red flag awaiting review)."""
    check = getattr(intake_module("submit"), "exercise_on_hold", None)
    return bool(check(session, member_id=member_id)) if check else False


def intake_draft_input(session: Session, *, member_id: str) -> DraftInput | None:
    """Drafting input from the member's stored intake, if the intake capability stored one."""
    getter = getattr(intake_module("submit"), "get_submission", None)
    submission = getter(session, member_id=member_id) if getter else None
    if submission is None:
        return None
    from openmsk.intake.document import IntakeError, summarize
    from openmsk.intake.routing import route

    try:
        summary = summarize(submission.document["answers"], submission.document.get("psfs_activities", []))
    except (IntakeError, KeyError, TypeError):
        return None
    # The stored hold wins over a fresh routing: a physician may have released it after review.
    decision = dataclasses.replace(route(summary), exercise_hold=bool(submission.exercise_hold))
    return input_from_intake(summary, decision)


def normalize_items(items: Sequence[dict], library: Library) -> list[dict]:
    """Check each item's exercise id and dose; returns the stored shape or raises Invalid naming the field."""
    out, seen, details = [], set(), []
    for i, item in enumerate(items):
        exercise = library.get(item["exercise_id"])
        if exercise is None:
            details.append(ErrorDetail(location=["items", i, "exercise_id"], message="unknown exercise id"))
            continue
        if exercise.id in seen:
            details.append(ErrorDetail(location=["items", i, "exercise_id"], message="listed twice"))
        seen.add(exercise.id)
        try:
            dose = parse_dose(item["dose"], where="dose") if item.get("dose") else exercise.dose
        except LibraryError as exc:
            details.append(ErrorDetail(location=["items", i, "dose"], message=str(exc)))
            continue
        out.append({"exercise_id": exercise.id, "dose": dose.as_dict(),
                    "rationale": (item.get("rationale") or "").strip()})
    if details:
        raise Invalid("the plan has invalid items", details=details)
    return out


def current_plan(session: Session, *, member_id: str) -> PlanVersion | None:
    """The member's approved plan version, if any."""
    return session.scalar(select(PlanVersion).where(PlanVersion.member_id == member_id,
                                                    PlanVersion.status == "approved"))


def plan_versions(session: Session, *, member_id: str, approved_only: bool = False) -> list[PlanVersion]:
    """Every version, newest first (members see approved and formerly approved ones only)."""
    query = select(PlanVersion).where(PlanVersion.member_id == member_id).order_by(PlanVersion.version.desc())
    if approved_only:
        query = query.where(PlanVersion.approved_at.is_not(None))
    return list(session.scalars(query))


def get_version(session: Session, *, member_id: str, version: int) -> PlanVersion:
    """One version, or NotFound."""
    found = session.scalar(select(PlanVersion).where(PlanVersion.member_id == member_id,
                                                     PlanVersion.version == version))
    if found is None:
        raise NotFound("no plan version with this number")
    return found


def _changes(before: list[dict], after: list[dict]) -> list[dict]:
    old = {i["exercise_id"]: i for i in before}
    new = {i["exercise_id"]: i for i in after}
    changes = [{"op": "added", "exercise_id": e} for e in new if e not in old]
    changes += [{"op": "removed", "exercise_id": e} for e in old if e not in new]
    changes += [{"op": "dose", "exercise_id": e, "from": old[e]["dose"], "to": new[e]["dose"]}
                for e in new if e in old and old[e]["dose"] != new[e]["dose"]]
    return changes


def write_version(session: Session, *, member_id: str, items: list[dict], actor: Principal | None, source: str,
                  note: str, sessions_per_week: int = 3, target_minutes: float = 15.0,
                  status: str = "draft") -> PlanVersion:
    """Store a new version (items already normalized) with what changed since the current plan."""
    if session.get(Member, member_id) is None:
        raise NotFound("no member with this id")
    base = current_plan(session, member_id=member_id)
    number = (session.scalar(select(func.max(PlanVersion.version)).where(PlanVersion.member_id == member_id))
              or 0) + 1
    now = utcnow()
    plan = PlanVersion(member_id=member_id, version=number, status="draft", items=items,
                       sessions_per_week=sessions_per_week, target_minutes=target_minutes,
                       library_version=load_library().version, source=source, note=note,
                       changes=_changes(base.items if base else [], items),
                       created_by=actor.user_id if actor else None, created_at=now)
    session.add(plan)
    session.flush()
    audit.record(session, actor, action="create", resource_type="ExercisePlan", resource_id=plan.id,
                 member_id=member_id, detail={"version": number, "source": source})
    if status == "approved":
        approve(session, member_id=member_id, version=number, actor=actor)
    return plan


def draft_for_member(session: Session, *, member_id: str, actor: Principal | None,
                     data: DraftInput | None = None) -> PlanVersion:
    """Draft a plan from the given inputs or the stored intake; a red-flag hold means no plan."""
    if exercise_on_hold(session, member_id=member_id):
        raise Conflict("exercise is on hold after a red-flag screen; a physician must release it first")
    data = data or intake_draft_input(session, member_id=member_id)
    if data is None:
        raise Invalid("no intake on file for this member: give regions and pain to draft from")
    library = library_for(session)
    if unknown := [r for r in data.regions if r not in ("general", *_regions())]:
        raise Invalid(f"unknown regions: {', '.join(unknown)}")
    draft = draft_plan(data, library)
    if draft.held:
        raise Conflict("exercise is on hold after a red-flag screen; a physician must release it first")
    return write_version(session, member_id=member_id, items=[i.as_dict() for i in draft.items], actor=actor,
                         source="draft", note="Drafted from the intake; " + " ".join(draft.notes),
                         sessions_per_week=draft.sessions_per_week, target_minutes=draft.target_minutes)


def _regions() -> tuple[str, ...]:
    from openmsk.exercise.library import REGIONS

    return REGIONS


def approve(session: Session, *, member_id: str, version: int, actor: Principal | None, note: str = "") -> PlanVersion:
    """Make a draft the member's current plan; the previous plan and older drafts are superseded."""
    plan = get_version(session, member_id=member_id, version=version)
    if plan.status != "draft":
        raise Conflict(f"plan version {version} is {plan.status}, not a draft")
    if exercise_on_hold(session, member_id=member_id):
        raise Conflict("exercise is on hold after a red-flag screen; a physician must release it first")
    for other in session.scalars(select(PlanVersion).where(
            PlanVersion.member_id == member_id, PlanVersion.id != plan.id,
            PlanVersion.status.in_(("approved", "draft")), PlanVersion.version < plan.version)):
        other.status = "superseded"
    session.flush()
    plan.status, plan.approved_by, plan.approved_at = "approved", actor.user_id if actor else None, utcnow()
    if note:
        plan.note = f"{plan.note}\nApproval: {note}".strip()
    session.flush()
    audit.record(session, actor, action="update", resource_type="ExercisePlan", resource_id=plan.id,
                 member_id=member_id, detail={"version": version, "status": "approved"})
    return plan


def latest_draft(session: Session, *, member_id: str) -> PlanVersion | None:
    """The newest draft waiting for approval, if any."""
    return session.scalar(select(PlanVersion).where(PlanVersion.member_id == member_id,
                                                    PlanVersion.status == "draft")
                          .order_by(PlanVersion.version.desc()).limit(1))
