"""Biopsychosocial risk level and care-team routing from an intake summary: transparent, pure rules.

Every member gets a physical therapist and a health coach. The cut-offs below come from the cited
instruments' published bands; the surgery-intent threshold has no validated cut-off and is a
program setting (see docs/intake-routing.md).
"""

from dataclasses import dataclass, field

from openmsk.intake.document import IntakeSummary

BASE_ROLES = ("physical_therapist", "health_coach")


@dataclass(frozen=True)
class RoutingPolicy:
    """The thresholds routing uses; programs may change the ones marked as program policy."""

    # PHQ-9 >= 10 is the published cut-off for moderate depression (Kroenke, Spitzer & Williams,
    # J Gen Intern Med 2001;16:606-613); >= 15 is "moderately severe".
    phq9_referral: float = 10
    phq9_high_risk: float = 15
    # GAD-7 >= 10 is the published cut-off for moderate anxiety; >= 15 is "severe"
    # (Spitzer et al., Arch Intern Med 2006;166:1092-1097).
    gad7_referral: float = 10
    gad7_high_risk: float = 15
    # WHO adult BMI classification: >= 30 kg/m2 is obesity (WHO Technical Report Series 894, 2000).
    obesity_bmi: float = 30.0
    # NRS 8-10 is "severe" pain in chronic musculoskeletal pain (Boonstra et al., Pain 2014;155:2545-50).
    severe_pain: float = 8
    # Program policy, not a clinical cut-off: no validated threshold exists for this 0-10 item.
    surgery_intent_physician: int = 7
    nutrition_goals: frozenset[str] = frozenset({"nutrition", "weight_loss"})


@dataclass(frozen=True)
class UrgentAction:
    """A safety task that must be opened within the same request as the intake."""

    role: str
    kind: str
    title: str


@dataclass(frozen=True)
class RoutingDecision:
    """The risk level, the roles the member needs with the reason for each, and safety actions."""

    risk_level: str
    risk_reasons: tuple[str, ...]
    roles: tuple[str, ...]
    reasons: dict[str, tuple[str, ...]] = field(default_factory=dict)
    exercise_hold: bool = False
    urgent: tuple[UrgentAction, ...] = ()
    show_crisis_resources: bool = False


def route(summary: IntakeSummary, policy: RoutingPolicy = RoutingPolicy()) -> RoutingDecision:
    """Apply the routing and safety rules to one intake."""
    reasons: dict[str, list[str]] = {role: ["every member"] for role in BASE_ROLES}

    def need(role: str, why: str) -> None:
        reasons.setdefault(role, []).append(why)

    if summary.phq9 >= policy.phq9_referral:
        need("behavioral_health", f"PHQ-9 total at or above {policy.phq9_referral:g}")
    if summary.gad7 >= policy.gad7_referral:
        need("behavioral_health", f"GAD-7 total at or above {policy.gad7_referral:g}")
    if summary.self_harm_risk:
        need("behavioral_health", "PHQ-9 item 9 answered above zero")
    if summary.bmi is not None and summary.bmi >= policy.obesity_bmi:
        need("nutritionist", f"BMI at or above {policy.obesity_bmi:g}")
    if set(summary.goals) & policy.nutrition_goals:
        need("nutritionist", "nutrition or weight goal")
    if summary.red_flags:
        need("physician", "red-flag screen positive")
    if summary.opioid_use == "regular":
        need("physician", "regular opioid use")
    if summary.surgery_intent is not None and summary.surgery_intent >= policy.surgery_intent_physician:
        need("physician", f"surgery intent at or above {policy.surgery_intent_physician}")

    level, why = risk_level(summary, policy)
    urgent = []
    if summary.red_flags:
        urgent.append(UrgentAction("physician", "urgent_physician_review", "Red flag reported at intake: review today"))
    if summary.self_harm_risk:
        urgent.append(UrgentAction("behavioral_health", "urgent_behavioral_health",
                                   "PHQ-9 item 9 positive: contact the member today"))
    order = ("physical_therapist", "health_coach", "physician", "behavioral_health", "nutritionist")
    roles = tuple(r for r in order if r in reasons)
    return RoutingDecision(level, why, roles, {r: tuple(reasons[r]) for r in roles},
                           exercise_hold=bool(summary.red_flags), urgent=tuple(urgent),
                           show_crisis_resources=summary.self_harm_risk)


def risk_level(summary: IntakeSummary, policy: RoutingPolicy = RoutingPolicy()) -> tuple[str, tuple[str, ...]]:
    """`high`, `medium` or `low`, with the reasons that decided it."""
    high = [why for hit, why in (
        (bool(summary.red_flags), "red flag"),
        (summary.self_harm_risk, "PHQ-9 item 9 positive"),
        (summary.phq9 >= policy.phq9_high_risk, "PHQ-9 moderately severe or severe"),
        (summary.gad7 >= policy.gad7_high_risk, "GAD-7 severe"),
        (summary.opioid_use == "regular", "regular opioid use"),
    ) if hit]
    if high:
        return "high", tuple(high)
    medium = [why for hit, why in (
        (summary.phq9 >= policy.phq9_referral, "PHQ-9 moderate"),
        (summary.gad7 >= policy.gad7_referral, "GAD-7 moderate"),
        (summary.pain >= policy.severe_pain, "severe pain"),
        # The lifestyle instrument classes duration (> 12 weeks is chronic, with its source).
        (summary.pain_duration == "chronic", "chronic pain"),
        (summary.surgery_intent is not None and summary.surgery_intent >= policy.surgery_intent_physician,
         "high surgery intent"),
        (summary.bmi is not None and summary.bmi >= policy.obesity_bmi, "BMI in the obese range"),
    ) if hit]
    return ("medium", tuple(medium)) if medium else ("low", ())
