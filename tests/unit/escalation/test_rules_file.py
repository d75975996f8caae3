"""The shipped rule file is valid, covers every category, cites its sources; the loader is strict."""

from __future__ import annotations

import copy
import re

import pytest
import yaml

from openmsk.clinical.opioids import OPIOID_NAMES
from openmsk.escalation.rules import CATEGORIES, RULES_PATH, RuleError, load_rules, parse_rules

SHIPPED = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))


def test_shipped_rules_load_and_cover_every_category():
    rules = load_rules()
    assert {rule.category for rule in rules} == set(CATEGORIES)
    assert len({rule.id for rule in rules}) == len(rules)


def test_every_code_list_in_the_rule_file_is_preceded_by_a_source_comment():
    lines = RULES_PATH.read_text(encoding="utf-8").splitlines()
    code_line = re.compile(r"^\s+(snomed|icd10cm|cpt|hcpcs|rxnorm|loinc|actcode|dicom|nucc|cvx):")
    for number, line in enumerate(lines):
        if not code_line.match(line):
            continue
        alias = re.search(r":\s*\*(\w+)\s*$", line)
        if alias:  # a shared value set: its anchor definition carries the citation
            number = next(i for i, text in enumerate(lines) if f"&{alias.group(1)}" in text)
        before = lines[number - 1].strip()
        assert before.startswith("#"), f"line {number + 1} has no source comment above it"


def test_opioid_names_in_the_rule_file_are_known_to_the_opioid_module():
    assert set(SHIPPED["opioid_names"]) <= set(OPIOID_NAMES)


def broken(rule_index: int, **changes):
    document = copy.deepcopy(SHIPPED)
    rule = document["rules"][rule_index]
    for key, value in changes.items():
        if value is None:
            rule.pop(key, None)
        else:
            rule[key] = value
    return document


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"severity": "critical"}, "rule 'ed-visit' field 'severity'"),
        ({"route_to": "surgeon"}, "rule 'ed-visit' field 'route_to'"),
        ({"respond_within": "4 hours"}, "rule 'ed-visit' field 'respond_within'"),
        ({"dedup_window": "P1M"}, "rule 'ed-visit' field 'dedup_window'"),
        ({"colour": "red"}, "rule 'ed-visit' field 'colour': unknown field"),
        ({"category": "er"}, "rule 'ed-visit' field 'category'"),
        ({"explanation": None}, "rule 'ed-visit' field 'explanation'"),
        ({"match": {"resource_types": ["Encounter"], "codes": {"snomedct": ["1"]}}}, "field 'match.codes.snomedct'"),
        ({"match": {"resource_types": ["Encounter"]}}, "rule 'ed-visit' field 'match'"),
        ({"match": {"resource_types": ["Patient"], "codes": {"actcode": ["EMER"]}}}, "field 'match.resource_types'"),
        ({"id": "ed-visit\n"}, "rule #1 field 'id'"),
    ],
)
def test_loader_names_the_offending_rule_and_field(changes, message):
    with pytest.raises(RuleError, match=re.escape(message)):
        parse_rules(broken(0, **changes))


def test_loader_rejects_duplicate_ids():
    document = copy.deepcopy(SHIPPED)
    document["rules"][1]["id"] = document["rules"][0]["id"]
    with pytest.raises(RuleError, match="duplicate id"):
        parse_rules(document)


def test_loader_rejects_an_unreadable_file(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("rules: [\n", encoding="utf-8")
    with pytest.raises(RuleError, match="cannot read rule file"):
        load_rules(path)
