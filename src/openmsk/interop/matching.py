"""Pure patient-to-member matching by demographics, with an explicit score.

The weights and thresholds are not clinical rules and no standard fixes them; they are documented,
configurable parameters (docs/fhir-import.md). A match below AUTO_LINK_SCORE is never linked
automatically: it waits in the review queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

WEIGHTS = {"family": 0.35, "given": 0.25, "birth_date": 0.3, "sex": 0.1}
AUTO_LINK_SCORE = 1.0
REVIEW_SCORE = 0.6
_SEXES = {"male", "female", "other", "unknown"}


@dataclass(frozen=True, slots=True)
class Demographics:
    """The fields we compare between a provider's Patient and a member."""

    given: str
    family: str
    birth_date: date | None
    sex: str


def _name(patient: dict[str, Any]) -> dict[str, Any]:
    names = [n for n in patient.get("name") or [] if isinstance(n, dict)]
    official = [n for n in names if n.get("use") == "official"]
    return (official or names or [{}])[0]


def patient_demographics(patient: dict[str, Any]) -> Demographics:
    """Demographics of a FHIR Patient (official name first; missing parts are empty)."""
    name = _name(patient)
    given = name.get("given") or []
    try:
        born = date.fromisoformat(patient["birthDate"]) if isinstance(patient.get("birthDate"), str) else None
    except ValueError:
        born = None
    sex = patient.get("gender") if patient.get("gender") in _SEXES else "unknown"
    return Demographics(str(given[0]) if given else "", str(name.get("family") or ""), born, sex)


def identifiers(patient: dict[str, Any]) -> list[tuple[str, str]]:
    """The (system, value) identifiers of a Patient."""
    return [(i["system"][:255], str(i["value"])[:255]) for i in patient.get("identifier") or []
            if isinstance(i, dict) and i.get("system") and i.get("value")]


def match_score(a: Demographics, b: Demographics) -> float:
    """Weighted agreement of family name, first given name, birth date and sex (0 to 1).

    >>> d = Demographics("Ann", "Lee", date(1970, 1, 2), "female")
    >>> match_score(d, d), match_score(d, Demographics("Anne", "Lee", date(1970, 1, 2), "female"))
    (1.0, 0.75)
    """
    score = 0.0
    if a.family and a.family.strip().lower() == b.family.strip().lower():
        score += WEIGHTS["family"]
    if a.given and a.given.strip().lower() == b.given.strip().lower():
        score += WEIGHTS["given"]
    if a.birth_date and a.birth_date == b.birth_date:
        score += WEIGHTS["birth_date"]
    if a.sex != "unknown" and a.sex == b.sex:
        score += WEIGHTS["sex"]
    return round(score, 4)


def decide(score: float, *, auto_link: float = AUTO_LINK_SCORE, review: float = REVIEW_SCORE) -> str:
    """`linked` at or above auto_link, `review` at or above review, else `unmatched`."""
    if score >= auto_link:
        return "linked"
    return "review" if score >= review else "unmatched"
