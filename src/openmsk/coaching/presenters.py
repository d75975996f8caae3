"""Shapes stored rows for responses and pages, and emits the medication-change signal."""

from datetime import UTC, datetime

from openmsk.coaching.medweeks import MedPeriod
from openmsk.coaching.models import DeviceSession, Medication
from openmsk.coaching.schemas import DeviceSessionRead, GoalRead, MedicationRead
from openmsk.coaching.service_goals import GoalProgress
from openmsk.jobs import emit_after_commit


def goal_read(progress: GoalProgress) -> GoalRead:
    """A goal with its streak and week."""
    week = progress.week
    return GoalRead.model_validate(progress.goal).model_copy(update={
        "streak": progress.streak, "days_met_this_week": week.days_met, "days_logged_this_week": week.days_logged,
        "average_this_week": week.average, "on_track": week.on_track})


def device_read(row: DeviceSession) -> DeviceSessionRead:
    """A session with its relief."""
    return DeviceSessionRead.model_validate(row).model_copy(update={"relief": row.pain_before - row.pain_after})


def medication_read(row: Medication) -> MedicationRead:
    """A medication with opioid status and its daily MME, 'unknown' for an opioid whose dose is not known."""
    period = MedPeriod(row.name, row.started_on, row.stopped_on, row.dose_value, row.dose_unit,
                       row.doses_per_day, tuple(row.rxcuis or ()))
    opioid = period.opioid
    mme = period.mme() if opioid else None
    return MedicationRead.model_validate(row).model_copy(update={
        "opioid": opioid, "daily_mme": ("unknown" if mme is None else mme) if opioid else None})


def signal_medication_change(session, queue, row: Medication, what: str) -> None:
    """Tell escalation a medication changed (signal.reported, kind medication_change) once committed."""
    emit_after_commit(session, queue, "signal.reported", {
        "member_id": row.member_id, "kind": "medication_change",
        "occurred_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "signal_id": f"medication:{row.id}", "text": f"Member reported a medication change ({what})."})
