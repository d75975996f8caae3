"""REST API of coaching: goals, check-ins, nudges and preferences, notes, device, medication, body logs."""

from typing import Annotated

from fastapi import APIRouter, Depends, status

from openmsk.auth.policy import CurrentClinician, member_scope
from openmsk.auth.principal import Principal
from openmsk.coaching import service, service_nudges, service_panel
from openmsk.coaching.presenters import device_read, goal_read, medication_read, signal_medication_change
from openmsk.coaching.schemas import (
    CheckInCreate, CheckInRead, DeviceImport, DeviceImportResult, DeviceSessionCreate, DeviceSessionRead,
    DietCreate, DietRead, GoalCreate, GoalRead, GoalStatusUpdate, MedicationChange, MedicationCreate,
    MedicationRead, NoteCreate, NoteRead, NudgeRead, PreferencesBody, PreferencesRead, WeightCreate, WeightRead,
)
from openmsk.coaching.service_notes import TEMPLATES
from openmsk.db import SessionDep
from openmsk.deps import QueueDep
from openmsk.errors import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES, tags=["coaching"])
Goals = Annotated[Principal, Depends(member_scope("Goal"))]
Nudges = Annotated[Principal, Depends(member_scope("Nudge"))]
Notes = Annotated[Principal, Depends(member_scope("CoachingNote"))]
Devices = Annotated[Principal, Depends(member_scope("DeviceSession"))]
Meds = Annotated[Principal, Depends(member_scope("MedicationStatement"))]
Body = Annotated[Principal, Depends(member_scope("BodyLog"))]
BASE = "/members/{member_id}/coaching"


@router.get(f"{BASE}/goals", response_model=list[GoalRead])
def list_goals(member_id: str, session: SessionDep, _: Goals, include_closed: bool = False) -> list[GoalRead]:
    """Goals with streak and the last seven days."""
    return [goal_read(p) for p in service.goals_progress(session, member_id=member_id, include_closed=include_closed)]


@router.post(f"{BASE}/goals", response_model=GoalRead, status_code=status.HTTP_201_CREATED)
def create_goal(member_id: str, body: GoalCreate, session: SessionDep, principal: Goals):
    """Record a SMART goal agreed with the coach."""
    goal = service.create_goal(session, member_id=member_id, data=body, actor=principal)
    return next(goal_read(p) for p in service.goals_progress(session, member_id=member_id) if p.goal.id == goal.id)


@router.patch(f"{BASE}/goals/{{goal_id}}", response_model=GoalRead)
def update_goal(member_id: str, goal_id: str, body: GoalStatusUpdate, session: SessionDep, principal: Goals):
    """Mark a goal achieved, dropped or active."""
    goal = service.set_goal_status(session, member_id=member_id, goal_id=goal_id, status=body.status, actor=principal)
    return GoalRead.model_validate(goal)


@router.post(f"{BASE}/goals/{{goal_id}}/checkins", response_model=CheckInRead, status_code=status.HTTP_201_CREATED)
def check_in(member_id: str, goal_id: str, body: CheckInCreate, session: SessionDep, principal: Goals):
    """Record the day's value (a second check-in for the same day replaces it)."""
    return service.record_checkin(session, member_id=member_id, goal_id=goal_id, data=body, actor=principal)


@router.get(f"{BASE}/preferences", response_model=PreferencesRead)
def read_preferences(member_id: str, session: SessionDep, _: Nudges):
    """Quiet hours, caps, opt-outs and channels."""
    return service.get_preferences(session, member_id=member_id)


@router.put(f"{BASE}/preferences", response_model=PreferencesRead)
def write_preferences(member_id: str, body: PreferencesBody, session: SessionDep, principal: Nudges):
    """Replace the delivery settings; opt-outs apply from the next decision."""
    return service.set_preferences(session, member_id=member_id, data=body, actor=principal)


@router.get(f"{BASE}/nudges", response_model=list[NudgeRead])
def list_nudges(member_id: str, session: SessionDep, _: Nudges):
    """Nudges delivered to the member (shown in the app)."""
    return service_nudges.member_nudges(session, member_id=member_id)


@router.post(f"{BASE}/nudges/{{nudge_id}}/response", response_model=NudgeRead)
def respond_to_nudge(member_id: str, nudge_id: str, session: SessionDep, principal: Nudges):
    """The member opened or acted on a nudge."""
    return service_nudges.respond(session, member_id=member_id, nudge_id=nudge_id, actor=principal)


@router.get(f"{BASE}/notes", response_model=list[NoteRead])
def list_notes(member_id: str, session: SessionDep, principal: Notes):
    """Messages and diet comments (members); plus coaching-session notes (care team)."""
    topics = ("message", "diet") if principal.is_member else ("session", "message", "diet")
    return service.notes(session, member_id=member_id, topics=topics)


@router.post(f"{BASE}/notes", response_model=NoteRead, status_code=status.HTTP_201_CREATED)
def create_note(member_id: str, body: NoteCreate, session: SessionDep, principal: Notes):
    """A session note, a message to the member (template fields filled) or a diet comment (care team)."""
    return service.add_note(session, member_id=member_id, data=body, actor=principal)


