"""Load and strictly validate the escalation rule file (rules.yaml) into plain Rule objects."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml

from openmsk.clinical.codesystems import SHORT_NAMES, normalize_code
from openmsk.clinical.drug_names import words
from openmsk.escalation.durations import parse_duration
from openmsk.escalation.events import SIGNAL_KINDS, SUPPORTED_TYPES

RULES_PATH = Path(__file__).with_name("rules.yaml")
CATEGORIES = (
    "ed_visit", "inpatient_admission", "advanced_imaging", "specialist_referral", "injection", "surgery",
    "opioid_prescription", "high_dose_opioid", "opioid_benzodiazepine", "red_flag_condition", "high_utilizer",
    "red_flag_reported", "self_harm_risk", "pain_spike", "surgery_intent",
)
SEVERITIES = ("routine", "high", "urgent")  # ascending
ROLES = ("physical_therapist", "physician", "behavioral_health", "health_coach", "nutritionist")
EPISODES = ("resource", "code", "category")
_RULE_KEYS = {"id", "category", "severity", "route_to", "respond_within", "dedup_window", "episode",
              "explanation", "match", "aggregate"}
_MATCH_KEYS = {"resource_types", "statuses", "codes", "display_terms", "exclude_display_terms",
               "body_site_terms", "mme_at_least", "signal_kinds"}
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class RuleError(ValueError):
    """The rule file is invalid; the message names the rule id and field."""


@dataclass(frozen=True, slots=True)
class Aggregate:
    """A rule condition over several events: a count within a window, or an overlap with a drug class."""

    kind: str
    at_least: int = 0
    within: timedelta = timedelta(0)
    with_drug_class: str = ""
    assumed_duration: timedelta = timedelta(0)


@dataclass(frozen=True, slots=True)
class Rule:
    """One validated escalation rule."""

    id: str
    category: str
    severity: str
    route_to: str
    respond_within: str
    dedup_window: timedelta
    episode: str
    explanation: str
    resource_types: frozenset[str]
    statuses: frozenset[str] | None
    codes: frozenset[tuple[str, str]]
    code_prefixes: frozenset[tuple[str, str]]
    display_terms: tuple[tuple[str, ...], ...]
    exclude_terms: tuple[tuple[str, ...], ...]
    body_site_terms: tuple[tuple[str, ...], ...]
    signal_kinds: frozenset[str]
    mme_at_least: float | None
    aggregate: Aggregate | None
    order: int


def load_rules(path: str | Path = RULES_PATH) -> list[Rule]:
    """Read and validate a rule file; raise RuleError naming the rule id and field on any problem."""
    try:
        document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RuleError(f"cannot read rule file: {type(exc).__name__}") from None
    return parse_rules(document)


def parse_rules(document: Any) -> list[Rule]:
    """Validate an already-parsed rule document (a dict with a `rules` list)."""
    if not isinstance(document, dict) or not isinstance(document.get("rules"), list) or not document["rules"]:
        raise RuleError("rule file: top-level 'rules' must be a non-empty list")
    for key, value in document.items():
        if key != "rules" and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise RuleError(f"rule file: top-level '{key}' must be a list of strings (a shared value set)")
    rules, seen = [], set()
    for order, raw in enumerate(document["rules"]):
        rule = _parse_rule(raw, order)
        if rule.id in seen:
            raise RuleError(f"rule '{rule.id}': duplicate id")
        seen.add(rule.id)
        rules.append(rule)
    return rules


def _fail(rule_id: str, field: str, message: str) -> RuleError:
    return RuleError(f"rule '{rule_id}' field '{field}': {message}")


def _choice(raw: dict[str, Any], rid: str, field: str, allowed: tuple[str, ...]) -> str:
    value = raw.get(field)
    if value not in allowed:
        raise _fail(rid, field, f"must be one of {', '.join(allowed)}")
    return value


def _duration(raw: dict[str, Any], rid: str, field: str) -> timedelta:
    try:
        return parse_duration(raw.get(field))
    except ValueError as exc:
        raise _fail(rid, field, str(exc)) from None


def _strings(raw: dict[str, Any], rid: str, field: str, required: bool = False) -> list[str]:
    value = raw.get(field)
    if value is None and not required:
        return []
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(rid, field, "must be a non-empty list of strings")
    return value


def _terms(raw: dict[str, Any], rid: str, field: str) -> tuple[tuple[str, ...], ...]:
    terms = tuple(tuple(words(term)) for term in _strings(raw, rid, field))
    if any(not term for term in terms):
        raise _fail(rid, field, "every term needs at least one letter")
    return terms


def _parse_rule(raw: Any, order: int) -> Rule:
    if not isinstance(raw, dict):
        raise RuleError(f"rule #{order + 1}: must be a mapping")
    rid = raw.get("id")
    if not isinstance(rid, str) or not _ID.fullmatch(rid):
        raise RuleError(f"rule #{order + 1} field 'id': must be lower-case letters, digits and hyphens")
    for key in raw:
        if key not in _RULE_KEYS:
            raise _fail(rid, str(key), "unknown field")
    for field in ("respond_within", "explanation"):
        if not isinstance(raw.get(field), str) or not raw[field].strip():
            raise _fail(rid, field, "required text")
    _duration(raw, rid, "respond_within")
    match = raw.get("match")
    if not isinstance(match, dict):
        raise _fail(rid, "match", "required mapping")
    for key in match:
        if key not in _MATCH_KEYS:
            raise _fail(rid, f"match.{key}", "unknown field")
    types = _strings(match, rid, "resource_types", required=True)
    for rtype in types:
        if rtype not in SUPPORTED_TYPES + ("Signal",):
            raise _fail(rid, "match.resource_types", f"unsupported resource type {rtype!r}")
    statuses = _strings(match, rid, "statuses")
    codes, prefixes = _codes(match.get("codes"), rid)
    kinds = _strings(match, rid, "signal_kinds")
    for kind in kinds:
        if kind not in SIGNAL_KINDS:
            raise _fail(rid, "match.signal_kinds", f"unknown signal kind {kind!r}")
    terms = _terms(match, rid, "display_terms")
    if not (codes or prefixes or terms or kinds):
        raise _fail(rid, "match", "needs at least one of codes, display_terms, signal_kinds")
    mme = match.get("mme_at_least")
    if mme is not None and (not isinstance(mme, int | float) or isinstance(mme, bool) or mme <= 0):
        raise _fail(rid, "match.mme_at_least", "must be a positive number")
    return Rule(
        id=rid, category=_choice(raw, rid, "category", CATEGORIES), severity=_choice(raw, rid, "severity", SEVERITIES),
        route_to=_choice(raw, rid, "route_to", ROLES), respond_within=raw["respond_within"],
        dedup_window=_duration(raw, rid, "dedup_window"), episode=_choice(raw, rid, "episode", EPISODES),
        explanation=" ".join(raw["explanation"].split()), resource_types=frozenset(types),
        statuses=frozenset(statuses) if statuses else None, codes=codes, code_prefixes=prefixes,
        display_terms=terms, exclude_terms=_terms(match, rid, "exclude_display_terms"),
        body_site_terms=_terms(match, rid, "body_site_terms"), signal_kinds=frozenset(kinds),
        mme_at_least=float(mme) if mme is not None else None, aggregate=_aggregate(raw.get("aggregate"), rid),
        order=order,
    )


def _codes(raw: Any, rid: str) -> tuple[frozenset[tuple[str, str]], frozenset[tuple[str, str]]]:
    if raw is None:
        return frozenset(), frozenset()
    if not isinstance(raw, dict):
        raise _fail(rid, "match.codes", "must map a code system to a list of codes")
    exact, prefixes = set(), set()
    for system, values in raw.items():
        if system not in SHORT_NAMES:
            raise _fail(rid, f"match.codes.{system}", f"unknown code system (use one of {', '.join(SHORT_NAMES)})")
        for code in _strings(raw, rid, system):
            if code.endswith("*"):
                prefixes.add((system, normalize_code(system, code[:-1])))
            else:
                exact.add((system, normalize_code(system, code)))
    return frozenset(exact), frozenset(prefixes)


def _aggregate(raw: Any, rid: str) -> Aggregate | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or raw.get("kind") not in ("count", "overlap"):
        raise _fail(rid, "aggregate.kind", "must be count or overlap")
    allowed = {"count": {"kind", "at_least", "within"}, "overlap": {"kind", "with_drug_class", "assumed_duration"}}
    for key in raw:
        if key not in allowed[raw["kind"]]:
            raise _fail(rid, f"aggregate.{key}", "unknown field")
    if raw["kind"] == "count":
        at_least = raw.get("at_least")
        if not isinstance(at_least, int) or isinstance(at_least, bool) or at_least < 2:
            raise _fail(rid, "aggregate.at_least", "must be an integer of at least 2")
        return Aggregate("count", at_least=at_least, within=_duration(raw, rid, "within"))
    if raw.get("with_drug_class") not in ("benzodiazepine", "opioid"):
        raise _fail(rid, "aggregate.with_drug_class", "must be benzodiazepine or opioid")
    return Aggregate("overlap", with_drug_class=raw["with_drug_class"],
                     assumed_duration=_duration(raw, rid, "assumed_duration"))
