"""The intake document a member submits, and its pure summary: every score, flag and fact routing needs.

Shape (JSON): {"answers": {"<instrument id>": [item answers] | {named answers}}, "psfs_activities": [...]}
The instruments nrs, phq9, gad7, red_flags and lifestyle (with body_regions) are required; peg, psfs,
odi, ndi, koos_jr, hoos_jr and quickdash are optional. See docs/intake-document.md.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from openmsk.intake.instruments.base import Score, ScoringError
from openmsk.intake.scoring import instrument_ids, score

REQUIRED = ("nrs", "phq9", "gad7", "red_flags", "lifestyle")
# Region-specific function instruments and the body regions they measure.
FUNCTION_BY_REGION = {"low_back": "odi", "neck": "ndi", "knee": "koos_jr", "hip": "hoos_jr",
                      "shoulder": "quickdash", "elbow": "quickdash", "wrist_hand": "quickdash"}
MAX_PSFS_ACTIVITIES = 5


class IntakeError(ValueError):
    """The document is incomplete or an answer is invalid; the message names the instrument and item."""


@dataclass(frozen=True)
class IntakeSummary:
    """What the intake says about the member, as plain values."""

    scores: Mapping[str, Score]
    regions: tuple[str, ...]
    goals: tuple[str, ...]
    psfs_activities: tuple[str, ...]
    pain: float
    phq9: float
    gad7: float
    self_harm_risk: bool
    red_flags: tuple[str, ...]
    bmi: float | None = None
    opioid_use: str | None = None
    surgery_intent: int | None = None
    pain_duration: str | None = None
    lifestyle_flags: tuple[str, ...] = field(default=())

    def total(self, instrument: str) -> float | None:
        """The total of an instrument, if it was answered."""
        found = self.scores.get(instrument)
        return found.total if found else None


def summarize(answers: Mapping[str, object], psfs_activities: list[str] | tuple[str, ...] = ()) -> IntakeSummary:
    """Score every instrument of the document and gather the facts; raises IntakeError on bad input."""
    missing = [i for i in REQUIRED if i not in answers]
    if missing:
        raise IntakeError(f"missing instruments: {', '.join(missing)}")
    unknown = sorted(set(answers) - set(instrument_ids()))
    if unknown:
        raise IntakeError(f"unknown instruments: {', '.join(unknown)}")
    if len(psfs_activities) > MAX_PSFS_ACTIVITIES:
        raise IntakeError(f"psfs_activities: at most {MAX_PSFS_ACTIVITIES} activities")
    scores: dict[str, Score] = {}
    for instrument, given in answers.items():
        try:
            scores[instrument] = score(instrument, given)
        except ScoringError as exc:
            raise IntakeError(str(exc)) from None
    life = scores["lifestyle"].subscores
    regions = tuple(life.get("body_regions") or ())
    if not regions:
        raise IntakeError("lifestyle item body_regions: choose at least one region")
    red = tuple(f.split(":", 1)[1] for f in scores["red_flags"].flags if f.startswith("red_flag:"))
    return IntakeSummary(
        scores=scores, regions=regions, goals=tuple(life.get("goals") or ()),
        psfs_activities=tuple(psfs_activities), pain=scores["nrs"].total, phq9=scores["phq9"].total,
        gad7=scores["gad7"].total, self_harm_risk="self_harm_risk" in scores["phq9"].flags, red_flags=red,
        bmi=life.get("bmi"), opioid_use=life.get("opioid_use"), surgery_intent=life.get("surgery_intent"),
        pain_duration=life.get("pain_duration_category"), lifestyle_flags=scores["lifestyle"].flags,
    )
