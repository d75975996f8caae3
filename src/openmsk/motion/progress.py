"""Per-exercise progress over stored sessions: reps, quality, range-of-motion trend, cues (pure)."""

from collections import Counter
from dataclasses import dataclass, field
from statistics import mean


@dataclass
class ExerciseProgress:
    """One exercise across sessions, oldest first in `rom_trend`."""

    exercise_id: str
    sessions: int = 0
    reps: int = 0
    partial_reps: int = 0
    mean_quality: float | None = None
    rom_trend: list[tuple[str, float]] = field(default_factory=list)  # (ISO date, mean ROM of the session)
    cue_counts: list[tuple[str, int]] = field(default_factory=list)


def session_stats(rep_details: list[dict]) -> tuple[float | None, float | None]:
    """Mean quality and mean range of motion of a session's complete reps."""
    done = [r for r in rep_details if r.get("complete", True)]
    if not done:
        return None, None
    return round(mean(r["quality"] for r in done), 2), round(mean(r["rom_deg"] for r in done), 1)


def by_exercise(sessions: list) -> list[ExerciseProgress]:
    """Group sessions (objects with exercise_id, started_at, reps, partial_reps, rep_details, cues)."""
    groups: dict[str, ExerciseProgress] = {}
    qualities: dict[str, list[float]] = {}
    cues: dict[str, Counter] = {}
    for s in sorted(sessions, key=lambda s: s.started_at):
        p = groups.setdefault(s.exercise_id, ExerciseProgress(s.exercise_id))
        p.sessions += 1
        p.reps += s.reps
        p.partial_reps += s.partial_reps
        quality, rom = session_stats(s.rep_details)
        if quality is not None:
            qualities.setdefault(s.exercise_id, []).append(quality)
            p.rom_trend.append((s.started_at.date().isoformat(), rom))
        cues.setdefault(s.exercise_id, Counter()).update(c["cue"] for c in s.cues)
    for exercise_id, p in groups.items():
        q = qualities.get(exercise_id)
        p.mean_quality = round(mean(q), 2) if q else None
        p.cue_counts = cues[exercise_id].most_common()
    return sorted(groups.values(), key=lambda p: p.exercise_id)
