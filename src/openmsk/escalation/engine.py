"""Pure escalation engine: events in, de-duplicated alert candidates out (no database, no I/O)."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from openmsk.escalation.aggregates import count_matches, overlap_matches
from openmsk.escalation.episodes import Alert, classify, deduplicate, deduplicate_with_prior
from openmsk.escalation.events import ClinicalEvent
from openmsk.escalation.matching import CompiledRules, Match, best_per_category
from openmsk.escalation.rules import Rule, load_rules

DEFAULT_LOOKBACK = timedelta(days=30)
_SEEN_MAX = 50_000


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
        # Matches of events seen before, by identity (the entry keeps the event, so its id is not reused):
        # the batch path re-evaluates each member's cached history events on every new record.
        self._seen: dict[int, tuple[ClinicalEvent, tuple[Match, ...]]] = {}
        self._seen_lock = threading.Lock()

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
            for match in self._matches(event):
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

    def _matches(self, event: ClinicalEvent) -> tuple[Match, ...]:
        entry = self._seen.get(id(event))
        if entry is not None and entry[0] is event:
            return entry[1]
        matches = tuple(self.compiled.match(event))
        with self._seen_lock:
            while len(self._seen) >= _SEEN_MAX:
                del self._seen[next(iter(self._seen))]  # oldest first
            self._seen[id(event)] = (event, matches)
        return matches

    def evaluate(
        self,
        events: Iterable[ClinicalEvent],
        *,
        now: datetime,
        since: datetime | None = None,
        prior: Iterable[Alert] = (),
    ) -> Evaluation:
        """Evaluate a batch: events before `since` give context alerts only; None means all history."""
        problems, actionable, context = self._classified(events, now, since)
        alerts, suppressed = deduplicate(actionable, True, list(prior))
        older, _ = deduplicate(context, False)
        return Evaluation(alerts, older, problems, suppressed)

    def evaluate_with_prior(self, events: Iterable[ClinicalEvent], *, now: datetime, since: datetime | None,
                            prior: Iterable[Alert]) -> tuple[Evaluation, Evaluation]:
        """`evaluate` without and with `prior`, matching the events once: the same results as two calls."""
        problems, actionable, context = self._classified(events, now, since)
        older, _ = deduplicate(context, False)
        alerts, guarded, suppressed = deduplicate_with_prior(actionable, True, list(prior))
        # Without prior nothing is suppressed.
        return (Evaluation(alerts, older, problems, []),
                Evaluation(guarded, list(older), list(problems), suppressed))

    def _classified(self, events: Iterable[ClinicalEvent], now: datetime,
                    since: datetime | None) -> tuple[list[str], list[Match], list[Match]]:
        if now.tzinfo is None or (since is not None and since.tzinfo is None):
            raise ValueError("now and since must be timezone-aware")
        events = list(events)
        problems = [f"{event.resource}: {problem}" for event in events for problem in event.problems]
        actionable, context = [], []
        for match in self.candidates(events):
            adjusted, is_actionable = classify(match, since, now)
            (actionable if is_actionable else context).append(adjusted)
        return problems, actionable, context
