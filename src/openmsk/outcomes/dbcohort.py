"""Build the analysis Cohort from stored data (the same rows the CSV loader reads)."""

from dataclasses import dataclass
from datetime import date

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from openmsk.errors import NotFound
from openmsk.intake.service import score_history
from openmsk.members.models import Member, Organization
from openmsk.outcomes import sources
from openmsk.outcomes.cohort import Cohort
from openmsk.outcomes.definitions import N_WEEKS
from openmsk.outcomes.loader import cohort_from_rows

COHORT_INSTRUMENTS = ("nrs", "phq9", "gad7", "lifestyle")
SCORE_COLUMNS = {"nrs": "pain", "phq9": "phq9", "gad7": "gad7"}
# The lifestyle item's answers (openmsk.intake.instruments.lifestyle): any use counts as use.
OPIOID_ANSWERS = {"none": 0, "occasional": 1, "regular": 1}
MULTIPLE_REGIONS = "multiple"


@dataclass(frozen=True)
class CohortFilter:
    """Which members a report covers: one organization, optionally a body region and program-start dates."""

    organization_id: str
    body_region: str | None = None
    enrolled_from: date | None = None
    enrolled_to: date | None = None


def resolve_organization(session: Session, ref: str) -> Organization:
    """An organization by id or exact name."""
    org = session.get(Organization, ref) or session.scalar(select(Organization).where(Organization.name == ref))
    if org is None:
        raise NotFound("no organization with this id or name")
    return org


def age_at(birth: date, on: date) -> int:
    """Whole years of age on a date.

    >>> age_at(date(1970, 6, 2), date(2026, 6, 1)), age_at(date(1970, 6, 2), date(2026, 6, 2))
    (55, 56)
    """
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _cell(value) -> str:
    """CSV text: '' for missing, integral numbers without a decimal point."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _regions(lifestyle: list) -> tuple[str, ...]:
    """Body regions from the earliest lifestyle answer that names any."""
    for assessment in lifestyle:
        regions = (assessment.subscores or {}).get("body_regions")
        if regions:
            return tuple(regions)
    return ()


def _members(session: Session, filters: CohortFilter) -> list[Member]:
    """Members of the organization whose program started in the date range."""
    query = select(Member).where(Member.organization_id == filters.organization_id)
    if filters.enrolled_from:
        query = query.where(Member.program_start >= filters.enrolled_from)
    if filters.enrolled_to:
        query = query.where(Member.program_start <= filters.enrolled_to)
    return list(session.scalars(query.order_by(Member.id)))


def _weekly(assessments: list, sessions: dict[int, int], mme: dict[int, float | None]) -> dict[int, dict]:
    """week -> {column: value} for weeks 0-12; the last score of a week wins (oldest first in)."""
    weeks: dict[int, dict] = {}

    def put(week: int, column: str, value) -> None:
        if value is not None and 0 <= week < N_WEEKS:
            weeks.setdefault(week, {})[column] = value

    for a in assessments:
        if a.instrument in SCORE_COLUMNS:
            put(a.program_week, SCORE_COLUMNS[a.instrument], a.total)
        elif a.instrument == "lifestyle":
            sub = a.subscores or {}
            put(a.program_week, "surgery_intent", sub.get("surgery_intent"))
            put(a.program_week, "opioid_use", OPIOID_ANSWERS.get(sub.get("opioid_use")))
    for week, count in sessions.items():
        put(week, "sessions", count)
    # MME fills opioid use only in weeks with other data: a medication list covers every week up
    # to today, and on its own it would make a member who left look active (retention).
    for week, value in mme.items():
        if value is not None and week in weeks and "opioid_use" not in weeks[week]:
            weeks[week]["opioid_use"] = 1 if value > 0 else 0
    return weeks


def cohort_rows(session: Session, *, filters: CohortFilter) -> tuple[list[dict], bool]:
    """Flat CSV-style rows (real member ids) for the cohort, and whether any member is synthetic."""
    members = _members(session, filters)
    ids = [m.id for m in members]
    history: dict[str, list] = {}
    for a in score_history(session, member_ids=ids, instruments=COHORT_INSTRUMENTS) if ids else []:
        history.setdefault(a.member_id, []).append(a)
    sessions = (sources.sessions_by_week(session, member_ids=ids) or {}) if ids else {}
    mme = (sources.mme_by_week(session, member_ids=ids) or {}) if ids else {}
    rows, synthetic = [], False
    for member in members:
        assessments = history.get(member.id, [])
        regions = _regions([a for a in assessments if a.instrument == "lifestyle"])
        if filters.body_region and filters.body_region not in regions:
            continue
        synthetic |= bool(member.synthetic)
        attributes = {"sex": member.sex, "age": age_at(member.birth_date, member.program_start),
                      "region": regions[0] if len(regions) == 1 else (MULTIPLE_REGIONS if regions else None)}
        weeks = _weekly(assessments, sessions.get(member.id, {}), mme.get(member.id, {}))
        for week in sorted(weeks):
            row = {"member_id": member.id, "week": week} | weeks[week] | attributes
            rows.append({k: _cell(v) for k, v in row.items()})
    return rows, synthetic


def empty_cohort() -> Cohort:
    """A cohort with no members (every count is 0)."""
    return Cohort(member_ids=np.array([], dtype=str), measures={"pain": np.empty((0, N_WEEKS))})


def cohort_from_db(session: Session, *, filters: CohortFilter) -> Cohort:
    """The Cohort for an organization (and filters), exactly as the CSV of the same rows would load."""
    rows, synthetic = cohort_rows(session, filters=filters)
    cohort = cohort_from_rows(rows, source="database") if rows else empty_cohort()
    cohort.synthetic = synthetic
    return cohort
