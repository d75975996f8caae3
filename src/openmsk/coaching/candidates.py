"""The candidate nudge a rule proposes, before the delivery policy decides on it."""

from dataclasses import dataclass

from openmsk.coaching.kinds import PRIORITY, Kind


@dataclass(frozen=True)
class CandidateNudge:
    """A nudge a rule would like to send; reason and message never carry clinical values."""

    kind: Kind
    episode: str
    reason: str
    message: str

    @property
    def priority(self) -> int:
        """Rank against competing candidates (higher first)."""
        return PRIORITY[self.kind]


def rank(candidates: list[CandidateNudge]) -> list[CandidateNudge]:
    """Candidates in sending order: priority, then kind name, then episode (deterministic)."""
    return sorted(candidates, key=lambda c: (-c.priority, c.kind.value, c.episode))
