"""Hand-written FHIR R4 cases for each category, for negative cases and for bad records."""

from __future__ import annotations


def by_resource(evaluation, category):
    return {a.resource: a for a in evaluation.alerts if a.category == category}


def test_total_knee_arthroplasty_and_scheduled_spinal_fusion_are_separate_surgery_alerts(positive_evaluation):
    surgery = by_resource(positive_evaluation, "surgery")
    assert set(surgery) == {"Procedure/pos-tka", "ServiceRequest/pos-fusion-order"}
    assert {a.route_to for a in surgery.values()} == {"physician"}


def test_epidural_and_major_joint_injections_raise_injection_alerts(positive_evaluation):
    assert set(by_resource(positive_evaluation, "injection")) == {"Procedure/pos-epidural", "Procedure/pos-knee-injection"}


def test_lumbar_mri_procedure_and_its_study_form_one_high_imaging_alert(positive_evaluation):
    imaging = [a for a in positive_evaluation.alerts if a.category == "advanced_imaging"]
    assert len(imaging) == 1
    assert imaging[0].severity == "high"
    assert {imaging[0].resource, *imaging[0].related} == {"Procedure/pos-lumbar-mri", "ImagingStudy/pos-lumbar-mri-study"}


def test_orthopedic_referral_raises_specialist_referral(positive_evaluation):
    assert set(by_resource(positive_evaluation, "specialist_referral")) == {"ServiceRequest/pos-ortho-referral"}


def test_two_tablets_of_oxycodone_5_mg_every_4_hours_is_90_mme_and_urgent(positive_evaluation):
    # Hand computation: 5 mg x 2 tablets x 6 doses/day x 1.5 (CDC 2022 oxycodone factor) = 90 MME/day.
    alert = by_resource(positive_evaluation, "high_dose_opioid")["MedicationRequest/pos-oxy-high"]
    assert alert.severity == "urgent"
    assert "90 MME/day" in alert.evidence


def test_fentanyl_25_mcg_per_hour_patch_is_60_mme_and_high(positive_evaluation):
    # Hand computation: 25 mcg/h x 2.4 (CDC 2022 transdermal fentanyl factor) = 60 MME/day.
    alert = by_resource(positive_evaluation, "high_dose_opioid")["MedicationRequest/pos-fentanyl-patch"]
    assert alert.severity == "high"
    assert "60 MME/day" in alert.evidence


def test_hydrocodone_7_5_mg_every_6_hours_is_30_mme_and_not_high_dose(positive_evaluation):
    # Hand computation: 7.5 mg x 4/day x 1 = 30 MME/day, below 50.
    assert "MedicationRequest/pos-hydrocodone-low" not in by_resource(positive_evaluation, "high_dose_opioid")
    alert = by_resource(positive_evaluation, "opioid_prescription")["MedicationRequest/pos-hydrocodone-low"]
    assert "30 MME/day" in alert.evidence


def test_opioid_named_only_in_text_is_surfaced_as_routine(positive_evaluation):
    alert = by_resource(positive_evaluation, "opioid_prescription")["MedicationRequest/pos-oxy-text-only"]
    assert alert.severity == "routine"


def test_alprazolam_during_an_oxycodone_prescription_is_an_urgent_overlap(positive_evaluation):
    overlap = [a for a in positive_evaluation.alerts if a.category == "opioid_benzodiazepine"]
    assert len(overlap) == 1 and overlap[0].severity == "urgent"
    assert "alprazolam" in overlap[0].evidence


def test_cauda_equina_icd10_code_is_an_urgent_red_flag(positive_evaluation):
    alert = by_resource(positive_evaluation, "red_flag_condition")["Condition/pos-cauda-equina"]
    assert alert.severity == "urgent"


def test_third_ed_visit_within_60_days_raises_one_high_utilizer_alert(positive_evaluation):
    assert list(by_resource(positive_evaluation, "high_utilizer")) == ["Encounter/pos-ed-3"]
    assert len(by_resource(positive_evaluation, "ed_visit")) == 3
    assert list(by_resource(positive_evaluation, "inpatient_admission")) == ["Encounter/pos-imp-1"]


def test_negative_cases_raise_no_alert(engine, fixture_events, window):
    # Flu vaccine, tetanus antitoxin, intramuscular injection, knee X-ray, ibuprofen, ankle sprain,
    # cancelled ED visit, opioid entered in error, refuted hip fracture, naloxone.
    events = fixture_events("msk_negative_bundle.json")
    assert engine.evaluate(events, now=window[0], since=window[1]).alerts == []


def test_bad_records_are_reported_and_surfaced_not_dropped(engine, fixture_events, window):
    evaluation = engine.evaluate(fixture_events("bad_records_bundle.json"), now=window[0], since=window[1])
    alerts = {a.resource: a for a in evaluation.alerts}
    assert alerts["Encounter/bad-ed-no-date"].severity == "routine"
    assert alerts["Encounter/bad-ed-future"].severity == "routine"
    assert "MME unknown: dose quantity missing" in alerts["MedicationRequest/bad-oxy-no-dose"].evidence
    assert "MME unknown: no CDC 2022 conversion factor for meperidine" in alerts[
        "MedicationRequest/bad-meperidine-dosed"].evidence
    assert "Encounter/bad-ed-no-date: date missing or invalid" in evaluation.problems
    assert "Procedure/bad-unknown-system: unknown code system in Procedure.code" in evaluation.problems
    assert "Procedure/bad-no-code: no code" in evaluation.problems
    assert "Encounter/bad-ed-no-subject: patient reference missing or unresolvable" in evaluation.problems


def test_events_before_the_monitoring_window_become_context_only(engine, fixture_events, window):
    evaluation = engine.evaluate(fixture_events("msk_positive_bundle.json"), now=window[0], since=window[0])
    assert evaluation.alerts == []
    assert evaluation.context and not any(a.actionable for a in evaluation.context)
