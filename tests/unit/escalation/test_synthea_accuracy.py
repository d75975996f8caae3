"""Accuracy on the Synthea bundles; expected numbers come from walking the raw JSON, not the engine."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest

from openmsk.escalation.fhir_values import parse_datetime

pytestmark = pytest.mark.shared_data

# The test's own opioid list (CDC MME conversion file ingredients), independent of the engine's.
SYNTHEA_NOW = datetime(2030, 1, 1, tzinfo=UTC)  # same "now" as the synthea_evaluation fixture
TEST_OPIOID_WORDS = ("oxycodone", "hydrocodone", "morphine", "meperidine", "remifentanil", "fentanyl", "codeine",
                     "tramadol", "hydromorphone", "methadone", "tapentadol", "oxymorphone", "buprenorphine")


def resources(bundles, resource_type):
    for bundle in bundles:
        for entry in bundle.get("entry", []):
            if entry.get("resource", {}).get("resourceType") == resource_type:
                yield entry["resource"]


def alert_resources(evaluation, category):
    """Every resource covered by an alert of the category (anchor and merged records)."""
    covered = []
    for alert in evaluation.alerts:
        if alert.category == category:
            covered.append(alert.resource)
            covered.extend(alert.related)
    return covered


def anchors(evaluation, category):
    return [alert.resource for alert in evaluation.alerts if alert.category == category]


def test_every_emergency_encounter_gives_exactly_one_ed_visit_alert(synthea_bundles, synthea_evaluation):
    expected = sorted(f"Encounter/{r['id']}" for r in resources(synthea_bundles, "Encounter")
                      if r.get("class", {}).get("code") == "EMER")
    assert len(expected) > 100
    assert sorted(anchors(synthea_evaluation, "ed_visit")) == expected


def test_every_inpatient_encounter_gives_exactly_one_admission_alert(synthea_bundles, synthea_evaluation):
    expected = sorted(f"Encounter/{r['id']}" for r in resources(synthea_bundles, "Encounter")
                      if r.get("class", {}).get("code") == "IMP")
    assert len(expected) > 100
    assert sorted(anchors(synthea_evaluation, "inpatient_admission")) == expected


def test_every_opioid_medication_request_gives_exactly_one_opioid_alert(synthea_bundles, synthea_evaluation):
    expected = sorted(
        f"MedicationRequest/{r['id']}" for r in resources(synthea_bundles, "MedicationRequest")
        if any(word in r.get("medicationCodeableConcept", {}).get("text", "").lower() for word in TEST_OPIOID_WORDS)
    )
    assert len(expected) > 100
    assert sorted(anchors(synthea_evaluation, "opioid_prescription")) == expected


def test_meperidine_and_remifentanil_are_opioids_with_unknown_mme(synthea_evaluation):
    unusual = [a for a in synthea_evaluation.alerts if a.category == "opioid_prescription"
               and ("Meperidine" in a.evidence or "remifentanil" in a.evidence)]
    assert unusual
    assert all("MME unknown" in alert.evidence for alert in unusual)


def test_ct_and_mr_studies_give_advanced_imaging(synthea_bundles, synthea_evaluation):
    studies = {f"ImagingStudy/{r['id']}": {s["modality"]["code"] for s in r.get("series", [])}
               for r in resources(synthea_bundles, "ImagingStudy")}
    advanced = {ref for ref, modalities in studies.items() if modalities & {"CT", "MR"}}
    plain = {ref for ref, modalities in studies.items() if not modalities & {"CT", "MR"}}
    covered = set(alert_resources(synthea_evaluation, "advanced_imaging"))
    assert advanced and advanced <= covered
    assert not plain & covered


def test_non_msk_injections_give_no_injection_alert(synthea_bundles, synthea_evaluation):
    injections = {f"Procedure/{r['id']}" for r in resources(synthea_bundles, "Procedure")
                  if "injection" in r["code"].get("text", "").lower()}
    assert injections, "Synthea has intramuscular and tetanus injections"
    assert not injections & set(alert_resources(synthea_evaluation, "injection"))
    assert anchors(synthea_evaluation, "injection") == []


def test_high_utilizer_matches_an_independent_count_of_ed_visits(synthea_bundles, synthea_evaluation):
    visits = defaultdict(list)
    for bundle in synthea_bundles:
        for entry in bundle.get("entry", []):
            r = entry.get("resource", {})
            if r.get("resourceType") == "Encounter" and r.get("class", {}).get("code") == "EMER":
                patient = r["subject"]["reference"].split(":")[-1].split("/")[-1]
                visits[patient].append(parse_datetime(r["period"]["start"]))
    expected = set()
    for patient, dates in visits.items():
        dates.sort()
        if any(dates[i + 2] - dates[i] <= timedelta(days=60) for i in range(len(dates) - 2)):
            expected.add(patient)
    found = {a.patient for a in synthea_evaluation.alerts if a.category == "high_utilizer"}
    assert found == expected


def test_synthea_records_all_evaluate_without_unknown_systems(synthea_evaluation):
    assert not [p for p in synthea_evaluation.problems if "unknown code system" in p]


def test_re_evaluating_the_same_records_gives_the_same_alert_keys(engine, synthea_events, synthea_evaluation):
    again = engine.evaluate(list(reversed(synthea_events)), now=SYNTHEA_NOW, since=None)
    assert [a.dedup_key for a in again.alerts] == [a.dedup_key for a in synthea_evaluation.alerts]


def test_prior_alerts_suppress_a_re_import(engine, synthea_events, synthea_evaluation):
    again = engine.evaluate(synthea_events, now=SYNTHEA_NOW, since=None, prior=synthea_evaluation.alerts)
    assert again.alerts == []
    assert len(again.suppressed) >= len(synthea_evaluation.alerts)

