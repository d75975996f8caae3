"""Device (TENS), weight and diet logs: the only writer of those tables."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.auth.principal import Principal
from openmsk.coaching import checks, devicelog
from openmsk.coaching.checks import FieldProblem
from openmsk.coaching.devicelog import DeviceRecord, RejectedRow
from openmsk.coaching.diet import CHECKLIST
from openmsk.coaching.models import DeviceSession, DietLog, NudgePreferences, WeightEntry
from openmsk.coaching.schemas import DietCreate, WeightCreate
from openmsk.coaching.service_common import checked, invalid, local_today, member_or_404
from openmsk.db import utcnow
from openmsk.errors import Conflict, Invalid

# Plausibility bounds shared with the intake's lifestyle questionnaire (input checks only).
WEIGHT_KG = (20.0, 400.0)
HEIGHT_CM = (50.0, 250.0)
SERVINGS_MAX = 50


def device_intensity_max(session: Session, member_id: str) -> float:
    """The member's own device range, else the documented default."""
    prefs = session.get(NudgePreferences, member_id)
    return (prefs.device_max_intensity if prefs and prefs.device_max_intensity
            else devicelog.DEFAULT_INTENSITY_MAX)


def _add_session(session: Session, member_id: str, record: DeviceRecord, source: str) -> DeviceSession | None:
    row = DeviceSession(member_id=member_id, started_at=record.started_at, duration_min=record.duration_min,
                        mode=record.mode, intensity=record.intensity, body_site=record.body_site,
                        pain_before=record.pain_before, pain_after=record.pain_after, source=source)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return None
    return row


def record_device_session(session: Session, *, member_id: str, raw: dict, actor: Principal | None,
                          now: datetime | None = None) -> DeviceSession:
    """Validate and store one session entered by hand; the same start twice is a conflict."""
    member_or_404(session, member_id)
    try:
        record = devicelog.validate_session(raw, now=now or utcnow(),
                                            intensity_max=device_intensity_max(session, member_id))
    except FieldProblem as problem:
        raise invalid(problem) from None
    row = _add_session(session, member_id, record, "manual")
    if row is None:
        raise Conflict("a session starting at this time is already logged")
    audit.record(session, actor, action="create", resource_type="DeviceSession", resource_id=row.id,
                 member_id=member_id)
    return row


def import_device_export(session: Session, *, member_id: str, text: str, fmt: str, actor: Principal | None,
                         now: datetime | None = None) -> tuple[int, int, list[RejectedRow]]:
    """Keep every good row of an export; report each rejected row; rows already logged are skipped."""
    member_or_404(session, member_id)
    try:
        good, rejected = devicelog.parse_export(text, fmt, now=now or utcnow(),
                                                intensity_max=device_intensity_max(session, member_id))
    except FieldProblem as problem:
        raise invalid(problem) from None
    kept = sum(1 for record in good if _add_session(session, member_id, record, "import") is not None)
    audit.record(session, actor, action="create", resource_type="DeviceSession", member_id=member_id,
                 detail={"imported": kept, "rejected": len(rejected)})
    return kept, len(good) - kept, rejected


def device_sessions(session: Session, *, member_id: str, limit: int = 500) -> list[DeviceSession]:
    """The member's sessions, newest first (callers audit the read)."""
    return list(session.scalars(select(DeviceSession).where(DeviceSession.member_id == member_id)
                                .order_by(DeviceSession.started_at.desc()).limit(limit)))


def intake_height_cm(session: Session, member_id: str) -> float | None:
    """Height from the member's latest lifestyle assessment, when the intake recorded one."""
    from openmsk.intake.service import score_history

    for assessment in reversed(score_history(session, member_ids=[member_id], instruments=["lifestyle"])):
        answers = assessment.answers if isinstance(assessment.answers, dict) else {}
        height = answers.get("height_cm")
        if isinstance(height, (int, float)) and height > 0:
            return float(height)
    return None


def record_weight(session: Session, *, member_id: str, data: WeightCreate, actor: Principal | None) -> WeightEntry:
    """Record (or replace) a day's weight; a height is needed only when the intake has none."""
    member = member_or_404(session, member_id)
    checked(checks.not_future_day, "measured_on", data.measured_on, local_today(member))
    checked(checks.number, "weight_kg", data.weight_kg, *WEIGHT_KG)
    if data.height_cm is not None:
        checked(checks.number, "height_cm", data.height_cm, *HEIGHT_CM)
    row = session.scalar(select(WeightEntry).where(WeightEntry.member_id == member_id,
                                                   WeightEntry.measured_on == data.measured_on))
    if row is None:
        row = WeightEntry(member_id=member_id, measured_on=data.measured_on)
        session.add(row)
    row.weight_kg, row.height_cm = data.weight_kg, data.height_cm
    session.flush()
    audit.record(session, actor, action="create", resource_type="WeightEntry", resource_id=row.id,
                 member_id=member_id)
    return row


def weights_with_bmi(session: Session, *, member_id: str) -> list[tuple[WeightEntry, float | None]]:
    """Weights oldest first with BMI (kg/m2, WHO) from the intake height, else the latest entered one."""
    rows = list(session.scalars(select(WeightEntry).where(WeightEntry.member_id == member_id)
                                .order_by(WeightEntry.measured_on)))
    height = intake_height_cm(session, member_id)
    entered = None
    result = []
    for row in rows:
        entered = row.height_cm or entered
        use = height or entered
        result.append((row, round(row.weight_kg / (use / 100) ** 2, 1) if use else None))
    return result


def record_diet(session: Session, *, member_id: str, data: DietCreate, actor: Principal | None) -> DietLog:
    """Record (or replace) a day's diet log."""
    member = member_or_404(session, member_id)
    checked(checks.not_future_day, "day", data.day, local_today(member))
    checked(checks.number, "ssb_servings", data.ssb_servings, 0, SERVINGS_MAX, whole=True)
    checked(checks.number, "fruit_veg_servings", data.fruit_veg_servings, 0, SERVINGS_MAX, whole=True)
    unknown = [item for item in data.checklist if item not in CHECKLIST]
    if unknown:
        raise Invalid("checklist has an unknown item")
    row = session.scalar(select(DietLog).where(DietLog.member_id == member_id, DietLog.day == data.day))
    if row is None:
        row = DietLog(member_id=member_id, day=data.day)
        session.add(row)
    row.ssb_servings, row.fruit_veg_servings = data.ssb_servings, data.fruit_veg_servings
    row.checklist = sorted(set(data.checklist))
    session.flush()
    audit.record(session, actor, action="create", resource_type="DietLog", resource_id=row.id, member_id=member_id)
    return row


def diet_logs(session: Session, *, member_id: str, limit: int = 90) -> list[DietLog]:
    """The member's diet logs, newest first (callers audit the read)."""
    return list(session.scalars(select(DietLog).where(DietLog.member_id == member_id)
                                .order_by(DietLog.day.desc()).limit(limit)))
