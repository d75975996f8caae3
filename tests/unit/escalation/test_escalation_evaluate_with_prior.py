"""`Engine.evaluate_with_prior` (one matching pass for the batch path) equals two `evaluate` calls."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from openmsk.escalation.events import ClinicalEvent

NOW = datetime(2025, 6, 30, tzinfo=UTC)


def _ed_visit(resource_id: str, day: datetime, patient: str = "p1") -> ClinicalEvent:
    return ClinicalEvent(patient=patient, resource_type="Encounter", resource_id=resource_id, status="finished",
                         occurred_at=day, codes=(("actcode", "EMER", None),))


def _both_ways(engine, events, since, prior):
    pair = engine.evaluate_with_prior(events, now=NOW, since=since, prior=prior)
    return pair, (engine.evaluate(events, now=NOW, since=since), engine.evaluate(events, now=NOW, since=since,
                                                                                  prior=prior))


def test_repeated_ed_visits_with_prior_alerts_give_what_two_evaluations_give(engine):
    visits = [_ed_visit(f"e{i}", NOW - timedelta(days=3 * i)) for i in range(8)]
    visits += [_ed_visit(f"q{i}", NOW - timedelta(days=5 * i), patient="p2") for i in range(3)]
    first = engine.evaluate(visits[:4], now=NOW, since=NOW - timedelta(days=40))
    prior = [alert for alert in first.alerts]
    assert prior, "the fixture must produce prior alerts to guard against"
    (full, guarded), (expected_full, expected_guarded) = _both_ways(engine, visits, NOW - timedelta(days=40), prior)
    assert full == expected_full
    assert guarded == expected_guarded
    assert guarded.suppressed, "some records are covered by the prior alerts"


def test_fixture_bundles_with_their_own_alerts_as_prior_agree(engine, fixture_events):
    events = [e for name in ("msk_positive_bundle.json", "msk_negative_bundle.json", "bad_records_bundle.json")
              for e in fixture_events(name)]
    since = datetime(2025, 1, 1, tzinfo=UTC)
    prior = engine.evaluate(events[: len(events) // 2], now=NOW, since=since).alerts
    (full, guarded), (expected_full, expected_guarded) = _both_ways(engine, events, since, prior)
    assert (full, guarded) == (expected_full, expected_guarded)
    assert full.alerts and full.problems


def test_an_engine_that_has_seen_the_events_evaluates_them_as_a_fresh_engine(engine, fixture_events):
    from openmsk.escalation.engine import Engine

    events = fixture_events("msk_positive_bundle.json")
    since = datetime(2025, 1, 1, tzinfo=UTC)
    first = engine.evaluate(events, now=NOW, since=since)
    again = engine.evaluate(list(reversed(events)), now=NOW, since=since)  # remembered matches, other order
    fresh = Engine.shipped().evaluate(events, now=NOW, since=since)
    assert first == fresh
    assert sorted(a.dedup_key for a in again.alerts) == sorted(a.dedup_key for a in fresh.alerts)
