"""ISO 8601 durations (PnW, PnD, PTnH, PTnM, PTnS and combinations) as timedeltas."""

from __future__ import annotations

import re
from datetime import timedelta

_DURATION = re.compile(
    r"^P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$"
)


def parse_duration(text: str) -> timedelta:
    """Parse an ISO 8601 duration without years or months; raise ValueError otherwise."""
    match = _DURATION.match(text) if isinstance(text, str) else None
    if match is None or text in ("P", "PT") or text.endswith("T"):
        raise ValueError("not an ISO 8601 duration such as PT4H or P30D")
    parts = {key: int(value) for key, value in match.groupdict().items() if value}
    return timedelta(**parts)
