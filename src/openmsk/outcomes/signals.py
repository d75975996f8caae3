"""The "not improving" signal (pure): too little pain improvement by a program week despite adherence."""

from collections.abc import Mapping
from dataclasses import dataclass

from openmsk.outcomes.definitions import RESPONDER_MODERATE_PCT


@dataclass(frozen=True)
class NotImprovingParams:
    """The rule's parameters; only the 30% figure comes from a clinical source."""

    # Program parameter (no clinical source fixes it): the week by which improvement is expected.
    evaluation_week: int = 6
    # IMMPACT (Dworkin RH et al., J Pain 2008;9(2):105-121): >= 30% reduction is "moderately
    # important"; below it the member is "not improving".
    min_improvement_pct: float = RESPONDER_MODERATE_PCT
    # Program parameter (not a clinical threshold): "good adherence" = at least this many completed
    # exercise sessions per week on average over weeks 0 .. evaluation_week - 1.
    min_sessions_per_week: float = 2.0
    # The rule stops at the end of the 12-week program.
    last_week: int = 12


@dataclass(frozen=True)
class NotImproving:
    """Why the signal fired (numbers for the care team's task, never for logs)."""

    week: int
    baseline: float
    latest: float
    improvement_pct: float
    sessions_per_week: float


def adherence(sessions: Mapping[int, int], params: NotImprovingParams) -> float:
    """Mean completed sessions per week over weeks 0 .. evaluation_week - 1 (a missing week is 0).

    >>> adherence({0: 3, 1: 2, 5: 1}, NotImprovingParams(evaluation_week=6))
    1.0
    """
    weeks = range(params.evaluation_week)
    return sum(sessions.get(w, 0) for w in weeks) / len(weeks)


def not_improving(pain: Mapping[int, float], sessions: Mapping[int, int] | None, *, current_week: int,
                  params: NotImprovingParams = NotImprovingParams()) -> NotImproving | None:
    """The signal for one member, or None (no baseline > 0, no score yet, improving, or adherence unknown or low)."""
    baseline = pain.get(0)
    if baseline is None or baseline <= 0 or sessions is None:
        return None
    end = min(current_week, params.last_week)
    scored = [w for w in pain if params.evaluation_week <= w <= end]
    if not scored:
        return None
    week = max(scored)
    latest = pain[week]
    improvement = (baseline - latest) / baseline * 100.0
    if improvement >= params.min_improvement_pct:
        return None
    rate = adherence(sessions, params)
    if rate < params.min_sessions_per_week:
        return None
    return NotImproving(week=week, baseline=baseline, latest=latest, improvement_pct=improvement,
                        sessions_per_week=rate)
