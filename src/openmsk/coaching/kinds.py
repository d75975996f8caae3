"""Nudge kinds, delivery channels and the priority between competing nudges."""

from enum import StrEnum


class Kind(StrEnum):
    """What a nudge is about."""

    MISSED_SESSION = "missed_session"
    INACTIVE = "inactive"
    REASSESSMENT_DUE = "reassessment_due"
    PAIN_SPIKE = "pain_spike"
    STREAK_MILESTONE = "streak_milestone"
    GOAL_ACHIEVED = "goal_achieved"
    UNREAD_MESSAGE = "unread_message"


class Channel(StrEnum):
    """Where a nudge is delivered; in_app is always available and cannot be opted out of."""

    IN_APP = "in_app"
    EMAIL = "email"
    SMS = "sms"
    PUSH = "push"


COACH_HANDOFF = "coach_handoff"
COACH_TASK_CHANNEL = "coach_task"

# Higher wins when several nudges compete for the same slot. Program choices, not clinical
# rules: a member-reported pain increase and a waiting care-team message come first because
# a person is (or should be) in the loop; celebrations come last because they can wait.
PRIORITY: dict[Kind, int] = {
    Kind.PAIN_SPIKE: 90,
    Kind.UNREAD_MESSAGE: 80,
    Kind.REASSESSMENT_DUE: 70,
    Kind.INACTIVE: 60,
    Kind.MISSED_SESSION: 50,
    Kind.GOAL_ACHIEVED: 40,
    Kind.STREAK_MILESTONE: 30,
}
