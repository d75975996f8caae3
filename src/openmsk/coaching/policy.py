"""Delivery policy after the rules: repeats, opt-outs, hand-off, cool-down, priority, quiet hours,
frequency caps and channel; one decision per member per instant (see docs/nudges.md)."""

from dataclasses import dataclass, field
from datetime import datetime

from openmsk.coaching.candidates import CandidateNudge, rank
from openmsk.coaching.kinds import Channel
from openmsk.coaching.localtime import QuietHours, end_of_quiet_hours, require_utc
from openmsk.coaching.outbox import idempotency_key
from openmsk.coaching.policy_steps import (
    PolicyConfig,
    cap_release,
    handoff_episode,
    in_cooldown,
)
from openmsk.coaching.snapshot import ActivitySnapshot


@dataclass(frozen=True)
class Preferences:
    """Member-configurable delivery settings (defaults documented in docs/nudges.md)."""

    quiet_hours: QuietHours = QuietHours()
    max_per_day: int = 1
    max_per_week: int = 3
    opted_out_kinds: frozenset[str] = frozenset()
    opted_out_channels: frozenset[str] = frozenset()
    channels: tuple[str, ...] = (Channel.PUSH, Channel.IN_APP)


@dataclass(frozen=True)
class ChosenNudge:
    """A nudge the policy says to send now, with its channel and idempotency key."""

    candidate: CandidateNudge
    channel: str
    key: str


@dataclass(frozen=True)
class CoachHandoff:
    """A coach task raised instead of nudging a kind the member keeps ignoring."""

    about_kind: str
    episode: str
    key: str
    reason: str


@dataclass(frozen=True)
class Decision:
    """What to do now: at most one nudge, any hand-offs, and why the rest were held back."""

    send: ChosenNudge | None = None
    handoffs: tuple[CoachHandoff, ...] = ()
    deferred_until: datetime | None = None
    suppressed: tuple[tuple[str, str], ...] = field(default=())


def choose_channel(prefs: Preferences) -> str:
    """The first preferred channel not opted out of; in_app is the always-available fallback."""
    for channel in prefs.channels:
        if channel == Channel.IN_APP or channel not in prefs.opted_out_channels:
            return str(channel)
    return Channel.IN_APP.value


def release_time(snap: ActivitySnapshot, prefs: Preferences, now: datetime) -> datetime:
    """The earliest instant at or after now that is outside quiet hours and under the caps."""
    at = now
    for _ in range(16):  # caps and quiet hours only move forward; a few rounds reach a fixed point
        moved = end_of_quiet_hours(cap_release(snap, prefs.max_per_day, prefs.max_per_week, at) or at,
                                   snap.timezone, prefs.quiet_hours)
        if moved == at:
            return at
        at = moved
    return at


def decide(
    candidates: list[CandidateNudge],
    snap: ActivitySnapshot,
    prefs: Preferences,
    now: datetime,
    config: PolicyConfig | None = None,
) -> Decision:
    """Apply every policy step, in documented order, to the rules' candidates at an instant."""
    # snap.nudge_history must include outbox entries still pending, so caps and repeats see them.
    require_utc(now)
    config = config or PolicyConfig()
    sent = {(r.kind, r.episode) for r in snap.nudge_history}
    suppressed: list[tuple[str, str]] = []
    handoffs: dict[str, CoachHandoff] = {}
    eligible: list[CandidateNudge] = []
    for cand in rank(candidates):
        kind = cand.kind.value
        if (kind, cand.episode) in sent:
            suppressed.append((kind, "already_sent"))
        elif kind in prefs.opted_out_kinds:
            suppressed.append((kind, "opted_out"))
        elif (episode := handoff_episode(kind, snap, now, config)) is not None:
            suppressed.append((kind, "handed_off"))
            if ("coach_handoff", episode) not in sent and episode not in handoffs:
                handoffs[episode] = CoachHandoff(
                    kind, episode, idempotency_key(snap.member_id, "coach_handoff", episode),
                    f"Member did not respond to {config.handoff_after_ignored} nudges in a row ({kind}).",
                )
        elif in_cooldown(kind, snap, now, config):
            suppressed.append((kind, "cooldown"))
        else:
            eligible.append(cand)
    if not eligible:
        return Decision(None, tuple(handoffs.values()), None, tuple(suppressed))
    best = eligible[0]
    release = release_time(snap, prefs, now)
    if release > now:
        held = tuple(suppressed) + tuple((c.kind.value, "deferred") for c in eligible)
        return Decision(None, tuple(handoffs.values()), release, held)
    suppressed.extend((c.kind.value, "lower_priority") for c in eligible[1:])
    chosen = ChosenNudge(best, choose_channel(prefs), idempotency_key(snap.member_id, best.kind.value, best.episode))
    return Decision(chosen, tuple(handoffs.values()), None, tuple(suppressed))


def violates_preferences(kind: str, channel: str, prefs: Preferences) -> bool:
    """True when a pending nudge may no longer go out: its kind or channel was opted out since."""
    return kind in prefs.opted_out_kinds or (channel != Channel.IN_APP and channel in prefs.opted_out_channels)
