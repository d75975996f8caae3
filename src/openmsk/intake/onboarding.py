"""What a submitted intake sets in motion, as plain data: first tasks, safety tasks, signals, crisis resources.

Due times here are service-level targets of the program (how soon the care team acts), not clinical
thresholds; a deployment may pass its own `FirstTaskPolicy`. See docs/intake-submission.md.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from openmsk.intake.document import IntakeSummary
from openmsk.intake.routing import RoutingDecision, RoutingPolicy

# 988 Suicide & Crisis Lifeline (US): call or text 988, chat at 988lifeline.org; source: SAMHSA,
# https://www.samhsa.gov/find-help/988 (national line since 16 July 2022). 911 for immediate danger.
CRISIS_RESOURCES = {
    "name": "988 Suicide & Crisis Lifeline",
    "country": "US",
    "call": "988",
    "text": "988",
    "chat_url": "https://988lifeline.org/chat/",
    "emergency": "911",
    "message": ("If you are thinking about suicide or hurting yourself, you are not alone. Call or text 988 "
                "now to reach the 988 Suicide & Crisis Lifeline, any time, day or night. If you are in "
                "immediate danger, call 911."),
}


@dataclass(frozen=True)
class PlannedTask:
    """A care-team task to open for the intake."""

    role: str
    kind: str
    title: str
    priority: str
    due_at: datetime


@dataclass(frozen=True)
class FirstTaskPolicy:
    """Program service levels: the routine first task of each role and how soon it is due."""

    routine: dict[str, tuple[str, str, timedelta]] = field(default_factory=lambda: {
        "physical_therapist": ("review_intake", "Review intake and approve the exercise plan", timedelta(days=1)),
        "health_coach": ("welcome_call", "Welcome call and goal setting", timedelta(days=2)),
        "physician": ("physician_review", "Physician review of intake", timedelta(days=3)),
        "behavioral_health": ("behavioral_health_intake", "Behavioral health intake call", timedelta(days=3)),
        "nutritionist": ("nutrition_consult", "Nutrition consult", timedelta(days=5)),
    })
    # Safety tasks are due within the hour (careteam.tasks.DEFAULT_DUE["urgent"]).
    urgent_due: timedelta = timedelta(hours=1)
    # A high-risk intake moves the PT review up to the same working day.
    high_risk_review: timedelta = timedelta(hours=8)


def planned_tasks(decision: RoutingDecision, submitted_at: datetime,
                  policy: FirstTaskPolicy = FirstTaskPolicy()) -> list[PlannedTask]:
    """The urgent safety tasks first, then one routine first task per routed role."""
    tasks = [PlannedTask(u.role, u.kind, u.title, "urgent", submitted_at + policy.urgent_due)
             for u in decision.urgent]
    urgent_roles = {u.role for u in decision.urgent}
    for role in decision.roles:
        if role in urgent_roles or role not in policy.routine:
            continue
        kind, title, due = policy.routine[role]
        priority = "routine"
        if role == "physical_therapist" and decision.risk_level == "high":
            priority, due = "high", policy.high_risk_review
        tasks.append(PlannedTask(role, kind, title, priority, submitted_at + due))
    return tasks


@dataclass(frozen=True)
class PlannedSignal:
    """An in-app signal for the escalation capability; `instrument` names the source assessment."""

    kind: str
    instrument: str
    text: str


def planned_signals(summary: IntakeSummary, policy: RoutingPolicy = RoutingPolicy()) -> list[PlannedSignal]:
    """The `signal.reported` events an intake raises (red flags, self-harm risk, high surgery intent)."""
    signals = []
    if summary.red_flags:
        signals.append(PlannedSignal("red_flag_reported", "red_flags", "red-flag screen positive at intake"))
    if summary.self_harm_risk:
        signals.append(PlannedSignal("self_harm_risk", "phq9", "PHQ-9 item 9 positive at intake"))
    if summary.surgery_intent is not None and summary.surgery_intent >= policy.surgery_intent_physician:
        signals.append(PlannedSignal("surgery_intent", "lifestyle", "high surgery intent at intake"))
    return signals
