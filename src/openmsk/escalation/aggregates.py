"""Rules over several events of one patient: repeated visits within a window, overlapping drugs."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from openmsk.clinical.benzodiazepines import benzodiazepine_ingredients
from openmsk.escalation.events import ClinicalEvent
from openmsk.escalation.matching import Match


def count_matches(matches: Iterable[Match]) -> list[Match]:
    """For `count` rules: a match on each event that brings the patient's count within the window to the threshold."""
    by_key: dict[tuple[str | None, str], list[Match]] = defaultdict(list)
    for match in matches:
        if match.event.occurred_at is not None:
            by_key[(match.event.patient, match.rule.id)].append(match)
    fired: list[Match] = []
    for group in by_key.values():
        group.sort(key=lambda m: (m.event.occurred_at, m.event.resource))
        rule = group[0].rule
        start = 0
        for end, match in enumerate(group):
            while match.event.occurred_at - group[start].event.occurred_at > rule.aggregate.within:
                start += 1
            count = end - start + 1
            if count >= rule.aggregate.at_least:
                first = group[start].event.occurred_at.date().isoformat()
                matched = f"{count} matching visits from {first} to {match.event.occurred_at.date().isoformat()}"
                fired.append(_fired(match, matched))
    return fired


# Count matches made before, by (the event's match, what it says): the same objects each time the batch
# path re-evaluates a member's history, so the episodes' alerts are remembered (episodes._alert_of).
# The entry keeps the source match (its id is not reused while the entry lives).
_FIRED: dict[tuple[int, str], tuple[Match, Match]] = {}
_FIRED_MAX = 50_000
_FIRED_LOCK = threading.Lock()


def _fired(match: Match, matched: str) -> Match:
    key = (id(match), matched)
    entry = _FIRED.get(key)
    if entry is not None and entry[0] is match:
        return entry[1]
    rule = match.rule
    fired = Match(rule, match.event, rule.severity, matched, match.episode, match.notes)
    with _FIRED_LOCK:
        while len(_FIRED) >= _FIRED_MAX:
            del _FIRED[next(iter(_FIRED))]  # oldest first
        _FIRED[key] = (match, fired)
    return fired


def _interval(event: ClinicalEvent, assumed: timedelta) -> tuple[datetime, datetime, bool]:
    end = event.medication.ends_at if event.medication else None
    return event.occurred_at, end or event.occurred_at + assumed, end is None


def overlap_matches(matches: Iterable[Match], events: Iterable[ClinicalEvent]) -> list[Match]:
    """For `overlap` rules: a match when a matched drug's interval overlaps one of the other drug class."""
    others: dict[str | None, list[tuple[ClinicalEvent, list[str]]]] = defaultdict(list)
    for event in events:
        if event.resource_type.startswith("Medication") and event.occurred_at is not None:
            rxcuis = [code for system, code, _ in event.codes if system == "rxnorm"]
            found = benzodiazepine_ingredients(event.text, rxcuis)
            if found:
                others[event.patient].append((event, found))
    fired: list[Match] = []
    for match in matches:
        rule, event = match.rule, match.event
        if event.occurred_at is None or rule.aggregate.with_drug_class != "benzodiazepine":
            continue
        start, end, assumed = _interval(event, rule.aggregate.assumed_duration)
        for other, names in others.get(event.patient, ()):
            o_start, o_end, o_assumed = _interval(other, rule.aggregate.assumed_duration)
            if o_start <= end and start <= o_end:
                later = event if start >= o_start else other
                note = "end date assumed (no duration in the record)" if assumed or o_assumed else "stated durations"
                matched = f"{match.matched} overlaps {', '.join(names)} ({other.resource}); {note}"
                fired.append(Match(rule, later, rule.severity, matched, match.episode,
                                   match.notes + (f"opioid {event.resource}",)))
    return fired
