"""Field-level validation for simulation scenarios; every error names the offending field."""

from datetime import date, datetime, time
from typing import Any

from openmsk.coaching.kinds import Channel, Kind
from openmsk.coaching.localtime import QuietHours
from openmsk.coaching.policy import Preferences
from openmsk.coaching.policy_steps import PolicyConfig
from openmsk.coaching.rules import RuleConfig

EVENT_TYPES = frozenset({
    "session_completed", "pain_checkin", "message_received", "message_read", "opt_out", "opt_in",
    "reassessment_due", "reassessment_completed", "goal_achieved", "nudge_response",
})
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
KINDS = frozenset(k.value for k in Kind)
CHANNELS = frozenset(c.value for c in Channel)


class ScenarioError(ValueError):
    """An invalid scenario; the message names the field but never echoes member data."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"invalid scenario field '{field}': {problem}")
        self.field = field


def _named(value: Any, allowed: frozenset | set) -> bool:
    """True when value is one of the allowed names (or None, when None is allowed)."""
    return (value is None or isinstance(value, str)) and value in allowed


def require_int(raw: Any, name: str, minimum: int | None = None, maximum: int | None = None) -> int:
    """An integer within bounds, else ScenarioError."""
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise ScenarioError(name, "must be an integer")
    if (minimum is not None and raw < minimum) or (maximum is not None and raw > maximum):
        bounds = f">= {minimum}" if maximum is None else f"between {minimum} and {maximum}"
        raise ScenarioError(name, f"must be {bounds}")
    return raw


def require_number(raw: Any, name: str, minimum: float = 0) -> float:
    """A non-negative number, else ScenarioError."""
    if isinstance(raw, bool) or not isinstance(raw, int | float) or raw < minimum:
        raise ScenarioError(name, f"must be a number >= {minimum}")
    return float(raw)


def parse_clock(raw: Any, name: str) -> time:
    """A local wall-clock time HH:MM."""
    try:
        return time.fromisoformat(raw)
    except (TypeError, ValueError) as exc:
        raise ScenarioError(name, "must be a time HH:MM") from exc


def parse_date(raw: Any, name: str) -> date:
    """A calendar date YYYY-MM-DD."""
    try:
        return date.fromisoformat(raw)
    except (TypeError, ValueError) as exc:
        raise ScenarioError(name, "must be a date YYYY-MM-DD") from exc


def parse_instant(raw: Any, name: str) -> datetime:
    """An ISO-8601 instant that carries its UTC offset."""
    try:
        instant = datetime.fromisoformat(raw)
    except (TypeError, ValueError) as exc:
        raise ScenarioError(name, "must be an ISO-8601 date-time with offset") from exc
    if instant.tzinfo is None:
        raise ScenarioError(name, "must include a UTC offset (e.g. Z or -05:00)")
    return instant


def parse_weekdays(raw: Any, name: str) -> tuple[int, ...]:
    """Weekday names (mon..sun) as date.weekday() numbers."""
    if not isinstance(raw, list) or any(not isinstance(d, str) or d.lower()[:3] not in WEEKDAYS for d in raw):
        raise ScenarioError(name, "must be a list of weekday names (mon..sun)")
    return tuple(sorted({WEEKDAYS.index(d.lower()[:3]) for d in raw}))


def _section(raw: Any, name: str, allowed: set[str]) -> dict:
    if not isinstance(raw, dict):
        raise ScenarioError(name, "must be an object")
    for key in raw:
        if key not in allowed:
            raise ScenarioError(f"{name}.{key}", "unknown field")
    return raw


def parse_preferences(raw: Any) -> Preferences:
    """The preferences section."""
    raw = _section(raw, "preferences", {"quiet_hours", "max_per_day", "max_per_week", "opt_out", "channels"})
    quiet = raw.get("quiet_hours", ["21:00", "08:00"])
    if not isinstance(quiet, list) or len(quiet) != 2:
        raise ScenarioError("preferences.quiet_hours", "must be [start, end] as HH:MM")
    channels = raw.get("channels", ["push", "in_app"])
    if not isinstance(channels, list) or not all(_named(c, CHANNELS) for c in channels):
        raise ScenarioError("preferences.channels", f"must list channels from {sorted(CHANNELS)}")
    opt_out = raw.get("opt_out", [])
    if not isinstance(opt_out, list):
        raise ScenarioError("preferences.opt_out", "must be a list")
    for i, item in enumerate(opt_out):
        if not _named(item, KINDS | CHANNELS) or item == "in_app":
            raise ScenarioError(f"preferences.opt_out[{i}]", "must be a nudge kind or a channel other than in_app")
    return Preferences(
        quiet_hours=QuietHours(parse_clock(quiet[0], "preferences.quiet_hours[0]"),
                               parse_clock(quiet[1], "preferences.quiet_hours[1]")),
        max_per_day=require_int(raw.get("max_per_day", 1), "preferences.max_per_day", minimum=0),
        max_per_week=require_int(raw.get("max_per_week", 3), "preferences.max_per_week", minimum=0),
        opted_out_kinds=frozenset(i for i in opt_out if i in KINDS),
        opted_out_channels=frozenset(i for i in opt_out if i in CHANNELS),
        channels=tuple(channels),
    )


def parse_rules(raw: Any) -> RuleConfig:
    """The optional rules section (RuleConfig field names)."""
    fields = set(RuleConfig.__dataclass_fields__)
    raw = _section(raw, "rules", fields)
    values = {}
    for key, value in raw.items():
        if key == "streak_milestones":
            if not isinstance(value, list) or not value:
                raise ScenarioError("rules.streak_milestones", "must be a non-empty list of integers")
            values[key] = tuple(require_int(v, f"rules.streak_milestones[{i}]", 1) for i, v in enumerate(value))
        else:
            values[key] = require_int(value, f"rules.{key}", minimum=0)
    return RuleConfig(**values)


def parse_policy(raw: Any) -> PolicyConfig:
    """The optional policy section (cool-down, hand-off, response window)."""
    raw = _section(raw, "policy", set(PolicyConfig.__dataclass_fields__))
    values = {key: require_number(value, f"policy.{key}") for key, value in raw.items()}
    if "handoff_after_ignored" in values:
        values["handoff_after_ignored"] = require_int(raw["handoff_after_ignored"], "policy.handoff_after_ignored", 0)
    return PolicyConfig(**values)


def parse_behaviour(raw: Any) -> dict[str, Any]:
    """The optional behaviour section, as keyword arguments for Behaviour."""
    raw = _section(raw, "behaviour", {"sessions", "nudges", "response_delay_hours"})
    result: dict[str, Any] = {}
    if "sessions" in raw:
        sessions = _section(raw["sessions"], "behaviour.sessions", {"weekdays", "time", "from", "until"})
        result["session_weekdays"] = parse_weekdays(sessions.get("weekdays", []), "behaviour.sessions.weekdays")
        result["session_time"] = parse_clock(sessions.get("time", "18:00"), "behaviour.sessions.time")
        if "from" in sessions:
            result["sessions_from"] = parse_date(sessions["from"], "behaviour.sessions.from")
        if "until" in sessions:
            result["sessions_until"] = parse_date(sessions["until"], "behaviour.sessions.until")
    nudges = raw.get("nudges", "ignore")
    if nudges not in ("ignore", "open"):
        raise ScenarioError("behaviour.nudges", "must be 'ignore' or 'open'")
    result["nudges"] = nudges
    result["response_delay_hours"] = require_number(raw.get("response_delay_hours", 1), "behaviour.response_delay_hours")
    return result


def parse_event(raw: Any, name: str) -> dict[str, Any]:
    """One event, as keyword arguments for ScenarioEvent."""
    if not isinstance(raw, dict):
        raise ScenarioError(name, "must be an object")
    kind = raw.get("type")
    if not _named(kind, EVENT_TYPES):
        raise ScenarioError(f"{name}.type", f"unknown event type; expected one of {sorted(EVENT_TYPES)}")
    at = parse_instant(raw.get("at"), f"{name}.at")
    data = {k: v for k, v in raw.items() if k not in ("at", "type")}
    if kind == "pain_checkin":
        require_int(data.get("pain"), f"{name}.pain", minimum=0, maximum=10)
    if kind in ("opt_out", "opt_in"):
        if not _named(data.get("kind"), KINDS | {None}) or not _named(data.get("channel"), CHANNELS - {"in_app"} | {None}):
            raise ScenarioError(name, "needs a known 'kind' or a 'channel' other than in_app")
        if ("kind" in data) == ("channel" in data):
            raise ScenarioError(name, "needs exactly one of 'kind' or 'channel'")
    if kind == "nudge_response" and not _named(data.get("kind"), KINDS | {None}):
        raise ScenarioError(f"{name}.kind", "unknown nudge kind")
    if kind == "reassessment_due" and "due" in data:
        data["due"] = parse_date(data["due"], f"{name}.due")
    return {"at": at, "type": kind, "data": data}