@router.get("/coaching/templates", response_model=dict[str, str])
def message_templates(_: CurrentClinician) -> dict[str, str]:
    """Message templates; {given_name}, {coach_name}, {goal} and {streak} are filled when sent."""
    return TEMPLATES


@router.get("/coaching/panel")
def coach_panel(session: SessionDep, principal: CurrentClinician) -> list[dict]:
    """The clinician's members, those needing attention first, with the reasons."""
    return [{"member_id": r.member_id, "name": r.name, "open_handoffs": r.open_handoffs,
             "days_since_activity": r.days_since_activity, "active_goals": r.active_goals, "reasons": r.reasons}
            for r in service_panel.panel(session, principal=principal)]


@router.get(f"{BASE}/device-sessions", response_model=list[DeviceSessionRead])
def list_device_sessions(member_id: str, session: SessionDep, _: Devices):
    """TENS sessions with relief (pain before minus after), newest first."""
    return [device_read(s) for s in service.device_sessions(session, member_id=member_id)]


@router.post(f"{BASE}/device-sessions", response_model=DeviceSessionRead, status_code=status.HTTP_201_CREATED)
def log_device_session(member_id: str, body: DeviceSessionCreate, session: SessionDep, principal: Devices):
    """Log one TENS session by hand."""
    row = service.record_device_session(session, member_id=member_id, raw=body.model_dump(), actor=principal)
    return device_read(row)


@router.post(f"{BASE}/device-sessions/import", response_model=DeviceImportResult)
def import_device_sessions(member_id: str, body: DeviceImport, session: SessionDep, principal: Devices):
    """Import a device's JSON or CSV export: good rows kept, each rejected row reported."""
    kept, duplicates, rejected = service.import_device_export(session, member_id=member_id, text=body.data,
                                                              fmt=body.format, actor=principal)
    return DeviceImportResult(imported=kept, duplicates=duplicates, rejected=[r.__dict__ for r in rejected])


@router.get(f"{BASE}/medications", response_model=list[MedicationRead])
def list_medications(member_id: str, session: SessionDep, _: Meds):
    """Medications with opioid status and daily MME ('unknown' when the dose is not known)."""
    return [medication_read(m) for m in service.medications(session, member_id=member_id)]


@router.post(f"{BASE}/medications", response_model=MedicationRead, status_code=status.HTTP_201_CREATED)
def add_medication(member_id: str, body: MedicationCreate, session: SessionDep, queue: QueueDep, principal: Meds):
    """Report a medication the member takes (a medication change for the care team)."""
    row = service.add_medication(session, member_id=member_id, data=body, actor=principal)
    signal_medication_change(session, queue, row, "started")
    return medication_read(row)


@router.post(f"{BASE}/medications/{{medication_id}}/change", response_model=list[MedicationRead])
def change_medication(member_id: str, medication_id: str, body: MedicationChange, session: SessionDep,
                      queue: QueueDep, principal: Meds):
    """Stop a medication or change its dose from a day on."""
    old, new = service.change_medication(session, member_id=member_id, medication_id=medication_id, data=body,
                                         actor=principal)
    signal_medication_change(session, queue, new or old, "stopped" if new is None else "dose changed")
    return [medication_read(m) for m in (old, new) if m is not None]


@router.get(f"{BASE}/mme")
def mme_by_week(member_id: str, session: SessionDep, _: Meds) -> dict[str, float | str]:
    """Program week -> highest daily MME that week ('unknown' when a dose is not known)."""
    weeks = service.daily_mme_by_week(session, member_ids=[member_id]).get(member_id, {})
    return {str(w): ("unknown" if v is None else v) for w, v in sorted(weeks.items())}


@router.get(f"{BASE}/weights", response_model=list[WeightRead])
def list_weights(member_id: str, session: SessionDep, _: Body):
    """Weights oldest first with BMI when a height is known."""
    return [WeightRead(id=w.id, measured_on=w.measured_on, weight_kg=w.weight_kg, bmi=bmi)
            for w, bmi in service.weights_with_bmi(session, member_id=member_id)]


@router.post(f"{BASE}/weights", response_model=WeightRead, status_code=status.HTTP_201_CREATED)
def log_weight(member_id: str, body: WeightCreate, session: SessionDep, principal: Body):
    """Record a day's weight."""
    row = service.record_weight(session, member_id=member_id, data=body, actor=principal)
    bmi = dict((w.id, b) for w, b in service.weights_with_bmi(session, member_id=member_id)).get(row.id)
    return WeightRead(id=row.id, measured_on=row.measured_on, weight_kg=row.weight_kg, bmi=bmi)


@router.get(f"{BASE}/diet", response_model=list[DietRead])
def list_diet(member_id: str, session: SessionDep, _: Body):
    """Diet logs, newest first."""
    return service.diet_logs(session, member_id=member_id)


@router.post(f"{BASE}/diet", response_model=DietRead, status_code=status.HTTP_201_CREATED)
def log_diet(member_id: str, body: DietCreate, session: SessionDep, principal: Body):
    """Record a day's diet log."""
    return service.record_diet(session, member_id=member_id, data=body, actor=principal)
