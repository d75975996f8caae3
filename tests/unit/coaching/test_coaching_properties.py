"""Property test: over random scenarios, no nudge lands in quiet hours and caps always hold."""

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openmsk.coaching.scenario import parse_scenario
from openmsk.coaching.simulator import simulate

# Zones with DST both ways, a half-hour offset, and a 30-minute DST shift.
ZONES = ["America/New_York", "Europe/London", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Auckland", "UTC"]
EVENT_TYPES = ["session_completed", "pain_checkin", "message_received", "reassessment_due", "goal_achieved",
               "nudge_response", "message_read"]


def clock(hour: int, half: bool) -> str:
    return f"{hour:02d}:{30 if half else 0:02d}"


@st.composite
def scenarios(draw) -> dict:
    start = draw(st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 20)))
    weeks = draw(st.integers(1, 2))
    begin = datetime.combine(start, time(0), tzinfo=UTC)
    events = []
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(EVENT_TYPES))
        at = begin + timedelta(minutes=draw(st.integers(0, weeks * 7 * 24 * 60)))
        event = {"at": at.isoformat(), "type": kind}
        if kind == "pain_checkin":
            event["pain"] = draw(st.integers(0, 10))
        events.append(event)
    return {
        "timezone": draw(st.sampled_from(ZONES)),
        "start": start.isoformat(),
        "weeks": weeks,
        "sessions_per_week": draw(st.integers(0, 7)),
        "preferences": {
            "quiet_hours": [clock(draw(st.integers(0, 23)), draw(st.booleans())),
                            clock(draw(st.integers(0, 23)), draw(st.booleans()))],
            "max_per_day": draw(st.integers(0, 3)),
            "max_per_week": draw(st.integers(0, 6)),
        },
        "behaviour": {
            "nudges": draw(st.sampled_from(["ignore", "open"])),
            "sessions": {"weekdays": draw(st.lists(st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]),
                                                   max_size=4)),
                         "time": clock(draw(st.integers(0, 23)), draw(st.booleans()))},
        },
        "rules": {"inactive_days": draw(st.integers(1, 4)), "unread_after_hours": draw(st.integers(0, 48))},
        "events": events,
    }


def in_window(clock_time: time, start: time, end: time) -> bool:
    if start == end:
        return False
    return start <= clock_time < end if start < end else clock_time >= start or clock_time < end


RANDOM = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@RANDOM
@given(scenarios())
def test_no_nudge_in_local_quiet_hours_and_caps_always_hold(raw):
    # One simulation per example checks both properties, keeping the suite fast.
    sent = [n for n in simulate(parse_scenario(raw)) if n.kind != "coach_handoff"]
    start, end = (time.fromisoformat(t) for t in raw["preferences"]["quiet_hours"])
    per_day: dict[date, int] = {}
    per_week: dict[tuple[int, int], int] = {}
    for nudge in sent:
        assert not in_window(nudge.local_time.time(), start, end)
        day = nudge.local_time.date()
        per_day[day] = per_day.get(day, 0) + 1
        per_week[day.isocalendar()[:2]] = per_week.get(day.isocalendar()[:2], 0) + 1
    assert all(count <= raw["preferences"]["max_per_day"] for count in per_day.values())
    assert all(count <= raw["preferences"]["max_per_week"] for count in per_week.values())
    assert len({n.key for n in sent}) == len(sent)  # no idempotency key is ever sent twice
