"""Exercise motion specs loaded from specs.yaml (data, not code)."""

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from openmsk.motion.signals import SignalDef

SPECS_PATH = Path(__file__).with_name("specs.yaml")


@dataclass(frozen=True)
class FormCheck:
    """One form error to check: its code, plain-language cue and configurable parameters."""

    code: str
    cue: str
    params: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class MotionSpec:
    """How one exercise is tracked, segmented into reps and judged."""

    id: str
    name: str
    signal: SignalDef
    sides: str  # both | either | left | right
    start_range: tuple[float, float]
    target_range: tuple[float, float]
    min_excursion: float
    min_rep_s: float
    max_rep_s: float
    checks: tuple[FormCheck, ...]
    target_measure: str = "peak"  # peak | excursion
    imu_signal: SignalDef | None = None
    imu_target_range: tuple[float, float] | None = None
    imu_min_excursion: float | None = None
    min_confidence: float = 0.5
    max_gap_s: float = 0.5

    def check(self, code: str) -> FormCheck | None:
        """The form check with this code, if the spec has it."""
        return next((c for c in self.checks if c.code == code), None)


def _signal(raw: dict) -> SignalDef:
    return SignalDef(**{k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()})


def _spec(exercise_id: str, raw: dict, cues: dict[str, str]) -> MotionSpec:
    checks = tuple(FormCheck(code, cues[code], dict(params or {})) for code, params in raw["errors"].items())
    imu_range = raw.get("imu_target_range")
    return MotionSpec(
        id=exercise_id, name=raw["name"], signal=_signal(raw["signal"]), sides=raw["sides"],
        start_range=tuple(raw["start_range"]), target_range=tuple(raw["target_range"]),
        min_excursion=float(raw["min_excursion"]), min_rep_s=float(raw["tempo"]["min_rep_s"]),
        max_rep_s=float(raw["tempo"]["max_rep_s"]), checks=checks,
        target_measure=raw.get("target_measure", "peak"),
        imu_signal=_signal(raw["imu_signal"]) if "imu_signal" in raw else None,
        imu_target_range=tuple(imu_range) if imu_range else None,
        imu_min_excursion=raw.get("imu_min_excursion"),
    )


@cache
def _load(path: Path) -> dict[str, MotionSpec]:
    with open(path, encoding="utf-8") as fh:
        doc = yaml.safe_load(fh)
    return {ex_id: _spec(ex_id, raw, doc["cues"]) for ex_id, raw in doc["exercises"].items()}


def load_specs(path: Path = SPECS_PATH) -> dict[str, MotionSpec]:
    """All exercise specs keyed by exercise id."""
    return dict(_load(path))
