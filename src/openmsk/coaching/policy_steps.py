"""Individual delivery-policy steps over the member's nudge history (pure functions)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from openmsk.coaching.localtime import iso_week, local_date, start_of_local_day
from openmsk.coaching.snapshot import ActivitySnapshot, SentNudgeRecord


@dataclass(frozen=True)
class PolicyConfig:
    """Program-level policy settings (defaults and reasons in docs/nudges.md)."""

    cooldown_days: float = 3
    handoff_after_ignored: int = 3
    response_window_hours: float = 48


def member_nudges(snap: ActivitySnapshot, now: datetime) -> list[SentNudgeRecord]:
    """Member-facing nudges sent up to now (coach hand-offs excluded)."""
    return [r for r in snap.nudge_history if not r.is_handoff and r.sent_at <= now]


def responded_by(record: SentNudgeRecord, now: datetime) -> bool:
    """True when the member opened or acted on the nudge at or before now."""
    return record.responded_at is not None and record.responded_at <= now


def engagement_reset(snap: ActivitySnapshot, now: datetime) -> datetime:
    """The last sign of engagement: activity, a response to any nudge, or enrolment."""
    marks = [snap.enrolled_at]
    if snap.last_activity_at is not None and snap.last_activity_at <= now:
        marks.append(snap.last_activity_at)
    marks.extend(r.responded_at for r in snap.nudge_history if r.responded_at and r.responded_at <= now)
    return max(marks)


def ignored_in_a_row(kind: str, snap: ActivitySnapshot, now: datetime, config: PolicyConfig) -> int:
    """Nudges of a kind ignored since the last engagement (response window closed, no response)."""
    reset = engagement_reset(snap, now)
    window = timedelta(hours=config.response_window_hours)
    return sum(
        1
        for r in member_nudges(snap, now)
        if r.kind == kind and r.sent_at > reset and not responded_by(r, now) and r.sent_at + window <= now
    )


def handoff_episode(kind: str, snap: ActivitySnapshot, now: datetime, config: PolicyConfig) -> str | None:
    """The hand-off episode when a kind has been ignored handoff_after_ignored times; else None."""
    if config.handoff_after_ignored <= 0 or ignored_in_a_row(kind, snap, now, config) < config.handoff_after_ignored:
        return None
    return f"{kind}@{engagement_reset(snap, now).isoformat()}"


def in_cooldown(kind: str, snap: ActivitySnapshot, now: datetime, config: PolicyConfig) -> bool:
    """True while the latest nudge of a kind is unanswered and younger than the cool-down."""
    same = [r for r in member_nudges(snap, now) if r.kind == kind]
    if not same:
        return False
    latest = max(same, key=lambda r: r.sent_at)
    return not responded_by(latest, now) and now - latest.sent_at < timedelta(days=config.cooldown_days)


def cap_release(snap: ActivitySnapshot, max_per_day: int, max_per_week: int, now: datetime) -> datetime | None:
    """None when under both caps at now; else the local midnight (day or ISO week) they reset."""
    # Only the last 8 days can share a local day or ISO week with now; skip older conversions.
    sent = [r for r in member_nudges(snap, now) if now - r.sent_at < timedelta(days=8)]
    today = local_date(now, snap.timezone)
    week = iso_week(now, snap.timezone)
    if sum(1 for r in sent if iso_week(r.sent_at, snap.timezone) == week) >= max_per_week:
        monday = today + timedelta(days=7 - today.weekday())
        return start_of_local_day(monday, snap.timezone)
    if sum(1 for r in sent if local_date(r.sent_at, snap.timezone) == today) >= max_per_day:
        return start_of_local_day(today + timedelta(days=1), snap.timezone)
    return None
