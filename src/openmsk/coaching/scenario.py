"""Simulation scenarios: the JSON format (see docs/nudges.md) parsed into plain, validated types."""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from openmsk.coaching.policy import Preferences
from openmsk.coaching.policy_steps import PolicyConfig
from openmsk.coaching.rules import RuleConfig
from openmsk.coaching.scenario_fields import (
    ScenarioError,
    parse_behaviour,
    parse_event,
    parse_policy,
    parse_preferences,
    parse_rules,
    parse_weekdays,
    require_int,
)


@dataclass(frozen=True)
class ScenarioEvent:
    """One scripted thing that happens to the member at an instant (extra fields in data)."""

    at: datetime
    type: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Behaviour:
    """Scripted habits: routine sessions, and how the member reacts to nudges."""

    session_weekdays: tuple[int, ...] = ()
    session_time: time = time(18, 0)
    sessions_from: date | None = None
    sessions_until: date | None = None
    nudges: str = "ignore"
    response_delay_hours: float = 1.0


@dataclass(frozen=True)
class Scenario:
    """A validated simulation scenario."""

    timezone: str
    start: date
    weeks: int
    sessions_per_week: int
    preferences: Preferences = Preferences()
    rules: RuleConfig = RuleConfig()
    policy: PolicyConfig = PolicyConfig()
    behaviour: Behaviour = Behaviour()
    events: tuple[ScenarioEvent, ...] = ()
    member_id: str = "sim-member"
    plan_weekdays: tuple[int, ...] | None = None


def _timezone(raw: Any) -> str:
    if not isinstance(raw, str) or not raw:
        raise ScenarioError("timezone", "must be an IANA time zone name")
    try:
        ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ScenarioError("timezone", "unknown time zone") from exc
    return raw


def _start(raw: Any) -> date:
    if not isinstance(raw, str):
        raise ScenarioError("start", "must be a date YYYY-MM-DD")
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise ScenarioError("start", "must be a date YYYY-MM-DD") from exc


def parse_scenario(raw: Any) -> Scenario:
    """Validate a decoded JSON scenario; raises ScenarioError naming the offending field."""
    if not isinstance(raw, dict):
        raise ScenarioError("(root)", "must be a JSON object")
    for required in ("timezone", "start", "weeks"):
        if required not in raw:
            raise ScenarioError(required, "is required")
    weeks = require_int(raw["weeks"], "weeks", minimum=1, maximum=104)
    per_week = require_int(raw.get("sessions_per_week", 3), "sessions_per_week", minimum=0, maximum=7)
    events = raw.get("events", [])
    if not isinstance(events, list):
        raise ScenarioError("events", "must be a list")
    behaviour = parse_behaviour(raw.get("behaviour", {}))
    plan = raw.get("plan_weekdays")
    member_id = raw.get("member_id", "sim-member")
    if not isinstance(member_id, str) or not member_id:
        raise ScenarioError("member_id", "must be a non-empty string")
    return Scenario(
        timezone=_timezone(raw["timezone"]),
        start=_start(raw["start"]),
        weeks=weeks,
        sessions_per_week=per_week,
        preferences=parse_preferences(raw.get("preferences", {})),
        rules=parse_rules(raw.get("rules", {})),
        policy=parse_policy(raw.get("policy", {})),
        behaviour=Behaviour(**behaviour),
        events=tuple(ScenarioEvent(**parse_event(e, f"events[{i}]")) for i, e in enumerate(events)),
        member_id=member_id,
        plan_weekdays=None if plan is None else parse_weekdays(plan, "plan_weekdays"),
    )
