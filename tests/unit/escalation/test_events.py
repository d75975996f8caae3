"""Normalizing FHIR R4 resources into ClinicalEvents."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from openmsk.escalation.events import normalize

SCT = "http://snomed.info/sct"
RX = "http://www.nlm.nih.gov/research/umls/rxnorm"


def test_encounter_date_is_period_start_converted_to_utc_and_class_is_a_code():
    event = normalize({"resourceType": "Encounter", "id": "e", "status": "finished",
                       "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "EMER"},
                       "subject": {"reference": "Patient/p1"}, "period": {"start": "2025-03-01T23:30:00-05:00"}})
    assert event.occurred_at == datetime(2025, 3, 2, 4, 30, tzinfo=UTC)
    assert ("actcode", "EMER", None) in event.codes
    assert event.patient == "p1" and event.resource == "Encounter/e" and event.problems == ()


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        ({"resourceType": "Procedure", "performedPeriod": {"start": "2025-01-02T10:00:00Z"}}, datetime(2025, 1, 2, 10, tzinfo=UTC)),
        ({"resourceType": "Procedure", "performedDateTime": "2025-01-03"}, datetime(2025, 1, 3, tzinfo=UTC)),
        ({"resourceType": "MedicationRequest", "authoredOn": "2025-01-04T00:00:00+00:00"}, datetime(2025, 1, 4, tzinfo=UTC)),
        ({"resourceType": "ImagingStudy", "started": "2025-01-05T00:00:00Z"}, datetime(2025, 1, 5, tzinfo=UTC)),
        ({"resourceType": "Condition", "recordedDate": "2025-01-06"}, datetime(2025, 1, 6, tzinfo=UTC)),
        ({"resourceType": "Condition", "onsetDateTime": "2025-01-07", "recordedDate": "2025-02-01"}, datetime(2025, 1, 7, tzinfo=UTC)),
        ({"resourceType": "ServiceRequest", "authoredOn": "2025-01"}, datetime(2025, 1, 1, tzinfo=UTC)),
        ({"resourceType": "DiagnosticReport", "issued": "2025-01-08T00:00:00.000Z"}, datetime(2025, 1, 8, tzinfo=UTC)),
    ],
)
def test_each_resource_type_is_dated_from_its_own_element(resource, expected):
    resource |= {"id": "x", "subject": {"reference": "Patient/p"}}
    assert normalize(resource).occurred_at == expected


def test_urn_uuid_subject_resolves_through_the_bundle_full_urls():
    resource = {"resourceType": "Condition", "id": "c", "subject": {"reference": "urn:uuid:abc"},
                "code": {"coding": [{"system": SCT, "code": "359817006"}]}, "onsetDateTime": "2025-01-01"}
    assert normalize(resource).patient == "abc"
    assert normalize(resource, {"urn:uuid:abc": "patient-7"}).patient == "patient-7"


def test_conditional_patient_reference_is_reported_not_guessed():
    event = normalize({"resourceType": "Procedure", "id": "p", "subject": {"reference": "Patient?identifier=x|1"},
                       "code": {"coding": [{"system": SCT, "code": "1"}]}, "performedDateTime": "2025-01-01"})
    assert event.patient is None
    assert "patient reference missing or unresolvable" in event.problems


def test_missing_date_unknown_system_and_missing_code_are_listed_as_problems():
    event = normalize({"resourceType": "Procedure", "id": "p", "subject": {"reference": "Patient/p"},
                       "code": {"coding": [{"system": "http://example.org/x", "code": "1"}]}})
    assert "date missing or invalid" in event.problems
    assert "unknown code system in Procedure.code" in event.problems
    assert "no code" in normalize({"resourceType": "Condition", "id": "c"}).problems


def test_imaging_study_series_modality_and_body_site_are_captured():
    event = normalize({"resourceType": "ImagingStudy", "id": "i", "subject": {"reference": "Patient/p"},
                       "started": "2025-01-01", "series": [{"uid": "1", "modality": {
                           "system": "http://dicom.nema.org/resources/ontology/DCM", "code": "MR"},
                           "bodySite": {"system": SCT, "code": "122496007", "display": "Lumbar spine structure"}}]})
    assert ("dicom", "MR", None) in event.codes
    assert ("snomed", "122496007", "Lumbar spine structure") in event.body_sites


def test_medication_dose_and_frequency_are_read_from_dosage_instruction():
    event = normalize({"resourceType": "MedicationRequest", "id": "m", "subject": {"reference": "Patient/p"},
                       "authoredOn": "2025-01-01", "medicationCodeableConcept": {"coding": [{"system": RX, "code": "1049221"}]},
                       "dosageInstruction": [{"timing": {"repeat": {"frequency": 1, "period": 6, "periodUnit": "h"}},
                                              "doseAndRate": [{"doseQuantity": {"value": 2, "unit": "tablet"}}]}]})
    assert (event.medication.dose_value, event.medication.dose_unit, event.medication.doses_per_day) == (2.0, "tablet", 4.0)


def test_timing_code_bid_means_two_doses_a_day_and_supply_duration_sets_the_end():
    event = normalize({"resourceType": "MedicationRequest", "id": "m", "subject": {"reference": "Patient/p"},
                       "authoredOn": "2025-01-01T00:00:00Z", "medicationCodeableConcept": {"text": "tramadol 50 MG"},
                       "dispenseRequest": {"expectedSupplyDuration": {"value": 10, "code": "d"}},
                       "dosageInstruction": [{"timing": {"code": {"coding": [{
                           "system": "http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation", "code": "BID"}]}}}]})
    assert event.medication.doses_per_day == 2.0
    assert event.medication.ends_at == datetime(2025, 1, 11, tzinfo=UTC)


def test_contained_medication_code_is_used_for_medication_reference():
    event = normalize({"resourceType": "MedicationRequest", "id": "m", "subject": {"reference": "Patient/p"},
                       "authoredOn": "2025-01-01", "medicationReference": {"reference": "#med"},
                       "contained": [{"resourceType": "Medication", "id": "med", "code": {"coding": [
                           {"system": RX, "code": "7804", "display": "oxycodone"}]}}]})
    assert ("rxnorm", "7804", "oxycodone") in event.codes


def test_refuted_condition_takes_its_verification_status():
    event = normalize({"resourceType": "Condition", "id": "c", "subject": {"reference": "Patient/p"},
                       "verificationStatus": {"coding": [{"code": "refuted"}]}, "onsetDateTime": "2025-01-01",
                       "code": {"coding": [{"system": SCT, "code": "359817006"}]}})
    assert event.status == "refuted"


def test_icd10_codes_are_normalized_without_the_dot():
    event = normalize({"resourceType": "Condition", "id": "c", "subject": {"reference": "Patient/p"},
                       "onsetDateTime": "2025-01-01",
                       "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "s32.010a"}]}})
    assert ("icd10cm", "S32010A", None) in event.codes


def test_encounter_class_without_a_system_is_read_as_act_code():
    event = normalize({"resourceType": "Encounter", "id": "e", "class": {"code": "EMER"},
                       "subject": {"reference": "Patient/p"}, "period": {"start": "2025-01-01"}})
    assert ("actcode", "EMER", None) in event.codes and event.problems == ()
