"""Nudge rules tied to care: reassessment due, pain spike check-in, unread care-team message."""

from datetime import datetime, timedelta
from statistics import median

from openmsk.coaching.candidates import CandidateNudge
from openmsk.coaching.kinds import Kind
from openmsk.coaching.localtime import local_date
from openmsk.coaching.rules import RuleConfig, engagement_rules
from openmsk.coaching.snapshot import ActivitySnapshot, PainCheckin


def reassessment_due(snap: ActivitySnapshot, now: datetime, config: RuleConfig) -> list[CandidateNudge]:
    """A pending reassessment is due today or overdue; re-reminds every reassessment_repeat_days."""
    today = local_date(now, snap.timezone)
    due = sorted(d for d in snap.reassessments_due if d <= today)
    if not due:
        return []
    overdue_days = (today - due[0]).days
    repeat = max(config.reassessment_repeat_days, 1)
    episode = f"{due[0].isoformat()}#{overdue_days // repeat}"
    return [
        CandidateNudge(
            Kind.REASSESSMENT_DUE,
            episode,
            "Your check-in questionnaire is due.",
            "Your progress check-in is ready. It takes a few minutes and helps us tune your plan.",
        )
    ]


def pain_baseline(checkins: list[PainCheckin], config: RuleConfig) -> float | None:
    """Median of the check-ins in the baseline window before the latest one, if enough exist."""
    if not checkins:
        return None
    ordered = sorted(checkins, key=lambda c: c.at)
    latest = ordered[-1]
    window_start = latest.at - timedelta(days=config.pain_baseline_days)
    earlier = [c.score for c in ordered[:-1] if window_start <= c.at < latest.at]
    if len(earlier) < max(config.pain_baseline_min_checkins, 1):
        return None
    return float(median(earlier))


def pain_spike(snap: ActivitySnapshot, now: datetime, config: RuleConfig) -> list[CandidateNudge]:
    """The latest, fresh pain check-in is pain_spike_points or more above the recent baseline."""
    checkins = [c for c in snap.pain_checkins if c.at <= now]
    if not checkins:
        return []
    latest = max(checkins, key=lambda c: c.at)
    if now - latest.at > timedelta(hours=config.pain_checkin_fresh_hours):
        return []
    baseline = pain_baseline(checkins, config)
    if baseline is None or latest.score - baseline < config.pain_spike_points:
        return []
    return [
        CandidateNudge(
            Kind.PAIN_SPIKE,
            latest.at.isoformat(),
            "Your latest pain check-in was higher than your recent ones.",
            "Thanks for checking in. Want to tell your coach how things are going? "
            "We can adjust today's plan together.",
        )
    ]


def unread_message(snap: ActivitySnapshot, now: datetime, config: RuleConfig) -> list[CandidateNudge]:
    """A care-team message has stayed unread longer than unread_after_hours."""
    cutoff = now - timedelta(hours=config.unread_after_hours)
    waiting = sorted((m for m in snap.unread_messages if m.received_at <= cutoff), key=lambda m: m.received_at)
    if not waiting:
        return []
    count = len(waiting)
    noun = "message" if count == 1 else "messages"
    return [
        CandidateNudge(
            Kind.UNREAD_MESSAGE,
            waiting[0].message_id,
            f"You have {count} unread {noun} from your care team.",
            "Your care team sent you a message. Open the app to read it.",
        )
    ]


def evaluate_rules(snap: ActivitySnapshot, now: datetime, config: RuleConfig | None = None) -> list[CandidateNudge]:
    """Every candidate nudge the rules propose for a member at an instant."""
    config = config or RuleConfig()
    return [
        *engagement_rules(snap, now, config),
        *reassessment_due(snap, now, config),
        *pain_spike(snap, now, config),
        *unread_message(snap, now, config),
    ]
