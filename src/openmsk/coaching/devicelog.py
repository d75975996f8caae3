"""TENS / electrical-stimulation sessions: validation of one entry and parsing of device exports.

Format of the JSON and CSV exports accepted: docs/device-log-format.md.
"""

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime

from openmsk.coaching.checks import FieldProblem, not_future_instant, number, pain_score

MODES = ("conventional", "acupuncture", "burst", "modulated")
BODY_SITES = ("lower_back", "upper_back", "neck", "shoulder", "elbow", "wrist_hand", "hip", "knee",
              "ankle_foot", "other")
# Output ceiling of common consumer TENS units (manufacturer specifications list up to 80 mA).
# A device limit, not a clinical one: a member's own device, or the export, may set another.
DEFAULT_INTENSITY_MAX = 80.0
# A session longer than a day cannot be one session.
MAX_DURATION_MIN = 1440
CSV_COLUMNS = ("start", "duration_min", "mode", "intensity", "body_site", "pain_before", "pain_after")


@dataclass(frozen=True)
class DeviceRecord:
    """One validated session."""

    started_at: datetime
    duration_min: int
    mode: str
    intensity: float
    body_site: str
    pain_before: int
    pain_after: int

    @property
    def relief(self) -> int:
        """Pain before minus pain after (positive = relief)."""
        return self.pain_before - self.pain_after


@dataclass(frozen=True)
class RejectedRow:
    """A row of an import that was not kept, with the field at fault."""

    row: int
    field: str
    message: str


def relief_by_week(sessions: list[tuple[datetime, int]]) -> list[tuple[str, int, float]]:
    """(ISO week "2026-W10", sessions, mean relief) for (start, relief) pairs, oldest week first."""
    weeks: dict[str, list[int]] = {}
    for started, relief in sessions:
        year, week, _ = started.isocalendar()
        weeks.setdefault(f"{year}-W{week:02d}", []).append(relief)
    return [(w, len(v), round(sum(v) / len(v), 1)) for w, v in sorted(weeks.items())]


def _choice(field: str, value: object, allowed: tuple[str, ...]) -> str:
    text = str(value or "").strip().lower().replace(" ", "_").replace("-", "_")
    if text not in allowed:
        raise FieldProblem(field, f"must be one of {', '.join(allowed)}")
    return text


def _instant(field: str, value: object) -> datetime:
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        raise FieldProblem(field, "must be an ISO-8601 date-time with an offset") from None


def _num(value: object) -> object:
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return value
    return value


def validate_session(raw: dict, *, now: datetime, intensity_max: float = DEFAULT_INTENSITY_MAX) -> DeviceRecord:
    """One session from a form, the API or an export row; raises FieldProblem naming the field."""
    started = not_future_instant("start", _instant("start", raw.get("start")), now)
    duration = number("duration_min", _num(raw.get("duration_min")), 1, MAX_DURATION_MIN, whole=True)
    mode = _choice("mode", raw.get("mode"), MODES)
    intensity = number("intensity", _num(raw.get("intensity")), 0, intensity_max)
    site = _choice("body_site", raw.get("body_site"), BODY_SITES)
    before = pain_score("pain_before", _num(raw.get("pain_before")))
    after = pain_score("pain_after", _num(raw.get("pain_after")))
    return DeviceRecord(started, int(duration), mode, intensity, site, before, after)


def parse_export(text: str, fmt: str, *, now: datetime,
                 intensity_max: float = DEFAULT_INTENSITY_MAX) -> tuple[list[DeviceRecord], list[RejectedRow]]:
    """Every good session of an export, and each rejected row with its reason (rows count from 1)."""
    rows, limit = _rows(text, fmt, intensity_max)
    good: list[DeviceRecord] = []
    rejected: list[RejectedRow] = []
    for number_, raw in enumerate(rows, start=1):
        if not isinstance(raw, dict):
            rejected.append(RejectedRow(number_, "row", "must be an object"))
            continue
        unknown = sorted(set(raw) - set(CSV_COLUMNS))
        if unknown:
            rejected.append(RejectedRow(number_, unknown[0], "unknown field"))
            continue
        try:
            good.append(validate_session(raw, now=now, intensity_max=limit))
        except FieldProblem as problem:
            rejected.append(RejectedRow(number_, problem.field, problem.message))
    return good, rejected


def _rows(text: str, fmt: str, intensity_max: float) -> tuple[list, float]:
    if fmt == "csv":
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise FieldProblem("file", f"CSV header lacks column {missing[0]}")
        return [{k: v for k, v in row.items() if k is not None} for row in reader], intensity_max
    if fmt != "json":
        raise FieldProblem("format", "must be json or csv")
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise FieldProblem("file", "is not valid JSON") from None
    if isinstance(data, list):
        return data, intensity_max
    if not isinstance(data, dict) or not isinstance(data.get("sessions"), list):
        raise FieldProblem("file", "must be a list of sessions or an object with a sessions list")
    device = data.get("device") or {}
    limit = device.get("intensity_max", intensity_max) if isinstance(device, dict) else intensity_max
    return data["sessions"], number("device.intensity_max", limit, 1)
