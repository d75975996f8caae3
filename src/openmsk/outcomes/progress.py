"""A member's weekly trajectories (pure): pain, function, mood, MME, BMI, weight, sessions, device use."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

# (instrument, title, y range, direction) for every instrument a member's progress shows.
# Ranges are the instruments' own score ranges (see each module in openmsk.intake.instruments).
SCORE_SERIES = (
    ("nrs", "Pain (0-10)", (0.0, 10.0), "lower is better"),
    ("psfs", "Function: PSFS (0-10)", (0.0, 10.0), "higher is better"),
    ("odi", "Function: Oswestry Disability Index (%)", (0.0, 100.0), "lower is better"),
    ("ndi", "Function: Neck Disability Index (0-50)", (0.0, 50.0), "lower is better"),
    ("koos_jr", "Function: KOOS JR (0-100)", (0.0, 100.0), "higher is better"),
    ("hoos_jr", "Function: HOOS JR (0-100)", (0.0, 100.0), "higher is better"),
    ("quickdash", "Function: QuickDASH (0-100)", (0.0, 100.0), "lower is better"),
    ("phq9", "Depression: PHQ-9 (0-27)", (0.0, 27.0), "lower is better"),
    ("gad7", "Anxiety: GAD-7 (0-21)", (0.0, 21.0), "lower is better"),
)
PROGRESS_INSTRUMENTS = tuple(s[0] for s in SCORE_SERIES) + ("lifestyle",)


@dataclass(frozen=True)
class Series:
    """One chart: points are (program week, value), one per week (the last value of that week)."""

    key: str
    title: str
    y_range: tuple[float, float]
    note: str
    points: list[tuple[int, float]] = field(default_factory=list)
    kind: str = "line"

    @property
    def latest(self) -> float | None:
        """The most recent value, if any."""
        return self.points[-1][1] if self.points else None


def last_per_week(entries: Iterable[tuple[int, float | None]]) -> list[tuple[int, float]]:
    """Keep the last value of each week (entries oldest first), dropping missing values and weeks < 0.

    >>> last_per_week([(0, 7.0), (0, 6.0), (2, None), (3, 5.0), (-1, 9.0)])
    [(0, 6.0), (3, 5.0)]
    """
    by_week: dict[int, float] = {}
    for week, value in entries:
        if value is not None and week >= 0:
            by_week[week] = float(value)
    return sorted(by_week.items())


def _number(value) -> float | None:
    """A finite float, or None for missing, booleans and text."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _weight(assessment) -> float | None:
    """Weight in kg from a lifestyle answer set (a mapping), if given."""
    answers = getattr(assessment, "answers", None)
    return _number(answers.get("weight_kg")) if isinstance(answers, Mapping) else None


def build_series(assessments: Iterable, *, sessions: Mapping[int, int] | None = None,
                 mme: Mapping[int, float | None] | None = None, device: Mapping[int, int] | None = None,
                 weights: Iterable[tuple[int, float, float | None]] = ()) -> list[Series]:
    """Every chart with data, from assessments (oldest first), weekly contract data and logged weights."""
    by_instrument: dict[str, list] = {}
    for assessment in assessments:
        by_instrument.setdefault(assessment.instrument, []).append(assessment)
    charts = []
    for instrument, title, y_range, note in SCORE_SERIES:
        points = last_per_week((a.program_week, a.total) for a in by_instrument.get(instrument, []))
        if points:
            charts.append(Series(instrument, title, y_range, note, points))
    lifestyle = by_instrument.get("lifestyle", [])
    weights = list(weights)  # a logged weight is later than, and wins over, the questionnaire's that week
    bmi = last_per_week([(a.program_week, _number((a.subscores or {}).get("bmi"))) for a in lifestyle]
                        + [(w, b) for w, _, b in weights])
    if bmi:
        charts.append(Series("bmi", "Body mass index (kg/m2)", (15.0, max(40.0, max(v for _, v in bmi))),
                             "", bmi))
    weight = last_per_week([(a.program_week, _weight(a)) for a in lifestyle] + [(w, kg) for w, kg, _ in weights])
    if weight:
        top = max(v for _, v in weight)
        charts.append(Series("weight", "Weight (kg)", (0.0, top * 1.2), "", weight))
    if mme:
        points = last_per_week(sorted((w, v) for w, v in mme.items()))
        if points:
            top = max(v for _, v in points)
            charts.append(Series("mme", "Opioids: daily morphine milligram equivalents (MME)",
                                 (0.0, max(top * 1.2, 10.0)), "lower is better", points))
    if sessions:
        points = sorted((w, float(n)) for w, n in sessions.items() if w >= 0)
        if points:
            top = max(v for _, v in points)
            charts.append(Series("sessions", "Exercise sessions per week", (0.0, max(top + 1, 5.0)),
                                 "", points, kind="bar"))
    if device:
        points = sorted((w, float(n)) for w, n in device.items() if w >= 0)
        if points:
            charts.append(Series("device", "Device (TENS) sessions per week", (0.0, max(max(v for _, v in points) + 1, 5.0)),
                                 "", points, kind="bar"))
    return charts


def pain_change_pct(series: list[Series]) -> float | None:
    """Percent change from the week-0 pain to the latest (negative is better); None without a baseline > 0."""
    pain = next((s for s in series if s.key == "nrs"), None)
    if pain is None or not pain.points or pain.points[0][0] != 0 or pain.points[0][1] <= 0:
        return None
    baseline = pain.points[0][1]
    return (pain.latest - baseline) / baseline * 100.0
