"""A member's own data as FHIR R4 resources: the care summary export and the FHIR API's own resources."""

from __future__ import annotations

import importlib
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from openmsk.careteam.service import care_team
from openmsk.db import utcnow
from openmsk.errors import Invalid
from openmsk.interop import fhir_build as build
from openmsk.members.models import Member

INSTRUMENTS = ("nrs", "phq9", "gad7", "lifestyle", *build.FUNCTION_INSTRUMENTS)


def _contract(module: str, name: str):
    """A contract function of a capability built in parallel, or None while it does not exist."""
    try:
        return getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None


def _history(session: Session, member_id: str) -> list:
    score_history = _contract("openmsk.intake.service", "score_history")
    return score_history(session, member_ids=[member_id], instruments=INSTRUMENTS) if score_history else []


def _exercise_ids(session: Session, member_id: str) -> list[str]:
    current = _contract("openmsk.exercise.service", "current_plan_exercise_ids")
    try:
        return list(current(session, member_id=member_id)) if current else []
    except Exception:  # noqa: BLE001 - a parallel capability's failure must not block the summary
        return []


def member_resources(session: Session, member: Member) -> list[dict[str, Any]]:
    """Patient, CareTeam, CarePlan, Goal, Observations, QuestionnaireResponses and a progress note."""
    history = _history(session, member.id)
    team = [(c.id, c.display_name, a.role) for a, c in care_team(session, member_id=member.id)]
    resources = [build.patient(member), build.care_team(member.id, team),
                 build.care_plan(member, _exercise_ids(session, member.id)), build.goal(member)]
    for a in history:
        resources.extend(build.assessment_observations(a))
    resources.extend(build.questionnaire_response(a) for a in history if a.instrument != "lifestyle")
    now = utcnow()
    resources.append(build.progress_note(member, build.note_lines(member, history, now.date()), now))
    return resources


def validate_r4(resource: dict[str, Any]) -> dict[str, Any]:
    """Check a resource against the fhir.resources R4B models (R4-compatible); Invalid names the element."""
    from fhir.resources.R4B import get_fhir_model_class

    try:
        model = get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise Invalid(f"{resource['resourceType']}.{where}: {first.get('type', 'invalid')}") from None
    return model.model_dump(mode="json", exclude_none=True)


def care_summary_bundle(session: Session, member: Member, *, base_url: str = "http://localhost/fhir/R4") -> dict[str, Any]:
    """The member's care summary as a validated transaction Bundle (PUT by id, so re-sending updates)."""
    entries = []
    for resource in member_resources(session, member):
        validate_r4(resource)
        entries.append({"fullUrl": f"{base_url}/{resource['resourceType']}/{resource['id']}",
                        "resource": resource,
                        "request": {"method": "PUT", "url": f"{resource['resourceType']}/{resource['id']}"}})
    bundle = {"resourceType": "Bundle", "type": "transaction", "timestamp": build._instant(utcnow()),
              "entry": entries}
    validate_r4(bundle)
    return bundle
