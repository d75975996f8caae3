"""Pure escalation engine: events in, de-duplicated alert candidates out (no database, no I/O)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from openmsk.escalation.aggregates import count_matches, overlap_matches
from openmsk.escalation.episodes import Alert, classify, deduplicate
from openmsk.escalation.events import ClinicalEvent
from openmsk.escalation.matching import CompiledRules, Match, best_per_category
from openmsk.escalation.rules import Rule, load_rules

DEFAULT_LOOKBACK = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Actionable alerts, older context alerts, and what could not be evaluated."""

    alerts: list[Alert]
    context: list[Alert]
    problems: list[str]
    suppressed: list[tuple[str, str]] = field(default_factory=list)


def monitoring_start(enrolled_at: datetime, lookback: timedelta = DEFAULT_LOOKBACK) -> datetime:
    """Start of the monitoring window: enrollment minus the look-back (default 30 days)."""
    return enrolled_at - lookback


class Engine:
    """The rules compiled once; `evaluate` runs them over a batch of events."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.compiled = CompiledRules(rules)

    @classmethod
    def shipped(cls) -> Engine:
        """An engine over the rules shipped in escalation/rules.yaml."""
        return cls(load_rules())

    def candidates(self, events: list[ClinicalEvent]) -> list[Match]:
        """All matches, aggregates resolved, at most one per event and category."""
        direct: list[Match] = []
        counted: list[Match] = []
        overlapping: list[Match] = []
        for event in events:
            for match in self.compiled.match(event):
                aggregate = match.rule.aggregate
                if aggregate is None:
                    direct.append(match)
                elif aggregate.kind == "count":
                    counted.append(match)
                else:
                    overlapping.append(match)
        combined = direct + count_matches(counted) + overlap_matches(overlapping, events)
        by_event: dict[int, list[Match]] = {}
        for match in combined:
            by_event.setdefault(id(match.event), []).append(match)
        return [best for group in by_event.values() for best in best_per_category(group)]

    def evaluate(
        self,
        events: Iterable[ClinicalEvent],
        *,
        now: datetime,
        since: datetime | None = None,
        prior: Iterable[Alert] = (),
    ) -> Evaluation:
        """Evaluate a batch: events before `since` give context alerts only; None means all history."""
        if now.tzinfo is None or (since is not None and since.tzinfo is None):
            raise ValueError("now and since must be timezone-aware")
        events = list(events)
        problems = [f"{event.resource}: {problem}" for event in events for problem in event.problems]
        actionable, context = [], []
        for match in self.candidates(events):
            adjusted, is_actionable = classify(match, since, now)
            (actionable if is_actionable else context).append(adjusted)
        prior = list(prior)
        alerts, suppressed = deduplicate(actionable, True, prior)
        older, _ = deduplicate(context, False)
        return Evaluation(alerts, older, problems, suppressed)
