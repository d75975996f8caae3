"""Pure interop pieces: validation naming the element, summaries, references, matching, notifications."""

import json
from datetime import date

import pytest

from openmsk.interop import matching
from openmsk.interop.normalize import Summary, find_nul_escape, nul_problem, summarize, validate
from openmsk.interop.notifications import notification_targets
from openmsk.interop.references import Resolver, directory_keys, local_reference, missing_contained


def test_validation_names_the_missing_or_malformed_element():
    assert validate({"resourceType": "Observation", "status": "final"}) == "Observation.code: required element missing"
    assert validate({"resourceType": "MedicationRequest", "status": "active", "intent": "order",
                     "subject": {"reference": "Patient/1"}}) == "MedicationRequest.medication[x]: required element missing"
    assert validate({"resourceType": "Condition", "subject": {"reference": "Patient/1"},
                     "onsetDateTime": "yesterday"}) == "Condition.onsetDateTime: not a valid FHIR dateTime"
    assert validate({"resourceType": "Patient", "id": "has space"}) == "Patient.id: not a valid FHIR id"
    assert validate({"resourceType": "Condition", "subject": {"reference": "Patient/1"},
                     "code": "knee"}) == "Condition.code: expected an object (CodeableConcept/Coding)"
    assert validate({"resourceType": "Encounter", "status": "finished", "class": {"code": "EMER"}}) is None
    # A trailing newline is not part of an id or a dateTime (a bare `$` in a pattern would let it through).
    assert validate({"resourceType": "Patient", "id": "p1\n"}) == "Patient.id: not a valid FHIR id"
    assert validate({"resourceType": "Condition", "subject": {"reference": "Patient/1"},
                     "recordedDate": "2024-02-29\n"}) == "Condition.recordedDate: not a valid FHIR dateTime"


def test_summary_takes_code_status_date_and_subject_per_type():
    request = {"resourceType": "MedicationRequest", "status": "active", "intent": "order", "authoredOn": "2026-01-02T03:04:05Z",
               "medicationCodeableConcept": {"coding": [{"system": "rx", "code": "1049621", "display": "oxy"}]},
               "subject": {"reference": "urn:uuid:p1"}}
    assert summarize(request) == Summary("rx|1049621", "oxy", "active", "2026-01-02T03:04:05Z", "urn:uuid:p1")
    allergy = {"resourceType": "AllergyIntolerance", "patient": {"reference": "Patient/9"},
               "clinicalStatus": {"coding": [{"code": "active"}]}, "recordedDate": "2020-01-01"}
    assert summarize(allergy).status == "active" and summarize(allergy).patient_ref == "Patient/9"
    with pytest.raises(ValueError, match=r"^MedicationRequest\.intent: required element missing$"):
        summarize({key: value for key, value in request.items() if key != "intent"})


def test_resolver_rewrites_full_urls_and_known_conditional_references_and_counts_the_rest():
    resource = {"resourceType": "Encounter", "subject": {"reference": "urn:uuid:p1"},
                "participant": [{"individual": {"reference": "Practitioner?identifier=npi|1"}},
                                {"individual": {"reference": "Practitioner?identifier=npi|2"}}],
                "serviceProvider": {"reference": "urn:uuid:nowhere"}, "basedOn": [{"reference": "Patient/7"}]}
    resolver = Resolver({"urn:uuid:p1": "Patient/p1"}, {"Practitioner?identifier=npi|1": "Practitioner/a"})
    text = json.loads(resolver.resolve_text(json.dumps(resource)))
    assert text["subject"] == {"reference": "Patient/p1"}
    assert text["participant"][0]["individual"]["reference"] == "Practitioner/a"
    assert text["participant"][1]["individual"]["reference"] == "Practitioner?identifier=npi|2"
    assert text["serviceProvider"]["reference"] == "urn:uuid:nowhere" and resolver.unresolved == 2
    assert text["basedOn"] == [{"reference": "Patient/7"}]


def test_ids_directory_keys_and_contained_references():
    assert local_reference({"resourceType": "Patient"}, "urn:uuid:abc") == ("abc", "Patient/abc")
    org = {"resourceType": "Organization", "id": "o1", "identifier": [{"system": "s", "value": "v"}, {"value": "x"}]}
    assert directory_keys(org, "Organization/o1") == [("Organization?identifier=s|v", "Organization/o1")]
    claim = {"resourceType": "Claim", "contained": [{"resourceType": "Coverage", "id": "coverage"}]}
    text = json.dumps({**claim, "insurance": [{"coverage": {"reference": "#coverage"}}],
                       "referral": {"reference": "#referral"}})
    assert missing_contained(claim, text) == ["#referral"]


def test_match_score_is_explicit_and_only_a_full_match_links():
    member = matching.Demographics("Ann", "Lee", date(1970, 1, 2), "female")
    patient = matching.patient_demographics({"name": [{"use": "usual", "given": ["Annie"], "family": "Lee"},
                                                      {"use": "official", "given": ["Ann"], "family": "LEE"}],
                                             "birthDate": "1970-01-02", "gender": "female"})
    assert matching.match_score(patient, member) == 1.0 and matching.decide(1.0) == "linked"
    twin = matching.Demographics("Ann", "Lee", date(1970, 1, 3), "female")
    assert matching.match_score(twin, member) == 0.7 and matching.decide(0.7) == "review"
    assert matching.decide(matching.match_score(matching.Demographics("Bo", "Lee", None, "male"), member)) == "unmatched"


