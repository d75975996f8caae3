"""Engine behaviour: compiled lookups equal the naive baseline, de-duplication, windows, in-app signals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from openmsk.escalation.engine import Engine, monitoring_start
from openmsk.escalation.events import ClinicalEvent, signal_event
from openmsk.escalation.naive import naive_match

NOW = datetime(2025, 6, 30, tzinfo=UTC)


def ed_visit(resource_id: str, day: datetime, patient: str = "p1") -> ClinicalEvent:
    return ClinicalEvent(patient=patient, resource_type="Encounter", resource_id=resource_id, status="finished",
                         occurred_at=day, codes=(("actcode", "EMER", None),))


def ct_study(resource_id: str, day: datetime) -> ClinicalEvent:
    return ClinicalEvent(patient="p1", resource_type="ImagingStudy", resource_id=resource_id, status="available",
                         occurred_at=day, codes=(("dicom", "CT", "Computed Tomography"),), text="Chest")


def summary(matches):
    return sorted((m.rule.id, m.severity, m.matched, m.episode, m.notes) for m in matches)


def test_compiled_matching_equals_the_naive_baseline(engine, fixture_events):
    events = [e for name in ("msk_positive_bundle.json", "msk_negative_bundle.json", "bad_records_bundle.json")
              for e in fixture_events(name)]
    events += [signal_event(kind, "p1", NOW, f"s-{kind}", text="started oxycodone")
               for kind in ("red_flag_reported", "self_harm_risk", "pain_spike", "surgery_intent", "medication_change")]
    rules = engine.compiled.rules
    for event in events:
        assert summary(engine.compiled.match(event)) == summary(naive_match(rules, event)), event.resource


@pytest.mark.shared_data
def test_compiled_matching_equals_the_naive_baseline_on_synthea(engine, synthea_events):
    rules = engine.compiled.rules
    sample = synthea_events[::7]
    assert all(summary(engine.compiled.match(e)) == summary(naive_match(rules, e)) for e in sample)


def test_two_ct_studies_within_the_dedup_window_give_one_alert(engine):
    day = datetime(2025, 6, 1, tzinfo=UTC)
    result = engine.evaluate([ct_study("a", day), ct_study("b", day + timedelta(days=3))], now=NOW)
    assert len(result.alerts) == 1
    assert result.alerts[0].related == ("ImagingStudy/b",)


def test_ct_studies_further_apart_than_the_window_give_two_alerts(engine):
    day = datetime(2025, 3, 1, tzinfo=UTC)
    result = engine.evaluate([ct_study("a", day), ct_study("b", day + timedelta(days=60))], now=NOW)
    assert len(result.alerts) == 2


def test_the_same_resource_imported_twice_gives_one_alert(engine):
    day = datetime(2025, 6, 1, tzinfo=UTC)
    result = engine.evaluate([ed_visit("e1", day), ed_visit("e1", day)], now=NOW)
    assert len(result.alerts) == 1


def test_dedup_key_is_stable_and_prior_alerts_suppress_later_records_of_the_episode(engine):
    day = datetime(2025, 6, 1, tzinfo=UTC)
    first = engine.evaluate([ct_study("a", day)], now=NOW)
    assert engine.evaluate([ct_study("a", day)], now=NOW).alerts[0].dedup_key == first.alerts[0].dedup_key
    later = engine.evaluate([ct_study("b", day + timedelta(days=2))], now=NOW, prior=first.alerts)
    assert later.alerts == [] and later.suppressed == [("ImagingStudy/b", first.alerts[0].dedup_key)]


def test_monitoring_window_starts_30_days_before_enrollment_by_default():
    enrolled = datetime(2025, 6, 1, tzinfo=UTC)
    assert monitoring_start(enrolled) == datetime(2025, 5, 2, tzinfo=UTC)


def test_event_before_the_window_is_context_and_after_it_actionable(engine):
    since = datetime(2025, 5, 1, tzinfo=UTC)
    old, new = ed_visit("old", since - timedelta(days=1)), ed_visit("new", since + timedelta(days=1))
    result = engine.evaluate([old, new], now=NOW, since=since)
    assert [a.resource for a in result.alerts if a.category == "ed_visit"] == ["Encounter/new"]
    assert [a.resource for a in result.context] == ["Encounter/old"]


def test_two_ed_visits_do_not_make_a_high_utilizer_but_three_in_60_days_do(engine):
    day = datetime(2025, 4, 1, tzinfo=UTC)
    two = engine.evaluate([ed_visit("a", day), ed_visit("b", day + timedelta(days=30))], now=NOW)
    assert not [a for a in two.alerts if a.category == "high_utilizer"]
    spread = [ed_visit("a", day), ed_visit("b", day + timedelta(days=40)), ed_visit("c", day + timedelta(days=80))]
    assert not [a for a in engine.evaluate(spread, now=NOW).alerts if a.category == "high_utilizer"]
    three = spread[:2] + [ed_visit("c", day + timedelta(days=60))]
    assert [a.resource for a in engine.evaluate(three, now=NOW).alerts if a.category == "high_utilizer"] == [
        "Encounter/c"]


@pytest.mark.parametrize(
    ("kind", "category", "severity", "role"),
    [
        ("red_flag_reported", "red_flag_reported", "urgent", "physician"),
        ("self_harm_risk", "self_harm_risk", "urgent", "behavioral_health"),
        ("pain_spike", "pain_spike", "routine", "physical_therapist"),
        ("surgery_intent", "surgery_intent", "routine", "physical_therapist"),
    ],
)
def test_in_app_signals_route_to_the_right_role(engine, kind, category, severity, role):
    result = engine.evaluate([signal_event(kind, "p1", NOW - timedelta(hours=1), "s1")], now=NOW)
    assert [(a.category, a.severity, a.route_to) for a in result.alerts] == [(category, severity, role)]


def test_medication_change_naming_an_opioid_raises_a_routine_opioid_alert(engine):
    event = signal_event("medication_change", "p1", NOW - timedelta(hours=1), "s1", text="Started tramadol")
    result = engine.evaluate([event], now=NOW)
    assert [(a.category, a.severity) for a in result.alerts] == [("opioid_prescription", "routine")]


def test_medication_change_without_an_opioid_raises_nothing(engine):
    event = signal_event("medication_change", "p1", NOW - timedelta(hours=1), "s1", text="Stopped ibuprofen")
    assert engine.evaluate([event], now=NOW).alerts == []


def test_signal_constructor_rejects_unknown_kinds_and_naive_times():
    with pytest.raises(ValueError):
        signal_event("feeling_sad", "p1", NOW, "s1")
    with pytest.raises(ValueError):
        signal_event("pain_spike", "p1", datetime(2025, 1, 1), "s1")


def test_evaluate_rejects_naive_datetimes(engine):
    with pytest.raises(ValueError):
        engine.evaluate([], now=datetime(2025, 1, 1))


def test_engine_can_be_built_from_a_subset_of_rules(engine):
    only_ed = Engine([r for r in engine.compiled.rules if r.category == "ed_visit"])
    result = only_ed.evaluate([ed_visit("a", NOW - timedelta(days=1)), ct_study("b", NOW)], now=NOW)
    assert [a.category for a in result.alerts] == ["ed_visit"]


def test_surgery_order_dated_in_the_future_keeps_its_severity(engine):
    order = ClinicalEvent(patient="p1", resource_type="ServiceRequest", resource_id="s", status="active",
                          occurred_at=NOW + timedelta(days=20), codes=(("cpt", "27447", "Total knee arthroplasty"),))
    assert [(a.category, a.severity) for a in engine.evaluate([order], now=NOW).alerts] == [("surgery", "high")]


def test_future_dated_encounter_is_surfaced_as_routine(engine):
    result = engine.evaluate([ed_visit("f", NOW + timedelta(days=3))], now=NOW)
    assert [(a.category, a.severity) for a in result.alerts] == [("ed_visit", "routine")]
