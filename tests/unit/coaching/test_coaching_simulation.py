"""12-week simulations with the hourly fake clock across both 2026 US DST changes."""

import json
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from openmsk.coaching.scenario import parse_scenario
from openmsk.coaching.simulator import simulate

DATA = Path(__file__).resolve().parents[2] / "data" / "coaching"
NY = "America/New_York"
NIGHT = (time(21, 0), time(8, 0))
THREE_DAYS = timedelta(days=3)


def load(name: str) -> dict:
    return json.loads((DATA / name).read_text())


def run(raw: dict):
    return simulate(parse_scenario(raw))


@pytest.fixture(scope="module")
def spring_raw() -> dict:
    return load("spring_dst_ignores_nudges.json")


@pytest.fixture(scope="module")
def spring(spring_raw):
    return run(spring_raw)


def test_spring_run_spans_the_dst_change_and_respects_quiet_hours(spring, checks):
    offsets = {n.local_time.utcoffset() for n in spring}
    assert offsets == {timedelta(hours=-5), timedelta(hours=-4)}  # nudges on both sides of 2026-03-08
    checks.quiet_hours(spring, NY, *NIGHT)


def test_pain_check_in_right_after_the_dst_jump_waits_for_8am_daylight_time(spring):
    # Check-in at 07:30 UTC on 2026-03-08 is 03:30 EDT, half an hour after clocks jumped.
    (pain,) = [n for n in spring if n.kind == "pain_spike"]
    assert pain.at == datetime(2026, 3, 8, 12, 0, tzinfo=UTC)
    assert pain.local_time.isoformat() == "2026-03-08T08:00:00-04:00"


def test_spring_run_respects_daily_and_iso_weekly_caps(spring, checks):
    checks.caps(spring, NY, per_day=1, per_week=3)
    assert len(checks.nudges_only(spring)) >= 10  # the caps were actually exercised


def test_ignored_kinds_are_not_repeated_within_the_cool_down(spring, checks):
    checks.cooldown(spring, THREE_DAYS)


def test_three_ignored_nudges_of_a_kind_hand_off_once_and_that_kind_stops(spring):
    last_session = datetime(2026, 3, 20, 22, 0, tzinfo=UTC)  # Friday 18:00 EDT, the final scripted session
    handoffs = [n for n in spring if n.kind == "coach_handoff"]
    assert handoffs, "an ignoring, inactive member must be handed off"
    handed_kinds = [h.episode.split("@")[0] for h in handoffs]
    assert len(handed_kinds) == len(set(handed_kinds))  # one hand-off per kind
    for handoff, kind in zip(handoffs, handed_kinds, strict=True):
        before = [n for n in spring if n.kind == kind and last_session < n.at < handoff.at]
        after = [n for n in spring if n.kind == kind and n.at > handoff.at]
        assert len(before) == 3 and after == []
        assert handoff.channel == "coach_task"


def test_channel_opt_out_is_honored_from_its_instant(spring, checks):
    opted = datetime(2026, 4, 1, 16, 0, tzinfo=UTC)
    checks.no_nudge_after(spring, opted, channel="push")
    assert any(n.channel == "push" for n in spring if n.at < opted)
    assert any(n.channel == "in_app" for n in spring if n.at >= opted)


def engaged_but_inactive(opt_out_at: datetime | None = None) -> dict:
    """Fall 2026 across the 2026-11-01 change: a member who opens nudges but does not exercise."""
    raw = {
        "timezone": NY, "start": "2026-10-04", "weeks": 12, "sessions_per_week": 3,
        "behaviour": {"nudges": "open", "response_delay_hours": 3,
                      "sessions": {"weekdays": ["mon", "wed", "fri"], "time": "12:00", "until": "2026-10-09"}},
        "events": [],
    }
    if opt_out_at is not None:
        raw["events"].append({"at": opt_out_at.isoformat(), "type": "opt_out", "kind": "missed_session"})
    return raw


def test_kind_opt_out_takes_effect_at_the_exact_instant_of_the_event(checks):
    baseline = run(engaged_but_inactive())
    missed = [n.at for n in baseline if n.kind == "missed_session"]
    pivot = missed[len(missed) // 2]  # an instant a missed_session nudge would otherwise go out
    with_opt_out = run(engaged_but_inactive(opt_out_at=pivot))
    checks.no_nudge_after(with_opt_out, pivot, kind="missed_session")
    assert [n.at for n in with_opt_out if n.kind == "missed_session"] == [t for t in missed if t < pivot]


def test_fall_run_across_dst_end_keeps_quiet_hours_caps_and_never_hands_off_an_engaged_member(checks):
    sent = run(engaged_but_inactive())
    assert {n.local_time.utcoffset() for n in sent} == {timedelta(hours=-4), timedelta(hours=-5)}
    checks.quiet_hours(sent, NY, *NIGHT)
    checks.caps(sent, NY, per_day=1, per_week=3)
    assert not any(n.kind == "coach_handoff" for n in sent)
    assert sum(n.kind == "inactive" for n in sent) >= 5  # responded nudges may repeat (new episodes)


def test_fall_example_defers_a_nudge_due_in_the_repeated_hour_to_8am_standard_time(checks):
    raw = load("fall_dst_engaged_member.json")
    sent = run(raw)
    unread = [n for n in sent if n.kind == "unread_message"]
    # Received 01:30 EDT on 2026-11-01; 24 h later is 00:30 EST, inside quiet hours until 07:30 EST.
    assert unread[0].local_time.isoformat() == "2026-11-02T08:00:00-05:00"
    checks.quiet_hours(sent, NY, time(22, 0), time(7, 30))
    checks.caps(sent, NY, per_day=1, per_week=3)
    assert {n.channel for n in sent} == {"email"}


def test_fall_ignoring_member_is_handed_off_per_kind_across_dst_end(checks):
    raw = {"timezone": NY, "start": "2026-10-18", "weeks": 12, "sessions_per_week": 2, "events": []}
    sent = run(raw)
    checks.quiet_hours(sent, NY, *NIGHT)
    checks.caps(sent, NY, 1, 3)
    checks.cooldown(sent, THREE_DAYS)
    for handoff in (n for n in sent if n.kind == "coach_handoff"):
        kind = handoff.episode.split("@")[0]
        assert [n for n in sent if n.kind == kind and n.at > handoff.at] == []
        assert sum(n.kind == kind and n.at < handoff.at for n in sent) == 3
    assert sum(n.kind == "coach_handoff" for n in sent) == 2  # missed_session and inactive
