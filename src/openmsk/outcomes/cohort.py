"""The in-memory cohort: one row per member, one column per program week."""

from dataclasses import dataclass, field

import numpy as np

from openmsk.outcomes.definitions import N_WEEKS

MEASURES = ("pain", "phq9", "gad7", "sessions", "surgery_intent", "opioid_use")
TEXT_ATTRIBUTES = ("region", "sex", "risk")


@dataclass(frozen=True)
class Problem:
    """One problem in an input file, located by file, line and column (never a value)."""

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: column '{self.column}': {self.message}"


@dataclass
class Cohort:
    """Dense weekly arrays: measures[name] has shape (members, 13) with NaN for missing."""

    member_ids: np.ndarray
    measures: dict[str, np.ndarray]
    attributes: dict[str, np.ndarray] = field(default_factory=dict)
    rows_read: int = 0
    rows_excluded: int = 0
    problems: list[Problem] = field(default_factory=list)
    synthetic: bool = False

    @property
    def size(self) -> int:
        """Number of members."""
        return len(self.member_ids)

    def measure(self, name: str) -> np.ndarray:
        """The (members, 13) array for a measure; all-NaN when the column was absent."""
        if name in self.measures:
            return self.measures[name]
        return np.full((self.size, N_WEEKS), np.nan)

    def subset(self, mask: np.ndarray) -> "Cohort":
        """A cohort restricted to the members selected by a boolean mask."""
        return Cohort(
            member_ids=self.member_ids[mask],
            measures={k: v[mask] for k, v in self.measures.items()},
            attributes={k: v[mask] for k, v in self.attributes.items()},
            synthetic=self.synthetic,
        )


class CohortFileError(ValueError):
    """The whole file was rejected; `problems` says where and why."""

    def __init__(self, message: str, problems: list[Problem]):
        super().__init__(message)
        self.problems = problems
