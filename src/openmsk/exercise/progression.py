"""Progression and regression proposals from logged sessions: documented pure rules (no DB or web).

The machine proposes, the physical therapist decides: every proposal waits for approval, except a
"safe" progression (more of the same exercise, never a new one) where a program turned auto-apply on.

Rules, in the order they are checked for each exercise of the latest session:
  pain_rise   pain after the exercise at least `pain_rise` points above pain before it -> regression
  pain_high   pain after the exercise at or above `pain_high`                          -> regression
  too_hard    rated "too hard" in the last `too_hard_sessions` sessions that did it    -> regression
  too_easy    rated "too easy" in the last `too_easy_sessions` sessions with stable pain -> progression
Regressions also notify the PT (a task). A regression swaps in the easier variant when there is one,
else lowers the dose; a progression raises the dose until `max_sets`, then swaps in the harder variant.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace

from openmsk.exercise.library import MAX_HOLD_S, MAX_REPS, Dose, Library

DIFFICULTIES = ("too_easy", "right", "too_hard")


@dataclass(frozen=True)
class ProgressionPolicy:
    """Rule parameters; each says where it comes from."""

    # A 2-point change on the 0-10 NRS is the clinically important difference in chronic pain
    # (Farrar JT et al., Pain 2001;94(2):149-158); using it as a within-session alarm is program policy.
    pain_rise: int = 2
    # The pain-monitoring model accepts exercise pain up to 5/10 (Silbernagel KG et al., Am J Sports
    # Med 2007;35(6):897-906); 7 as the alarm line is program policy, set in the issue.
    pain_high: int = 7
    # Program policy (no published cut-off): sessions in a row before a proposal.
    too_easy_sessions: int = 2
    too_hard_sessions: int = 2
    # Program policy: "stable" pain allows a rise below this many points within the session.
    stable_margin: int = 1
    # Program policy: dose steps.
    max_sets: int = 3
    reps_step: int = 2
    hold_step_s: int = 10


@dataclass(frozen=True)
class EntryView:
    """What the rules read from one logged exercise."""

    exercise_id: str
    difficulty: str | None = None
    pain_before: int | None = None
    pain_after: int | None = None
    skipped: bool = False


@dataclass(frozen=True)
class Proposal:
    """A proposed change to one plan item."""

    kind: str  # progression | regression
    rule: str
    exercise_id: str
    new_exercise_id: str
    new_dose: Dose
    reason: str
    safe: bool  # a dose increase of the same exercise: the only kind a program may auto-apply
    notify_pt: bool


def pain_spike(entry: EntryView, policy: ProgressionPolicy = ProgressionPolicy()) -> str | None:
    """`pain_rise` or `pain_high` when the entry's pain crossed a regression line, else None."""
    if entry.skipped or entry.pain_after is None:
        return None
    if entry.pain_before is not None and entry.pain_after - entry.pain_before >= policy.pain_rise:
        return "pain_rise"
    if entry.pain_after >= policy.pain_high:
        return "pain_high"
    return None


def _lower(dose: Dose) -> Dose:
    if dose.minutes is not None:
        return Dose(minutes=max(1, dose.minutes // 2))
    if dose.sets > 1:
        return replace(dose, sets=dose.sets - 1)
    if dose.reps is not None:
        return replace(dose, reps=max(1, dose.reps * 2 // 3))
    return replace(dose, hold_s=max(5, (dose.hold_s or 10) * 2 // 3))


def _raise(dose: Dose, policy: ProgressionPolicy) -> Dose | None:
    if dose.minutes is not None:
        return Dose(minutes=dose.minutes + 2) if dose.minutes + 2 <= 30 else None
    if dose.sets < policy.max_sets:
        return replace(dose, sets=dose.sets + 1)
    if dose.reps is not None and dose.reps + policy.reps_step <= min(MAX_REPS, 15):
        return replace(dose, reps=dose.reps + policy.reps_step)
    if dose.hold_s is not None and dose.hold_s + policy.hold_step_s <= min(MAX_HOLD_S, 60):
        return replace(dose, hold_s=dose.hold_s + policy.hold_step_s)
    return None


def _history(sessions: Sequence[Sequence[EntryView]], exercise_id: str) -> list[EntryView]:
    """The entries of this exercise that were done, newest first."""
    return [e for entries in sessions for e in entries if e.exercise_id == exercise_id and not e.skipped]


def propose(plan: dict[str, Dose], sessions: Sequence[Sequence[EntryView]], library: Library,
            policy: ProgressionPolicy = ProgressionPolicy()) -> list[Proposal]:
    """Proposals for the plan (exercise id -> dose) from sessions, newest first; at most one per exercise."""
    if not sessions:
        return []
    proposals = []
    for entry in sessions[0]:
        if entry.exercise_id not in plan or entry.skipped:
            continue
        dose, ex = plan[entry.exercise_id], library.get(entry.exercise_id)
        history = _history(sessions, entry.exercise_id)
        rule = pain_spike(entry, policy)
        if rule is None and len(history) >= policy.too_hard_sessions and all(
                e.difficulty == "too_hard" for e in history[:policy.too_hard_sessions]):
            rule = "too_hard"
        if rule is not None:
            easier = library.get(ex.easier) if ex and ex.easier else None
            why = {"pain_rise": f"pain rose by {policy.pain_rise} or more points during the exercise",
                   "pain_high": f"pain reached {policy.pain_high}/10 or more",
                   "too_hard": f"rated too hard in {policy.too_hard_sessions} sessions in a row"}[rule]
            if easier is not None:
                proposals.append(Proposal("regression", rule, entry.exercise_id, easier.id, easier.dose,
                                          f"Regress to the easier variant: {why}.", False, True))
            else:
                proposals.append(Proposal("regression", rule, entry.exercise_id, entry.exercise_id, _lower(dose),
                                          f"Lower the dose: {why}.", False, True))
            continue
        recent = history[:policy.too_easy_sessions]
        if len(recent) == policy.too_easy_sessions and all(
                e.difficulty == "too_easy" and _stable(e, policy) for e in recent):
            why = f"rated too easy in {policy.too_easy_sessions} sessions in a row with stable pain"
            bigger = _raise(dose, policy)
            if bigger is not None:
                proposals.append(Proposal("progression", "too_easy", entry.exercise_id, entry.exercise_id,
                                          bigger, f"Raise the dose: {why}.", True, False))
            elif ex is not None and ex.harder and library.get(ex.harder) is not None:
                harder = library.get(ex.harder)
                proposals.append(Proposal("progression", "too_easy", entry.exercise_id, harder.id, harder.dose,
                                          f"Progress to the harder variant: {why}.", False, False))
    return proposals


def _stable(entry: EntryView, policy: ProgressionPolicy) -> bool:
    if entry.pain_after is None:
        return False
    rise = entry.pain_after - (entry.pain_before if entry.pain_before is not None else entry.pain_after)
    return rise < policy.stable_margin and entry.pain_after < policy.pain_high
