"""Alerts from matches: monitoring window (actionable vs context) and episode de-duplication."""

from __future__ import annotations

import hashlib
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

_FAR_FUTURE = datetime.max.replace(tzinfo=UTC)

from openmsk.escalation.matching import Match
from openmsk.escalation.rules import SEVERITIES


@dataclass(frozen=True, slots=True)
class Alert:
    """One alert candidate for one care-team role; `dedup_key` is stable across re-imports."""

    patient: str | None
    category: str
    rule: str
    severity: str
    route_to: str
    respond_within: str
    resource: str
    occurred_at: datetime | None
    evidence: str
    explanation: str
    episode: str
    dedup_key: str
    related: tuple[str, ...] = ()
    actionable: bool = True


def dedup_key(patient: str | None, category: str, episode: str, anchor_resource: str) -> str:
    """Stable key of one episode: patient, category, episode key and the episode's first resource."""
    raw = f"{patient or '?'}|{category}|{episode}|{anchor_resource}"
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def classify(match: Match, since: datetime | None, now: datetime) -> tuple[Match, bool]:
    """(match with severity adjusted, actionable?) under the monitoring window starting at `since`."""
    when = match.event.occurred_at
    if when is None:
        note = "date missing: cannot place in the monitoring window, surfaced as routine"
        return replace(match, severity="routine", notes=match.notes + (note,)), True
    if when > now and match.event.resource_type != "ServiceRequest":  # orders may be dated ahead
        note = "date is in the future: surfaced as routine"
        return replace(match, severity="routine", notes=match.notes + (note,)), True
    return match, since is None or when >= since


def _evidence(match: Match) -> str:
    event = match.event
    when = event.occurred_at.date().isoformat() if event.occurred_at else "date unknown"
    parts = [f"{match.matched}; {event.resource} ({event.status or 'status unknown'}, {when})", *match.notes]
    return "; ".join(parts)


def _sort_key(match: Match) -> tuple[datetime, str]:
    return match.event.occurred_at or _FAR_FUTURE, match.event.resource


def deduplicate(
    matches: Iterable[Match], actionable: bool, prior: Iterable[Alert] = ()
) -> tuple[list[Alert], list[tuple[str, str]]]:
    """Merge matches of one patient, category and episode within the rule's window into one alert.

    Returns the alerts and (resource, dedup_key) pairs suppressed because a prior alert covers them.
    """
    _every, alerts, suppressed = deduplicate_with_prior(matches, actionable, prior)
    return alerts, suppressed


def deduplicate_with_prior(
    matches: Iterable[Match], actionable: bool, prior: Iterable[Alert] = ()
) -> tuple[list[Alert], list[Alert], list[tuple[str, str]]]:
    """`deduplicate` without and with `prior` in one pass: (every alert, alerts no prior covers, suppressed)."""
    groups: dict[tuple[str | None, str, str], list[Match]] = defaultdict(list)
    for match in matches:
        groups[(match.event.patient, match.rule.category, match.episode)].append(match)
    prior_by_group: dict[tuple[str | None, str, str], list[Alert]] = defaultdict(list)
    for alert in prior:
        prior_by_group[(alert.patient, alert.category, alert.episode)].append(alert)
    every: list[Alert] = []
    alerts: list[Alert] = []
    suppressed: list[tuple[str, str]] = []
    for key, group in groups.items():
        group.sort(key=_sort_key)
        clusters: list[list[Match]] = []
        for match in group:
            current = clusters[-1] if clusters else None
            if current and _same_episode(current[0], match):
                current.append(match)
            else:
                clusters.append([match])
        for cluster in clusters:
            alert = _alert_of(cluster, actionable)
            every.append(alert)
            covering = _covering_prior(alert, cluster[0], prior_by_group.get(key, ()))
            if covering is not None:
                suppressed.extend((m.event.resource, covering.dedup_key) for m in cluster)
            else:
                alerts.append(alert)
    order = lambda a: (a.occurred_at or _FAR_FUTURE, a.resource, a.category)  # noqa: E731
    alerts.sort(key=order)
    every.sort(key=order)
    return every, alerts, suppressed


def _same_episode(anchor: Match, match: Match) -> bool:
    if anchor.event.resource == match.event.resource:
        return True
    if anchor.event.occurred_at is None or match.event.occurred_at is None:
        return False
    return match.event.occurred_at - anchor.event.occurred_at <= anchor.rule.dedup_window


def _covering_prior(alert: Alert, anchor: Match, prior: Iterable[Alert]) -> Alert | None:
    for old in prior:
        if old.dedup_key == alert.dedup_key:
            return old
        if old.occurred_at and alert.occurred_at:
            gap = alert.occurred_at - old.occurred_at
            if gap.total_seconds() >= 0 and gap <= anchor.rule.dedup_window:
                return old
    return None


# Alerts of clusters seen before, by the identities of their matches: the batch path re-evaluates each
# member's history on every new record, and the engine hands back the same Match objects for the same
# events, so an unchanged episode gives the same cluster. The entry keeps the matches (ids not reused).
_ALERTS: dict[tuple[bool, int, ...], tuple[tuple[Match, ...], Alert]] = {}
_ALERTS_MAX = 50_000
_ALERTS_LOCK = threading.Lock()


def _alert_of(cluster: list[Match], actionable: bool) -> Alert:
    """`_alert`, remembered for clusters made of the same match objects."""
    key = (actionable, *map(id, cluster))
    entry = _ALERTS.get(key)
    if entry is not None and all(a is b for a, b in zip(entry[0], cluster)):
        return entry[1]
    alert = _alert(cluster, actionable)
    with _ALERTS_LOCK:
        while len(_ALERTS) >= _ALERTS_MAX:
            del _ALERTS[next(iter(_ALERTS))]  # oldest first
        _ALERTS[key] = (tuple(cluster), alert)
    return alert


def _alert(cluster: list[Match], actionable: bool) -> Alert:
    anchor = cluster[0]
    strongest = max(cluster, key=lambda m: SEVERITIES.index(m.severity))
    related = tuple(dict.fromkeys(m.event.resource for m in cluster[1:] if m.event.resource != anchor.event.resource))
    evidence = _evidence(strongest if strongest is not anchor else anchor)
    if related:
        evidence += f"; {len(related)} more record(s) in the same episode"
    return Alert(
        patient=anchor.event.patient, category=anchor.rule.category, rule=strongest.rule.id,
        severity=strongest.severity, route_to=strongest.rule.route_to, respond_within=strongest.rule.respond_within,
        resource=anchor.event.resource, occurred_at=anchor.event.occurred_at, evidence=evidence,
        explanation=strongest.rule.explanation, episode=anchor.episode,
        dedup_key=dedup_key(anchor.event.patient, anchor.rule.category, anchor.episode, anchor.event.resource),
        related=related, actionable=actionable,
    )
