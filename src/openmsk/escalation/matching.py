"""Compile rules into lookup tables and match one event in O(codes + words), not O(rules)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from openmsk.clinical.drug_names import words
from openmsk.clinical.opioids import DailyMme, daily_mme
from openmsk.escalation.events import ClinicalEvent
from openmsk.escalation.rules import SEVERITIES, Rule

Phrase = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Match:
    """A rule that fired on one event, with what matched and the episode it belongs to."""

    rule: Rule
    event: ClinicalEvent
    severity: str
    matched: str
    episode: str
    notes: tuple[str, ...] = ()


def code_evidence(system: str, code: str, display: str | None) -> str:
    """How a matched code is shown in alert evidence."""
    return f"{system} {code}" + (f" ({display})" if display else "")


def contains_phrase(tokens: Sequence[str], phrase: Phrase) -> bool:
    """True when the words of phrase occur consecutively in tokens."""
    size = len(phrase)
    return any(tuple(tokens[i : i + size]) == phrase for i in range(len(tokens) - size + 1) if tokens[i] == phrase[0])


def event_words(event: ClinicalEvent) -> list[str]:
    """Words of the event's text (its codes' displays) and body-site displays."""
    site_text = " ".join(d for _, _, d in event.body_sites if d)
    return words(f"{event.text} {site_text}" if site_text else event.text)


def medication_mme(event: ClinicalEvent) -> DailyMme:
    """Daily MME of a medication event from its product text and dose facts (None when unknown)."""
    facts = event.medication
    rxcuis = [code for system, code, _ in event.codes if system == "rxnorm"]
    if facts is None:
        return daily_mme(event.text, None, None, None, rxcuis)
    return daily_mme(event.text, facts.dose_value, facts.dose_unit, facts.doses_per_day, rxcuis)


class CompiledRules:
    """Rules indexed by (system, code), code prefix, first word of a display term and signal kind."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = tuple(rules)
        self.by_code: dict[tuple[str, str], list[Rule]] = defaultdict(list)
        self.by_prefix: dict[tuple[str, str], list[Rule]] = defaultdict(list)
        self.by_word: dict[str, list[tuple[Phrase, Rule]]] = defaultdict(list)
        self.by_signal: dict[str, list[Rule]] = defaultdict(list)
        for rule in self.rules:
            for key in rule.codes:
                self.by_code[key].append(rule)
            for key in rule.code_prefixes:
                self.by_prefix[key].append(rule)
            for phrase in rule.display_terms:
                self.by_word[phrase[0]].append((phrase, rule))
            if not (rule.codes or rule.code_prefixes or rule.display_terms):
                for kind in rule.signal_kinds:
                    self.by_signal[kind].append(rule)
        self.prefix_systems = frozenset(system for system, _ in self.by_prefix)
        self.by_code, self.by_prefix = dict(self.by_code), dict(self.by_prefix)
        self.by_word, self.by_signal = dict(self.by_word), dict(self.by_signal)

    def match(self, event: ClinicalEvent) -> list[Match]:
        """Every rule that fires on the event (aggregate rules included), at most one per rule."""
        hits: dict[str, tuple[Rule, str, str]] = {}
        for system, code, display in event.codes:
            found = list(self.by_code.get((system, code), ()))
            if system in self.prefix_systems:
                for end in range(1, len(code) + 1):
                    found += self.by_prefix.get((system, code[:end]), ())
            for rule in found:
                if rule.id not in hits:
                    hits[rule.id] = (rule, code_evidence(system, code, display), f"{system}|{code}")
        tokens = tuple(event_words(event))
        by_word = self.by_word
        for index, token in enumerate(tokens):
            if token not in by_word:
                continue
            for phrase, rule in by_word[token]:
                if rule.id not in hits and tuple(tokens[index : index + len(phrase)]) == phrase:
                    term = " ".join(phrase)
                    hits[rule.id] = (rule, f"'{term}' in the record text", f"term|{term}")
        if event.kind:
            for rule in self.by_signal.get(event.kind, ()):
                hits.setdefault(rule.id, (rule, f"in-app signal {event.kind}", f"signal|{event.kind}"))
        return finalize(hits.values(), event, tokens) if hits else []


def finalize(hits: Iterable[tuple[Rule, str, str]], event: ClinicalEvent, tokens: tuple[str, ...]) -> list[Match]:
    """Apply each hit rule's filters (type, status, exclusions, body site, MME) and build its Match."""
    matches: list[Match] = []
    mme: DailyMme | None = None
    for rule, matched, code_key in sorted(hits, key=lambda hit: hit[0].order):
        if not _passes_filters(rule, event, tokens):
            continue
        notes: list[str] = []
        if rule.mme_at_least is not None:
            mme = mme or medication_mme(event)
            if mme.value is None or mme.value < rule.mme_at_least:
                continue
            notes.append(_mme_note(mme))
        elif rule.category.startswith("opioid") and event.resource_type.startswith("Medication"):
            mme = mme or medication_mme(event)
            notes.append(_mme_note(mme))
        severity = rule.severity
        if event.resource_type.startswith("Medication") and not any(s == "rxnorm" for s, _, _ in event.codes):
            severity = "routine"
            notes.append("no RxNorm code: matched by name only, shown as routine")
        matches.append(Match(rule, event, severity, matched, _episode(rule, event, code_key), tuple(notes)))
    return matches


def _mme_note(mme: DailyMme) -> str:
    if mme.value is None:
        return f"MME unknown: {mme.reason}"
    return f"{mme.value:g} MME/day ({mme.detail}; CDC 2022 factors)"


def _passes_filters(rule: Rule, event: ClinicalEvent, tokens: tuple[str, ...]) -> bool:
    if event.resource_type not in rule.resource_types:
        return False
    if rule.statuses is not None and event.status is not None and event.status not in rule.statuses:
        return False
    if event.kind is not None and rule.signal_kinds and event.kind not in rule.signal_kinds:
        return False
    if any(contains_phrase(tokens, phrase) for phrase in rule.exclude_terms):
        return False
    if rule.body_site_terms and not any(contains_phrase(tokens, phrase) for phrase in rule.body_site_terms):
        return False
    return True


def _episode(rule: Rule, event: ClinicalEvent, code_key: str) -> str:
    if rule.episode == "resource":
        return event.resource
    if rule.episode == "code":
        return code_key
    return rule.category


def best_per_category(matches: Iterable[Match]) -> list[Match]:
    """One match per category: the highest severity, then the earliest rule in the file."""
    best: dict[str, Match] = {}
    for match in matches:
        current = best.get(match.rule.category)
        if current is None or _rank(match) > _rank(current):
            best[match.rule.category] = match
    return list(best.values())


def _rank(match: Match) -> tuple[int, int]:
    return SEVERITIES.index(match.severity), -match.rule.order
