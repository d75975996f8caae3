"""Naive reference matcher: every rule checked against every event in plain loops.

Used as the baseline in bench/escalation.py and to check the compiled matcher gives the same answers.
"""

from __future__ import annotations

from collections.abc import Sequence

from openmsk.escalation.events import ClinicalEvent
from openmsk.escalation.matching import Match, code_evidence, event_words, finalize
from openmsk.escalation.rules import Rule


def naive_match(rules: Sequence[Rule], event: ClinicalEvent) -> list[Match]:
    """Every rule that fires on the event, found by scanning all rules and all their codes and terms."""
    tokens = tuple(event_words(event))
    hits = []
    for rule in rules:
        hit = _code_hit(rule, event) or _term_hit(rule, tokens) or _signal_hit(rule, event)
        if hit:
            hits.append((rule, *hit))
    return finalize(hits, event, tokens)


def _code_hit(rule: Rule, event: ClinicalEvent) -> tuple[str, str] | None:
    for system, code, display in event.codes:
        found = any(rs == system and rc == code for rs, rc in rule.codes)
        found = found or any(rs == system and code.startswith(rp) for rs, rp in rule.code_prefixes)
        if found:
            return code_evidence(system, code, display), f"{system}|{code}"
    return None


def _term_hit(rule: Rule, tokens: tuple[str, ...]) -> tuple[str, str] | None:
    for index in range(len(tokens)):
        for phrase in rule.display_terms:
            if tokens[index : index + len(phrase)] == phrase:
                term = " ".join(phrase)
                return f"'{term}' in the record text", f"term|{term}"
    return None


def _signal_hit(rule: Rule, event: ClinicalEvent) -> tuple[str, str] | None:
    if event.kind and not (rule.codes or rule.code_prefixes or rule.display_terms) and event.kind in rule.signal_kinds:
        return f"in-app signal {event.kind}", f"signal|{event.kind}"
    return None
