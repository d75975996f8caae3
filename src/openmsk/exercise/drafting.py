"""Drafting a first exercise plan from the intake summary and routing (pure: no DB or web).

A draft is only a proposal: a physical therapist edits and approves it before the member sees it.
The session length, frequency, exercise count and difficulty caps below are program policy
parameters (no published source prescribes them for a first home-exercise draft); change them in
DraftPolicy. The pain bands used to pick a difficulty cap follow Boonstra et al. (below).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from openmsk.exercise.library import Dose, Exercise, Library

REGION_LABELS = {"low_back": "Low back", "upper_back": "Upper back", "neck": "Neck", "shoulder": "Shoulder",
                 "elbow": "Elbow", "wrist_hand": "Wrist and hand", "hip": "Hip", "knee": "Knee",
                 "ankle_foot": "Ankle and foot", "general": "General mobility and balance"}
# Which kinds of exercise a first plan for each region starts with, in order (program policy:
# mobility first, then motor control and strengthening, then a stretch).
REGION_SLOTS = {
    "low_back": ("mobility", "motor_control", "strengthening", "stretch"),
    "upper_back": ("mobility", "motor_control", "strengthening"),
    "neck": ("mobility", "motor_control", "stretch", "strengthening"),
    "shoulder": ("mobility", "strengthening", "stretch", "strengthening"),
    "elbow": ("mobility", "strengthening", "stretch"),
    "wrist_hand": ("mobility", "strengthening", "mobility"),
    "hip": ("stretch", "strengthening", "strengthening", "mobility"),
    "knee": ("mobility", "strengthening", "strengthening", "stretch"),
    "ankle_foot": ("mobility", "strengthening", "stretch", "balance"),
    "general": ("mobility", "balance", "aerobic"),
}
# Words in a PSFS activity or a goal that point to an exercise practising it (program policy).
ACTIVITY_LINKS = (
    (("stair", "climb", "step"), "step_up"), (("walk", "hike"), "heel_raise"),
    (("lift", "bend", "pick up", "carry", "garden"), "hip_hinge_dowel"),
    (("sit", "stand", "chair", "car", "toilet"), "sit_to_stand"), (("squat", "kneel"), "half_squat"),
    (("run", "jog", "sport", "tennis", "soccer", "football"), "split_squat"),
    (("reach", "overhead", "shelf", "hair", "dress", "throw"), "shoulder_flexion"),
    (("grip", "jar", "typing", "type", "write", "hold"), "grip_squeeze"),
    (("drive", "turn my head", "look over", "reverse"), "neck_rotation"),
    (("balance", "fall", "uneven"), "tandem_stance"),
)
GOAL_LINKS = {"return_to_sport": "single_leg_stance", "move_better": "cat_cow", "return_to_work": "sit_to_stand"}


@dataclass(frozen=True)
class DraftPolicy:
    """The parameters of a first draft; all are program policy unless a comment cites a source."""

    target_minutes: float = 15.0
    sessions_per_week: int = 3
    min_exercises: int = 5
    max_exercises: int = 8
    max_regions: int = 3
    seconds_per_rep: float = 3.0
    rest_between_sets_s: float = 20.0
    transition_s: float = 20.0
    # NRS bands for chronic musculoskeletal pain: 0-5 mild, 6-7 moderate, 8-10 severe
    # (Boonstra AM et al., Pain 2014;155(12):2545-2550). The difficulty cap per band is program policy.
    moderate_pain: float = 6
    severe_pain: float = 8
    cap_mild: int = 3
    cap_moderate: int = 2
    cap_severe: int = 2
    cap_high_risk: int = 2


@dataclass(frozen=True)
class DraftInput:
    """What drafting needs from the intake: plain values, so a PT or a test can give them directly."""

    regions: tuple[str, ...]
    pain: float = 0
    risk_level: str = "low"
    psfs_activities: tuple[str, ...] = ()
    goals: tuple[str, ...] = ()
    exercise_hold: bool = False
    exclude: frozenset[str] = frozenset()


@dataclass(frozen=True)
class PlanItem:
    """One exercise of a plan with its dose and why it is there."""

    exercise_id: str
    dose: Dose
    rationale: str

    def as_dict(self) -> dict:
        """JSON shape stored in a plan version."""
        return {"exercise_id": self.exercise_id, "dose": self.dose.as_dict(), "rationale": self.rationale}


@dataclass(frozen=True)
class Draft:
    """A drafted plan, or a hold with its reason (then no items)."""

    items: tuple[PlanItem, ...]
    sessions_per_week: int
    target_minutes: float
    estimated_minutes: float
    difficulty_cap: int
    library_version: str
    held: bool = False
    hold_reason: str = ""
    notes: tuple[str, ...] = field(default=())


def input_from_intake(summary, decision) -> DraftInput:
    """Drafting input from an `IntakeSummary` and its `RoutingDecision`."""
    return DraftInput(regions=tuple(summary.regions), pain=float(summary.pain), risk_level=decision.risk_level,
                      psfs_activities=tuple(summary.psfs_activities), goals=tuple(summary.goals),
                      exercise_hold=decision.exercise_hold)


def exercise_seconds(ex: Exercise, dose: Dose, policy: DraftPolicy = DraftPolicy()) -> float:
    """Estimated time for one exercise at a dose, including rests and the change-over."""
    sides = 2 if ex.per_side else 1
    if dose.minutes is not None:
        work = dose.minutes * 60
    elif dose.hold_s is not None:
        work = dose.sets * dose.hold_s * sides
    else:
        work = dose.sets * (dose.reps or 0) * policy.seconds_per_rep * sides
    return work + max(dose.sets - 1, 0) * policy.rest_between_sets_s * sides + policy.transition_s


def difficulty_cap(data: DraftInput, policy: DraftPolicy = DraftPolicy()) -> int:
    """The hardest difficulty a first draft may hold."""
    if data.pain >= policy.severe_pain:
        cap = policy.cap_severe
    elif data.pain >= policy.moderate_pain:
        cap = policy.cap_moderate
    else:
        cap = policy.cap_mild
    return min(cap, policy.cap_high_risk) if data.risk_level == "high" else cap


def _within_cap(library: Library, exercise_id: str | None, cap: int) -> Exercise | None:
    """The exercise, or its nearest easier variant at or under the cap."""
    seen = set()
    ex = library.get(exercise_id) if exercise_id else None
    while ex is not None and ex.difficulty > cap and ex.id not in seen:
        seen.add(ex.id)
        ex = library.get(ex.easier) if ex.easier else None
    return ex if ex is not None and ex.difficulty <= cap else None


def _pick(library: Library, region: str, kind: str, cap: int, taken: set[str], cautious: bool) -> Exercise | None:
    fits = [ex for ex in library.exercises.values()
            if region in ex.regions and ex.type == kind and ex.difficulty <= cap and ex.id not in taken
            and not ex.custom and not (cautious and ex.contraindications)]
    # Prefer exercises made for this region, then the hardest allowed, then a stable order.
    fits.sort(key=lambda ex: (ex.regions[0] != region, -ex.difficulty, ex.id))
    return fits[0] if fits else None


def _linked(texts: Iterable[str]) -> list[tuple[str, str]]:
    found = []
    for text in texts:
        lowered = text.lower()
        for words, exercise_id in ACTIVITY_LINKS:
            if any(w in lowered for w in words):
                found.append((exercise_id, text))
                break
    return found


def draft_plan(data: DraftInput, library: Library, policy: DraftPolicy = DraftPolicy()) -> Draft:
    """A first plan: region slots, then PSFS- and goal-linked exercises, fitted to the session time."""
    cap = difficulty_cap(data, policy)
    if data.exercise_hold:
        return Draft((), policy.sessions_per_week, policy.target_minutes, 0, cap, library.version, held=True,
                     hold_reason="Exercise is on hold: a red-flag screen was positive and needs physician review.")
    regions = [r for r in dict.fromkeys(data.regions) if r in REGION_SLOTS][:policy.max_regions] or ["general"]
    cautious = data.risk_level == "high" or data.pain >= policy.severe_pain
    band = ("severe" if data.pain >= policy.severe_pain else "moderate" if data.pain >= policy.moderate_pain
            else "mild")
    why_cap = f"difficulty up to {cap} for {band} pain ({data.pain:g}/10)" + (
        " and high risk level" if data.risk_level == "high" else "")
    candidates: list[tuple[Exercise, str]] = []
    taken = set(data.exclude)

    def add(ex: Exercise | None, reason: str) -> None:
        if ex is not None and ex.id not in taken:
            taken.add(ex.id)
            candidates.append((ex, reason))

    def slot(region: str, kind: str) -> None:
        add(_pick(library, region, kind, cap, taken, cautious),
            f"{REGION_LABELS[region]} {kind.replace('_', ' ')}: {why_cap}")

    # Round-robin over the regions so that each painful region is represented before any gets more.
    rounds = max(len(REGION_SLOTS[r]) for r in regions)
    for i in range(rounds):
        for region in regions:
            if i < len(REGION_SLOTS[region]):
                slot(region, REGION_SLOTS[region][i])
        if i == 0:
            for exercise_id, text in _linked(data.psfs_activities):
                add(_within_cap(library, exercise_id, cap), f"Practises an activity you want back: \"{text}\"")
    for goal in data.goals:
        add(_within_cap(library, GOAL_LINKS.get(goal), cap), f"Supports your goal: {goal.replace('_', ' ')}")
    for kind in REGION_SLOTS["general"] + ("motor_control", "strengthening", "stretch"):
        slot(regions[0], kind)
    for kind in REGION_SLOTS["general"]:
        slot("general", kind)
    return _fit(candidates, data, library, policy, cap, cautious)


def _fit(candidates, data, library, policy, cap, cautious) -> Draft:
    budget = policy.target_minutes * 60
    chosen: list[tuple[Exercise, Dose, str]] = []
    used = 0.0
    for ex, reason in candidates:
        if len(chosen) >= policy.max_exercises:
            break
        dose = replace(ex.dose, sets=min(ex.dose.sets, 2)) if cautious and ex.dose.minutes is None else ex.dose
        if dose.minutes is not None:
            dose = Dose(minutes=min(dose.minutes, 5))
        seconds = exercise_seconds(ex, dose, policy)
        if used + seconds > budget and len(chosen) >= policy.min_exercises:
            continue
        chosen.append((ex, dose, reason))
        used += seconds
    while used > budget * 1.1 and any(d.sets > 1 and d.minutes is None for _, d, _ in chosen):
        # Trim the longest exercise by a set until the session fits its time.
        i = max(range(len(chosen)), key=lambda k: exercise_seconds(chosen[k][0], chosen[k][1], policy)
                if chosen[k][1].sets > 1 and chosen[k][1].minutes is None else -1)
        ex, dose, reason = chosen[i]
        used -= exercise_seconds(ex, dose, policy)
        dose = replace(dose, sets=dose.sets - 1)
        used += exercise_seconds(ex, dose, policy)
        chosen[i] = (ex, dose, reason)
    notes = []
    if cautious:
        notes.append("Cautious start: exercises with listed contraindications left out and at most 2 sets.")
    if len(chosen) < policy.min_exercises:
        notes.append("Fewer exercises than usual matched; add exercises before approving.")
    items = tuple(PlanItem(ex.id, dose, reason) for ex, dose, reason in chosen)
    return Draft(items, policy.sessions_per_week, policy.target_minutes, round(used / 60, 1), cap,
                 library.version, notes=tuple(notes))


def draft_json(draft: Draft) -> dict:
    """The JSON shape of a draft (CLI and API)."""
    return {"held": draft.held, "hold_reason": draft.hold_reason, "library_version": draft.library_version,
            "sessions_per_week": draft.sessions_per_week, "target_minutes": draft.target_minutes,
            "estimated_minutes": draft.estimated_minutes, "difficulty_cap": draft.difficulty_cap,
            "notes": list(draft.notes), "items": [i.as_dict() for i in draft.items]}
