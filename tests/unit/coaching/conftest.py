"""Independent checks of simulator output, written from the spec rather than the engine."""

from collections import Counter
from datetime import datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from openmsk.coaching.simulator import SentNudge

HANDOFF = "coach_handoff"


def in_window(clock: time, start: time, end: time) -> bool:
    """Quiet-hours membership computed directly from the spec (start inclusive, end exclusive)."""
    if start == end:
        return False
    return start <= clock < end if start < end else clock >= start or clock < end


def nudges_only(sent: list[SentNudge]) -> list[SentNudge]:
    return [n for n in sent if n.kind != HANDOFF]


def assert_quiet_hours(sent: list[SentNudge], tz: str, start: time, end: time) -> None:
    for nudge in nudges_only(sent):
        local = nudge.at.astimezone(ZoneInfo(tz))
        assert local.utcoffset() == nudge.local_time.utcoffset()
        assert not in_window(local.time(), start, end), f"{nudge.kind} at {local.isoformat()} is in quiet hours"


def assert_caps(sent: list[SentNudge], tz: str, per_day: int, per_week: int) -> None:
    local_days = [n.at.astimezone(ZoneInfo(tz)).date() for n in nudges_only(sent)]
    assert max(Counter(local_days).values(), default=0) <= per_day
    weeks = Counter(d.isocalendar()[:2] for d in local_days)
    assert max(weeks.values(), default=0) <= per_week


def assert_cooldown(sent: list[SentNudge], cooldown: timedelta) -> None:
    """For a member who never responds: nudges of one kind are at least the cool-down apart."""
    last: dict[str, datetime] = {}
    for nudge in nudges_only(sent):
        if nudge.kind in last:
            assert nudge.at - last[nudge.kind] >= cooldown, f"{nudge.kind} repeated within cool-down"
        last[nudge.kind] = nudge.at


def assert_no_nudge_after(sent: list[SentNudge], instant: datetime, kind: str | None = None,
                          channel: str | None = None) -> None:
    for nudge in nudges_only(sent):
        if nudge.at >= instant:
            assert kind is None or nudge.kind != kind
            assert channel is None or nudge.channel != channel


@pytest.fixture
def checks() -> SimpleNamespace:
    """The invariant checks, as a fixture (test folders here have no __init__.py)."""
    return SimpleNamespace(
        quiet_hours=assert_quiet_hours,
        caps=assert_caps,
        cooldown=assert_cooldown,
        no_nudge_after=assert_no_nudge_after,
        nudges_only=nudges_only,
        in_window=in_window,
    )
