"""Response schemas of the outcomes API."""

from openmsk.schemas import Output


class PointRead(Output):
    """One weekly value."""

    week: int
    value: float


class SeriesRead(Output):
    """One trajectory (chart)."""

    key: str
    title: str
    note: str
    kind: str
    points: list[PointRead]


class ProgressRead(Output):
    """A member's trajectories."""

    member_id: str
    current_week: int
    pain_change_pct: float | None
    series: list[SeriesRead]


def progress_read(progress) -> ProgressRead:
    """Shape a service Progress for the API."""
    return ProgressRead(
        member_id=progress.member.id, current_week=progress.current_week,
        pain_change_pct=progress.pain_change_pct,
        series=[SeriesRead(key=s.key, title=s.title, note=s.note, kind=s.kind,
                           points=[PointRead(week=w, value=v) for w, v in s.points]) for s in progress.series])
