"""The exercise library: versioned YAML data, validated into plain frozen records (pure, no DB or web)."""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

LIBRARY_PATH = Path(__file__).with_name("library.yaml")
REGIONS = ("low_back", "upper_back", "neck", "shoulder", "elbow", "wrist_hand", "hip", "knee",
           "ankle_foot", "general")
TYPES = ("mobility", "stretch", "strengthening", "motor_control", "balance", "aerobic")
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,62}$")
# Bounds that reject impossible doses (typing errors), not clinical limits.
MAX_SETS, MAX_REPS, MAX_HOLD_S, MAX_MINUTES = 10, 100, 600, 60
KEYS = {"id", "name", "regions", "type", "difficulty", "equipment", "instructions", "cautions",
        "contraindications", "dose", "per_side", "easier", "harder", "motion"}
REQUIRED = KEYS - {"per_side", "easier", "harder", "motion"}


class LibraryError(ValueError):
    """An exercise entry or a dose breaks the library schema; the message names the field."""


@dataclass(frozen=True)
class Dose:
    """Sets of repetitions, sets of holds in seconds, or minutes of continuous (aerobic) work."""

    sets: int = 1
    reps: int | None = None
    hold_s: int | None = None
    minutes: int | None = None

    def as_dict(self) -> dict:
        """Only the fields that are set."""
        return {k: v for k, v in (("sets", self.sets), ("reps", self.reps), ("hold_s", self.hold_s),
                                  ("minutes", self.minutes)) if v is not None}

    def label(self) -> str:
        """Human text, e.g. '3 x 10 reps' or '2 x 30 s hold'.

        >>> Dose(3, reps=10).label(), Dose(2, hold_s=30).label(), Dose(minutes=10).label()
        ('3 x 10 reps', '2 x 30 s hold', '10 min')
        """
        if self.minutes is not None:
            return f"{self.minutes} min"
        if self.hold_s is not None:
            return f"{self.sets} x {self.hold_s} s hold"
        return f"{self.sets} x {self.reps} reps"


@dataclass(frozen=True)
class Exercise:
    """One exercise of the library (or one a physical therapist added)."""

    id: str
    name: str
    regions: tuple[str, ...]
    type: str
    difficulty: int
    equipment: tuple[str, ...]
    instructions: tuple[str, ...]
    cautions: tuple[str, ...]
    contraindications: tuple[str, ...]
    dose: Dose
    per_side: bool = False
    easier: str | None = None
    harder: str | None = None
    motion: str | None = None
    custom: bool = False
    extra: Mapping = field(default_factory=dict)


@dataclass(frozen=True)
class Library:
    """All exercises by id, and the library version plans record."""

    version: str
    exercises: Mapping[str, Exercise]

    def get(self, exercise_id: str) -> Exercise | None:
        """The exercise with this id, if any."""
        return self.exercises.get(exercise_id)

    def with_custom(self, entries: Iterable[Exercise]) -> "Library":
        """This library plus clinician-added exercises (library ids win; they are refused earlier)."""
        merged = dict(self.exercises)
        for entry in entries:
            merged.setdefault(entry.id, entry)
        return Library(self.version, merged)


def parse_dose(raw: object, *, where: str = "dose") -> Dose:
    """A validated dose from {sets, reps} | {sets, hold_s} | {minutes}; raises LibraryError."""
    if not isinstance(raw, Mapping):
        raise LibraryError(f"{where}: expected an object")
    unknown = set(raw) - {"sets", "reps", "hold_s", "minutes"}
    if unknown:
        raise LibraryError(f"{where}: unknown fields {', '.join(sorted(unknown))}")
    kinds = [k for k in ("reps", "hold_s", "minutes") if raw.get(k) is not None]
    if len(kinds) != 1:
        raise LibraryError(f"{where}: give exactly one of reps, hold_s or minutes")
    limits = {"sets": MAX_SETS, "reps": MAX_REPS, "hold_s": MAX_HOLD_S, "minutes": MAX_MINUTES}
    values = {}
    for key in ("sets", *kinds):
        value = raw.get(key, 1)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= limits[key]:
            raise LibraryError(f"{where}.{key}: must be a whole number from 1 to {limits[key]}")
        values[key] = value
    return Dose(**values)


def _strings(raw: dict, key: str, *, allow_empty: bool) -> tuple[str, ...]:
    value = raw.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise LibraryError(f"{key}: expected a list of non-empty strings")
    if not value and not allow_empty:
        raise LibraryError(f"{key}: must not be empty")
    return tuple(value)


