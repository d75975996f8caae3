"""Each nudge rule, table-driven: when it fires, when it stays silent, and its episode."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from openmsk.coaching.care_rules import evaluate_rules, pain_spike, reassessment_due, unread_message
from openmsk.coaching.kinds import Kind
from openmsk.coaching.plan import on_plan_streak, plan_weekdays
from openmsk.coaching.rules import RuleConfig, goal_achieved, inactive, missed_session, streak_milestone
from openmsk.coaching.snapshot import ActivitySnapshot, GoalAchievement, PainCheckin, UnreadMessage

NY = "America/New_York"
ENROLLED = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)  # Monday 2026-03-02 00:00 EST
WED_10AM = datetime(2026, 3, 11, 14, 0, tzinfo=UTC)  # Wednesday 2026-03-11 10:00 EDT
CONFIG = RuleConfig()


def snap(**changes) -> ActivitySnapshot:
    base = ActivitySnapshot(member_id="m1", timezone=NY, enrolled_at=ENROLLED, sessions_per_week=3,
                            last_activity_at=WED_10AM - timedelta(hours=1))
    return replace(base, **changes)


def at_local(day: int, hour: int) -> datetime:
    """A March 2026 New York wall-clock time (after the DST change) as UTC."""
    return datetime(2026, 3, day, hour + 4, tzinfo=UTC)


@pytest.mark.parametrize(
    ("sessions", "now", "expected_episode"),
    [
        ((), WED_10AM, "2026-03-09"),  # Monday planned (MWF), nothing done since
        ((at_local(9, 18),), WED_10AM, None),  # Monday done
        ((at_local(10, 7),), WED_10AM, None),  # done Tuesday instead: no nag
        ((), at_local(12, 10), "2026-03-11"),  # Thursday looks back at Wednesday, not Monday
        ((at_local(13, 18),), at_local(14, 10), None),  # Saturday: Friday (latest planned day) done
        ((), at_local(15, 10), "2026-03-13"),  # Sunday: a missed Friday is within the 2-day lookback
        ((), at_local(16, 3), None),  # Monday 03:00: Sat/Sun are not planned and Friday is 3 days back
    ],
)
def test_missed_session_fires_for_the_latest_planned_day_without_a_session(sessions, now, expected_episode):
    result = missed_session(snap(completed_sessions=sessions), now, CONFIG)
    assert [c.episode for c in result] == ([] if expected_episode is None else [expected_episode])


def test_missed_session_ignores_planned_days_before_enrolment():
    sunday_enrolled = datetime(2026, 3, 10, 4, 0, tzinfo=UTC)  # Tuesday 00:00 EDT
    assert missed_session(snap(enrolled_at=sunday_enrolled), WED_10AM, CONFIG) == []


def test_missed_session_uses_explicit_plan_days():
    tue_thu = snap(plan_weekdays=(1, 3))
    assert [c.episode for c in missed_session(tue_thu, WED_10AM, CONFIG)] == ["2026-03-10"]


@pytest.mark.parametrize(
    ("idle", "inactive_days", "expected"),
    [
        (timedelta(days=2, hours=23), 3, []),
        (timedelta(days=3), 3, ["+3d"]),
        (timedelta(days=5, hours=23), 3, ["+3d"]),
        (timedelta(days=6), 3, ["+6d"]),
        (timedelta(days=5), 5, ["+5d"]),
    ],
)
def test_inactive_fires_after_n_days_and_repeats_every_n_more(idle, inactive_days, expected):
    last = WED_10AM - idle
    result = inactive(snap(last_activity_at=last), WED_10AM, RuleConfig(inactive_days=inactive_days))
    assert [c.episode.split("+")[1] for c in result] == [e[1:] for e in expected]
    assert all(c.episode.startswith("2026-03-0") for c in result)  # the local date activity stopped


def test_inactive_counts_from_enrolment_when_there_was_never_any_activity():
    result = inactive(snap(last_activity_at=None), ENROLLED + timedelta(days=3), CONFIG)
    assert [c.episode for c in result] == ["2026-03-02+3d"]


@pytest.mark.parametrize(
    ("streak", "expected"),
    [(0, []), (2, []), (3, ["2026-03-02:3"]), (6, ["2026-03-02:3"]), (7, ["2026-03-02:7"]), (31, ["2026-03-02:30"])],
)
def test_streak_milestone_celebrates_the_highest_milestone_reached(streak, expected):
    result = streak_milestone(snap(streak_days=streak, streak_started_on=date(2026, 3, 2)), WED_10AM, CONFIG)
    assert [c.episode for c in result] == expected


@pytest.mark.parametrize(("age_days", "fires"), [(0, True), (6, True), (8, False)])
def test_goal_achieved_fires_for_recent_goals_only(age_days, fires):
    goal = GoalAchievement("walk-30", WED_10AM - timedelta(days=age_days))
    assert bool(goal_achieved(snap(goals_achieved=(goal,)), WED_10AM, CONFIG)) is fires


@pytest.mark.parametrize(
    ("due", "expected"),
    [((date(2026, 3, 12),), []), ((date(2026, 3, 11),), ["2026-03-11#0"]),
     ((date(2026, 3, 8), date(2026, 3, 10)), ["2026-03-08#1"])],
)
def test_reassessment_due_fires_when_due_and_re_reminds_every_few_days(due, expected):
    assert [c.episode for c in reassessment_due(snap(reassessments_due=due), WED_10AM, CONFIG)] == expected


def checkins(*scores_hours_ago: tuple[int, int]) -> tuple[PainCheckin, ...]:
    return tuple(PainCheckin(WED_10AM - timedelta(hours=h), s) for s, h in scores_hours_ago)


@pytest.mark.parametrize(
    ("history", "fires"),
    [
        (checkins((3, 200), (4, 100), (5, 1)), False),  # baseline median 3.5; +1.5 < 2
        (checkins((3, 200), (3, 100), (5, 1)), True),  # +2 from baseline 3
        (checkins((3, 200), (3, 100), (2, 1)), False),  # pain went down
        (checkins((6, 1)), False),  # no baseline yet
        (checkins((2, 400 * 24), (7, 1)), False),  # only check-in before is outside 14-day window
        (checkins((2, 100), (7, 49)), False),  # the rise is older than 48 h: stale
    ],
)
def test_pain_spike_needs_two_points_above_recent_median(history, fires):
    assert bool(pain_spike(snap(pain_checkins=history), WED_10AM, CONFIG)) is fires


def test_pain_spike_reason_and_message_carry_no_scores():
    (cand,) = pain_spike(snap(pain_checkins=checkins((1, 100), (9, 1))), WED_10AM, CONFIG)
    assert not any(ch.isdigit() for ch in cand.reason + cand.message)


@pytest.mark.parametrize(("age_hours", "fires"), [(23, False), (24, True), (72, True)])
def test_unread_message_fires_once_older_than_the_threshold(age_hours, fires):
    message = UnreadMessage("msg-1", WED_10AM - timedelta(hours=age_hours))
    result = unread_message(snap(unread_messages=(message,)), WED_10AM, CONFIG)
    assert [c.episode for c in result] == (["msg-1"] if fires else [])


def test_evaluate_rules_collects_every_kind_with_its_priority():
    busy = snap(
        last_activity_at=WED_10AM - timedelta(days=4),
        reassessments_due=(date(2026, 3, 11),),
        pain_checkins=checkins((2, 100), (6, 2)),
        streak_days=3, streak_started_on=date(2026, 3, 2),
        goals_achieved=(GoalAchievement("g", WED_10AM),),
        unread_messages=(UnreadMessage("x", WED_10AM - timedelta(days=2)),),
    )
    kinds = {c.kind for c in evaluate_rules(busy, WED_10AM)}
    assert kinds == set(Kind)


@pytest.mark.parametrize(
    ("per_week", "expected"), [(0, ()), (1, (2,)), (3, (0, 2, 4)), (7, tuple(range(7)))]
)
def test_default_plan_days_spread_sessions_over_the_week(per_week, expected):
    assert plan_weekdays(per_week) == expected


@pytest.mark.parametrize(
    ("session_days", "today", "expected"),
    [
        ([], date(2026, 3, 11), (0, None)),
        ([date(2026, 3, 2)], date(2026, 3, 4), (3, date(2026, 3, 2))),  # Mon done, Tue rest, Wed today
        ([date(2026, 3, 2)], date(2026, 3, 5), (0, None)),  # Wed missed
        ([date(2026, 3, 2), date(2026, 3, 4), date(2026, 3, 6)], date(2026, 3, 8), (7, date(2026, 3, 2))),
        ([date(2026, 3, 2), date(2026, 3, 6)], date(2026, 3, 8), (3, date(2026, 3, 6))),  # restart Fri
    ],
)
def test_on_plan_streak_counts_days_kept_since_the_last_missed_planned_day(session_days, today, expected):
    assert on_plan_streak(session_days, (0, 2, 4), today, date(2026, 3, 2)) == expected
