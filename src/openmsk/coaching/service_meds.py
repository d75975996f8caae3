"""Medication log: the only writer of coaching_medications; opioid MME per program week."""

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.auth.principal import Principal
from openmsk.coaching import checks
from openmsk.coaching.medweeks import MedPeriod, weekly_mme
from openmsk.coaching.models import Medication
from openmsk.coaching.schemas import MedicationChange, MedicationCreate
from openmsk.coaching.service_common import checked, local_today, member_or_404
from openmsk.errors import Conflict, Invalid, NotFound
from openmsk.members.models import Member


def period(row: Medication) -> MedPeriod:
    """The pure value of a stored medication row."""
    return MedPeriod(row.name, row.started_on, row.stopped_on, row.dose_value, row.dose_unit,
                     row.doses_per_day, tuple(row.rxcuis or ()))


def add_medication(session: Session, *, member_id: str, data: MedicationCreate,
                   actor: Principal | None) -> Medication:
    """Record a medication the member takes."""
    member = member_or_404(session, member_id)
    checked(checks.not_future_day, "started_on", data.started_on, local_today(member))
    row = Medication(member_id=member_id, name=data.name, rxcuis=[c.strip() for c in data.rxcuis if c.strip()],
                     dose_value=data.dose_value, dose_unit=data.dose_unit, doses_per_day=data.doses_per_day,
                     started_on=data.started_on)
    session.add(row)
    session.flush()
    audit.record(session, actor, action="create", resource_type="MedicationStatement", resource_id=row.id,
                 member_id=member_id)
    return row


def change_medication(session: Session, *, member_id: str, medication_id: str, data: MedicationChange,
                      actor: Principal | None) -> tuple[Medication, Medication | None]:
    """Stop a medication, or change its dose from a day on; returns (old row, new row or None)."""
    member = member_or_404(session, member_id)
    row = session.get(Medication, medication_id)
    if row is None or row.member_id != member_id:
        raise NotFound("no medication with this id")
    if row.stopped_on is not None:
        raise Conflict("this medication is already stopped; add it again to restart it")
    checked(checks.not_future_day, "on", data.on, local_today(member))
    if data.on < row.started_on:
        raise Invalid("on cannot be before the medication's start")
    if not data.stop and data.dose_value is None and data.doses_per_day is None:
        raise Invalid("dose_value or doses_per_day is required for a dose change")
    row.stopped_on = data.on
    new = None
    if not data.stop:
        new = Medication(member_id=member_id, name=row.name, rxcuis=list(row.rxcuis or []),
                         dose_value=data.dose_value if data.dose_value is not None else row.dose_value,
                         dose_unit=data.dose_unit or row.dose_unit,
                         doses_per_day=data.doses_per_day if data.doses_per_day is not None else row.doses_per_day,
                         started_on=data.on, replaces_id=row.id)
        session.add(new)
    session.flush()
    audit.record(session, actor, action="update", resource_type="MedicationStatement", resource_id=row.id,
                 member_id=member_id, detail={"change": "stop" if data.stop else "dose"})
    return row, new


def medications(session: Session, *, member_id: str, current_only: bool = False) -> list[Medication]:
    """The member's medications, newest start first (callers audit the read)."""
    query = select(Medication).where(Medication.member_id == member_id)
    if current_only:
        query = query.where(Medication.stopped_on.is_(None))
    return list(session.scalars(query.order_by(Medication.started_on.desc(), Medication.created_at.desc())))


def daily_mme_by_week(session: Session, *, member_ids: Iterable[str],
                      through: dict[str, date] | None = None) -> dict[str, dict[int, float | None]]:
    """Member id -> program week -> highest daily MME that week (None = unknown); members with a log only."""
    ids = list(dict.fromkeys(member_ids))
    if not ids:
        return {}
    rows: dict[str, list[MedPeriod]] = {}
    for row in session.scalars(select(Medication).where(Medication.member_id.in_(ids))):
        rows.setdefault(row.member_id, []).append(period(row))
    result = {}
    for member in session.scalars(select(Member).where(Member.id.in_(list(rows)))):
        last = (through or {}).get(member.id) or local_today(member)
        result[member.id] = weekly_mme(rows[member.id], member.program_start, last)
    return result