def parse_exercise(raw: object, *, custom: bool = False) -> Exercise:
    """Validate one entry (the same schema for the library file and PT-added exercises)."""
    if not isinstance(raw, Mapping):
        raise LibraryError("exercise: expected an object")
    ident = raw.get("id")
    if not isinstance(ident, str) or not ID_PATTERN.fullmatch(ident):
        raise LibraryError("id: snake_case letters, digits and underscores, 2-63 characters")
    missing, unknown = sorted(REQUIRED - set(raw)), sorted(set(raw) - KEYS)
    if missing or unknown:
        raise LibraryError(f"{ident}: missing {missing or '-'}, unknown {unknown or '-'}")
    try:
        regions = _strings(raw, "regions", allow_empty=False)
        if bad := [r for r in regions if r not in REGIONS]:
            raise LibraryError(f"regions: unknown {', '.join(bad)}")
        if raw["type"] not in TYPES:
            raise LibraryError(f"type: one of {', '.join(TYPES)}")
        if raw["type"] != "aerobic" and "minutes" in (raw["dose"] or {}):
            raise LibraryError("dose.minutes: only for aerobic exercises")
        difficulty = raw["difficulty"]
        if isinstance(difficulty, bool) or not isinstance(difficulty, int) or not 1 <= difficulty <= 5:
            raise LibraryError("difficulty: a whole number from 1 to 5")
        if not isinstance(raw["name"], str) or not raw["name"].strip():
            raise LibraryError("name: must not be empty")
        links = {k: raw.get(k) for k in ("easier", "harder", "motion")}
        if any(v is not None and (not isinstance(v, str) or not ID_PATTERN.fullmatch(v)) for v in links.values()):
            raise LibraryError("easier, harder, motion: exercise or motion spec ids")
        return Exercise(
            id=ident, name=raw["name"].strip(), regions=regions, type=raw["type"], difficulty=difficulty,
            equipment=_strings(raw, "equipment", allow_empty=True),
            instructions=_strings(raw, "instructions", allow_empty=False),
            cautions=_strings(raw, "cautions", allow_empty=False),
            contraindications=_strings(raw, "contraindications", allow_empty=True),
            dose=parse_dose(raw["dose"]), per_side=bool(raw.get("per_side", False)), custom=custom, **links)
    except LibraryError as exc:
        raise LibraryError(f"{ident}: {exc}") from None


def check_links(library: Library, motion_ids: Iterable[str] | None = None) -> list[str]:
    """Problems with variant links (and motion ids when the spec ids are given); empty when sound."""
    problems = []
    known_motion = set(motion_ids) if motion_ids is not None else None
    for ex in library.exercises.values():
        for kind in ("easier", "harder"):
            target = getattr(ex, kind)
            if target is not None and (target == ex.id or target not in library.exercises):
                problems.append(f"{ex.id}.{kind}: no exercise {target!r}")
        if ex.motion and known_motion is not None and ex.motion not in known_motion:
            problems.append(f"{ex.id}.motion: no motion spec {ex.motion!r}")
    return problems


def parse_library(doc: object) -> Library:
    """A validated library from the parsed YAML document; raises LibraryError on the first problem."""
    if not isinstance(doc, Mapping) or not isinstance(doc.get("version"), str):
        raise LibraryError("library: expected a mapping with a string version")
    exercises: dict[str, Exercise] = {}
    for raw in doc.get("exercises") or ():
        exercise = parse_exercise(raw)
        if exercise.id in exercises:
            raise LibraryError(f"{exercise.id}: duplicate id")
        exercises[exercise.id] = exercise
    library = Library(doc["version"], exercises)
    if problems := check_links(library):
        raise LibraryError("; ".join(problems))
    return library


@cache
def _load(path: Path) -> Library:
    with open(path, encoding="utf-8") as fh:
        return parse_library(yaml.safe_load(fh))


def load_library(path: Path = LIBRARY_PATH) -> Library:
    """The packaged library (cached)."""
    return _load(path)


def motion_summary(motion_id: str | None) -> dict | None:
    """What the motion spec tracks (signal, ranges, tempo, form errors), or just its id if unavailable."""
    if motion_id is None:
        return None
    found = _motion_specs().get(motion_id)
    if found is None:
        return {"spec_id": motion_id}
    return {"spec_id": motion_id, "signal": found.signal.kind, "sides": found.sides,
            "start_range": list(found.start_range), "target_range": list(found.target_range),
            "tempo": {"min_rep_s": found.min_rep_s, "max_rep_s": found.max_rep_s},
            "form_errors": [c.code for c in found.checks]}


@cache
def _motion_specs() -> dict:
    # The motion capability is developed in parallel: its absence must not break the library.
    try:
        from openmsk.motion.specs import load_specs

        return load_specs()
    except Exception:  # noqa: BLE001 - any failure there means "no specs", never a broken library
        return {}


def exercise_json(ex: Exercise) -> dict:
    """The JSON shape used by the CLI and the API."""
    return {"id": ex.id, "name": ex.name, "regions": list(ex.regions), "type": ex.type,
            "difficulty": ex.difficulty, "equipment": list(ex.equipment),
            "instructions": list(ex.instructions), "cautions": list(ex.cautions),
            "contraindications": list(ex.contraindications), "dose": ex.dose.as_dict(),
            "per_side": ex.per_side, "easier": ex.easier, "harder": ex.harder,
            "motion": motion_summary(ex.motion), "custom": ex.custom}
