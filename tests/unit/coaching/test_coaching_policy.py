"""Each delivery-policy step, table-driven, through the public decide() and its step functions."""

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

import pytest

from openmsk.coaching.candidates import CandidateNudge
from openmsk.coaching.kinds import Kind
from openmsk.coaching.localtime import QuietHours
from openmsk.coaching.policy import Preferences, choose_channel, decide, violates_preferences
from openmsk.coaching.policy_steps import PolicyConfig, cap_release, ignored_in_a_row, in_cooldown
from openmsk.coaching.snapshot import ActivitySnapshot, SentNudgeRecord

NY = "America/New_York"
NOW = datetime(2026, 3, 11, 14, 0, tzinfo=UTC)  # Wednesday 10:00 EDT, ISO week 11
ENROLLED = datetime(2026, 2, 2, 5, 0, tzinfo=UTC)


def cand(kind: Kind, episode: str = "e1") -> CandidateNudge:
    return CandidateNudge(kind, episode, "reason", "message")


def sent(kind: str, hours_ago: float, episode: str = "old", responded_after: float | None = None) -> SentNudgeRecord:
    at = NOW - timedelta(hours=hours_ago)
    responded = None if responded_after is None else at + timedelta(hours=responded_after)
    return SentNudgeRecord(kind, episode, at, "push", responded)


def snap(*history: SentNudgeRecord, last_activity: datetime | None = ENROLLED) -> ActivitySnapshot:
    return ActivitySnapshot("m1", NY, ENROLLED, 3, last_activity_at=last_activity, nudge_history=history)


def test_highest_priority_candidate_wins_and_the_rest_are_held():
    decision = decide([cand(Kind.STREAK_MILESTONE), cand(Kind.PAIN_SPIKE), cand(Kind.INACTIVE)], snap(),
                      Preferences(), NOW)
    assert decision.send.candidate.kind is Kind.PAIN_SPIKE
    assert decision.send.key == "m1:pain_spike:e1"
    assert ("streak_milestone", "lower_priority") in decision.suppressed


def test_an_episode_already_sent_is_never_repeated():
    history = (sent("inactive", 100, episode="e1", responded_after=1),)
    decision = decide([cand(Kind.INACTIVE, "e1")], snap(*history), Preferences(), NOW)
    assert decision.send is None and decision.suppressed == (("inactive", "already_sent"),)


def test_kind_opt_out_is_honored_and_other_kinds_still_go():
    prefs = Preferences(opted_out_kinds=frozenset({"pain_spike"}))
    decision = decide([cand(Kind.PAIN_SPIKE), cand(Kind.INACTIVE)], snap(), prefs, NOW)
    assert decision.send.candidate.kind is Kind.INACTIVE
    assert ("pain_spike", "opted_out") in decision.suppressed


@pytest.mark.parametrize(
    ("channels", "opted_out", "expected"),
    [
        (("push", "in_app"), set(), "push"),
        (("push", "in_app"), {"push"}, "in_app"),
        (("sms", "email", "in_app"), {"sms"}, "email"),
        (("sms",), {"sms"}, "in_app"),
        (("in_app", "push"), {"in_app"}, "in_app"),  # in_app cannot be opted out of
    ],
)
def test_channel_is_the_first_preferred_one_not_opted_out_with_in_app_fallback(channels, opted_out, expected):
    assert choose_channel(Preferences(channels=channels, opted_out_channels=frozenset(opted_out))) == expected


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        ((), False),
        ((sent("inactive", 71),), True),  # unanswered, 71 h < 3 days
        ((sent("inactive", 72),), False),  # cool-down over
        ((sent("inactive", 10, responded_after=1),), False),  # answered: no cool-down
        ((sent("missed_session", 10),), False),  # other kind
    ],
)
def test_cooldown_blocks_only_the_same_unanswered_kind(history, expected):
    assert in_cooldown("inactive", snap(*history), NOW, PolicyConfig()) is expected


IGNORED_THREE = (sent("missed_session", 200, "a"), sent("missed_session", 130, "b"), sent("missed_session", 60, "c"))


@pytest.mark.parametrize(
    ("history", "last_activity", "expected"),
    [
        (IGNORED_THREE, ENROLLED, 3),
        (IGNORED_THREE[:2] + (sent("missed_session", 60, "c", responded_after=2),), ENROLLED, 0),  # answered
        (IGNORED_THREE, NOW - timedelta(hours=140), 2),  # activity resets the count
        (IGNORED_THREE[:2] + (sent("missed_session", 10, "c"),), ENROLLED, 2),  # last still within 48 h window
        (IGNORED_THREE[:2] + (sent("inactive", 60, "x", responded_after=1),), ENROLLED, 0),  # any response resets
    ],
)
def test_ignored_in_a_row_counts_unanswered_nudges_since_last_engagement(history, last_activity, expected):
    assert ignored_in_a_row("missed_session", snap(*history, last_activity=last_activity), NOW, PolicyConfig()) == expected