def test_notifications_name_patients_directly_or_through_focus_references():
    r4 = {"resourceType": "Encounter", "subject": {"reference": "Patient/123"}}
    assert notification_targets(r4) == ({"123"}, [])
    r4b = {"resourceType": "Bundle", "type": "history", "entry": [
        {"resource": {"resourceType": "SubscriptionStatus", "notificationEvent": [
            {"focus": {"reference": "https://ehr/fhir/Encounter/9"}}, {"focus": {"reference": "Patient/5"}}]}},
        {"resource": {"resourceType": "MedicationRequest", "subject": {"reference": "Patient/6"}}}]}
    assert notification_targets(r4b) == ({"5", "6"}, ["https://ehr/fhir/Encounter/9"])
    backport = {"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "Parameters", "parameter": [
        {"name": "notification-event", "part": [{"name": "focus", "valueReference": {"reference": "Encounter/1"}}]}]}}]}
    assert notification_targets(backport) == (set(), ["Encounter/1"])
    assert notification_targets(None) == (set(), [])


def test_empty_values_count_as_missing_but_zero_and_false_do_not():
    base = {"resourceType": "Observation", "code": {"text": "pain"}}
    for empty in ("", [], {}, None):
        assert validate({**base, "status": empty}) == "Observation.status: required element missing"
    assert validate({"resourceType": "Procedure", "status": "done", "subject": 0}) == "Procedure.subject: expected a Reference"
    assert validate({"resourceType": "Encounter", "status": "finished", "class": False}) is None


def test_choice_elements_accept_any_type_suffix_and_only_a_type_suffix():
    request = {"resourceType": "MedicationRequest", "status": "active", "intent": "order",
               "subject": {"reference": "Patient/1"}}
    assert validate({**request, "medicationReference": {"reference": "Medication/1"}}) is None
    assert validate({**request, "medicationCanonical": "x"}) is None
    assert validate({**request, "medicationx": "x"}) == "MedicationRequest.medication[x]: required element missing"


def test_a_remembered_valid_date_does_not_let_an_invalid_one_through():
    condition = {"resourceType": "Condition", "subject": {"reference": "Patient/1"}}
    for _ in range(2):
        assert validate({**condition, "onsetDateTime": "2024-02-29T10:00:00Z"}) is None
        assert validate({**condition, "onsetDateTime": "2024-02-30T25:00:00Z"}) == (
            "Condition.onsetDateTime: not a valid FHIR dateTime")


def test_a_coding_display_wins_over_the_text_even_when_null():
    obs = {"resourceType": "Observation", "status": "final", "subject": {"reference": "Patient/1"}}
    with_display = {**obs, "code": {"coding": [{"system": "s", "code": "c", "display": "Coded"}], "text": "Text"}}
    null_display = {**obs, "code": {"coding": [{"system": "s", "code": "c", "display": None}], "text": "Text"}}
    no_display = {**obs, "code": {"coding": [{"code": "c"}], "text": "Text"}}
    assert (summarize(with_display).code, summarize(with_display).display) == ("s|c", "Coded")
    assert summarize(null_display).display is None
    assert (summarize(no_display).code, summarize(no_display).display) == ("|c", "Text")


def test_a_nul_character_is_found_by_element_and_its_escape_screens_the_compact_text():
    import orjson

    obs = {"resourceType": "Observation", "status": "final", "code": {"coding": [{"display": "ok"}, {"display": "a\x00b"}]}}
    assert nul_problem(obs) == "Observation.code.coding[1].display: contains a NUL character, which cannot be stored"
    assert find_nul_escape(orjson.dumps(obs)) and not find_nul_escape(orjson.dumps({**obs, "code": {}}))
    assert nul_problem({"resourceType": "Patient", "name": [{"given": ["x"]}], "bad\x00key": 1}).startswith("Patient: ")
    literal = {"resourceType": "Observation", "note": [{"text": "C:\\u0000 is a path"}]}  # a backslash, then text
    assert find_nul_escape(orjson.dumps(literal)) and nul_problem(literal) is None
    org = {"resourceType": "Organization", "identifier": [{"system": "s", "value": "a\x00"}, {"system": "s", "value": "b"}]}
    assert directory_keys(org, "Organization/o") == [("Organization?identifier=s|b", "Organization/o")]
    deep: dict = {"text": "a\x00"}
    for _ in range(1500):
        deep = {"x": [deep]}
    assert nul_problem({"resourceType": "Basic", "extension": [deep]}).endswith(".text: contains a NUL character, "
                                                                               "which cannot be stored")
    first = {"resourceType": "Observation", "a": [{"b": "x\x00"}], "c": "y\x00"}
    assert nul_problem(first).startswith("Observation.a[0].b: ")