def test_three_ignored_nudges_hand_off_to_a_coach_instead_of_a_fourth():
    decision = decide([cand(Kind.MISSED_SESSION, "d")], snap(*IGNORED_THREE), Preferences(), NOW)
    assert decision.send is None
    (handoff,) = decision.handoffs
    assert handoff.about_kind == "missed_session"
    assert handoff.key.startswith("m1:coach_handoff:missed_session@")


def test_a_hand_off_is_raised_once_and_the_kind_stays_quiet():
    first = decide([cand(Kind.MISSED_SESSION, "d")], snap(*IGNORED_THREE), Preferences(), NOW)
    record = SentNudgeRecord("coach_handoff", first.handoffs[0].episode, NOW, "coach_task")
    later = NOW + timedelta(days=2)
    again = decide([cand(Kind.MISSED_SESSION, "e")], snap(*IGNORED_THREE, record), Preferences(), later)
    assert again.send is None and again.handoffs == ()
    assert ("missed_session", "handed_off") in again.suppressed


@pytest.mark.parametrize(
    ("history", "per_day", "per_week", "expected"),
    [
        ((), 1, 3, None),
        ((sent("inactive", 2),), 1, 3, datetime(2026, 3, 12, 4, tzinfo=UTC)),  # next local midnight (EDT)
        ((sent("inactive", 2),), 2, 3, None),
        # Monday, Tuesday and Wednesday sends fill the week: released Monday 2026-03-16 00:00 EDT.
        ((sent("inactive", 48, "1"), sent("inactive", 24, "2"), sent("inactive", 1, "3")), 5, 3, datetime(2026, 3, 16, 4, tzinfo=UTC)),
        # Sunday 2026-03-08 23:30 EDT belongs to ISO week 10, not this week.
        ((sent("inactive", 62.5, "1"), sent("inactive", 24, "2"), sent("inactive", 1, "3")), 5, 3, None),
    ],
)
def test_caps_count_local_calendar_days_and_iso_weeks(history, per_day, per_week, expected):
    assert cap_release(snap(*history), per_day, per_week, NOW) == expected


def test_capped_nudge_is_deferred_to_after_midnight_and_quiet_hours():
    decision = decide([cand(Kind.INACTIVE)], snap(sent("pain_spike", 2, responded_after=1)), Preferences(), NOW)
    assert decision.send is None
    assert decision.deferred_until == datetime(2026, 3, 12, 12, tzinfo=UTC)  # Thursday 08:00 EDT


@pytest.mark.parametrize(
    ("now", "deferred_until"),
    [
        (datetime(2026, 3, 11, 2, 0, tzinfo=UTC), datetime(2026, 3, 11, 12, tzinfo=UTC)),  # 22:00 EDT
        (datetime(2026, 3, 11, 11, 59, tzinfo=UTC), datetime(2026, 3, 11, 12, tzinfo=UTC)),  # 07:59 EDT
        (datetime(2026, 3, 11, 12, 0, tzinfo=UTC), None),  # 08:00 EDT: sends
    ],
)
def test_quiet_hours_defer_to_their_local_end(now, deferred_until):
    decision = decide([cand(Kind.INACTIVE)], snap(), Preferences(), now)
    assert decision.deferred_until == deferred_until
    assert (decision.send is None) is (deferred_until is not None)


def test_member_configured_quiet_hours_are_used():
    prefs = Preferences(quiet_hours=QuietHours(time(9, 0), time(11, 0)))
    assert decide([cand(Kind.INACTIVE)], snap(), prefs, NOW).deferred_until == datetime(2026, 3, 11, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    ("kind", "channel", "prefs", "expected"),
    [
        ("inactive", "push", Preferences(), False),
        ("inactive", "push", Preferences(opted_out_channels=frozenset({"push"})), True),
        ("inactive", "in_app", Preferences(opted_out_channels=frozenset({"in_app"})), False),
        ("inactive", "in_app", Preferences(opted_out_kinds=frozenset({"inactive"})), True),
    ],
)
def test_pending_nudge_is_rechecked_against_opt_outs_before_sending(kind, channel, prefs, expected):
    assert violates_preferences(kind, channel, prefs) is expected


def test_decide_refuses_naive_now():
    with pytest.raises(ValueError):
        decide([cand(Kind.INACTIVE)], snap(), Preferences(), NOW.replace(tzinfo=None))


def test_handoff_disabled_when_threshold_is_zero():
    decision = decide([cand(Kind.MISSED_SESSION, "d")], snap(*IGNORED_THREE), Preferences(), NOW + timedelta(days=5),
                      PolicyConfig(handoff_after_ignored=0))
    assert decision.handoffs == () and decision.send is not None
    assert replace(decision.send.candidate).kind is Kind.MISSED_SESSION
