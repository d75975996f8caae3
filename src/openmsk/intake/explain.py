"""Plain-language explanations of intake scores for members (pure).

Bands are the instruments' published ones (cited in each instrument module); the wording is ours.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

BAND_WORDS = {
    "minimal": "little or none", "mild": "mild", "moderate": "moderate",
    "moderately_severe": "moderately severe", "severe": "severe",
}
ABOUT = {
    "nrs": ("Pain today", 10, "How strong your pain is, from 0 (none) to 10 (worst imaginable)."),
    "phq9": ("Mood (PHQ-9)", 27, "How often low mood has bothered you over the last two weeks."),
    "gad7": ("Worry and anxiety (GAD-7)", 21, "How often worry or nerves have bothered you over the last two weeks."),
}

# Region function scales: title, how the score reads, what it measures (direction from each source).
FUNCTION = {
    "odi": ("Low back function (ODI)", "{:g}%",
            "How much back pain limits everyday life, from 0% (not at all) to 100%; lower is better."),
    "ndi": ("Neck function (NDI)", "{:g} of 50",
            "How much neck pain limits everyday life, from 0 (not at all) to 50; lower is better."),
    "koos_jr": ("Knee function (KOOS JR)", "{:.0f} of 100",
                "Your knee health, from 0 (total disability) to 100 (perfect knee health); higher is better."),
    "hoos_jr": ("Hip function (HOOS JR)", "{:.0f} of 100",
                "Your hip health, from 0 (total disability) to 100 (perfect hip health); higher is better."),
    "quickdash": ("Arm, shoulder and hand function (QuickDASH)", "{:.0f} of 100",
                  "How much your arm, shoulder or hand limits you, from 0 (not at all) to 100; lower is better."),
}
# The published ODI (Fairbank 2000) and NDI (Vernon 1991) bands in plain words.
FUNCTION_BANDS = {
    "odi": {"minimal": "minimal disability", "moderate": "moderate disability", "severe": "severe disability",
            "crippling": "very severe disability", "bedbound": "extreme disability"},
    "ndi": {"none": "no disability", "mild": "mild disability", "moderate": "moderate disability",
            "severe": "severe disability", "complete": "complete disability"},
}
MILD_BANDS = ("minimal", "none", "mild")


@dataclass(frozen=True)
class Explained:
    """One result as a member reads it."""

    title: str
    value: str
    meaning: str
    attention: bool = False


def _rounded(total: float) -> float:
    return round(total, 1)


def _function_lines(by: Mapping, activities: Sequence[str]) -> list[Explained]:
    """PEG, PSFS and the region scales, for the member."""
    lines = []
    peg = by.get("peg")
    if peg is not None and peg.total is not None:
        lines.append(Explained("Pain and how it gets in the way (PEG)", f"{peg.total:.1f} of 10",
                               "Your average pain and how much it got in the way of enjoying life and of your "
                               "usual activities over the past week (0 = not at all, 10 = completely)."))
    psfs = by.get("psfs")
    if psfs is not None and psfs.total is not None:
        named = ", ".join(a for a in activities if a)
        lines.append(Explained("Activities you find hard (PSFS)", f"{psfs.total:.1f} of 10",
                               f"How well you can do {named or 'the activities you named'}, from 0 (unable) to "
                               "10 (as before your problem); higher is better."))
    for instrument, (title, shape, about) in FUNCTION.items():
        found = by.get(instrument)
        if found is None or found.total is None:
            continue
        band = FUNCTION_BANDS.get(instrument, {}).get(found.severity or "", "")
        value = shape.format(_rounded(found.total)) + (f": {band}" if band else "")
        lines.append(Explained(title, value, about, attention=bool(band) and found.severity not in MILD_BANDS))
    return lines


@dataclass(frozen=True)
class FunctionRow:
    """One line of the clinician's pain and function summary."""

    name: str
    value: str
    band: str
    detail: str


def _detail(found, activities: Sequence[str], answers: Mapping) -> str:
    subscores = found.subscores or {}
    if found.instrument == "peg":
        given = answers.get("peg") or []
        return ", ".join(f"{name} {v}" for name, v in zip(("pain", "enjoyment", "general activity"), given))
    if found.instrument == "psfs":
        return "; ".join(f"{name}: {rating}/10" for name, rating in zip(activities, answers.get("psfs") or []))
    if found.instrument == "ndi":
        return f"{_rounded(subscores.get('percent', 0)):g}%"
    if "raw_sum" in subscores:
        return f"raw sum {subscores['raw_sum']}"
    return ""


def function_rows(scores: Iterable, activities: Sequence[str] = (),
                  answers: Mapping | None = None) -> list[FunctionRow]:
    """PEG, PSFS (with each activity's rating) and the region scales with their bands, for the care team."""
    by = {s.instrument: s for s in scores}
    rows = []
    for instrument in ("peg", "psfs", *FUNCTION):
        for line in _function_lines({instrument: by[instrument]} if instrument in by else {}, activities):
            found = by[instrument]
            rows.append(FunctionRow(line.title, line.value.split(": ")[0], found.severity or "—",
                                    _detail(found, activities, answers or {})))
    return rows


def explain_scores(scores: Iterable, psfs_activities: Sequence[str] = ()) -> list[Explained]:
    """Member-facing lines for pain, function, mood, anxiety, the safety check and body size."""
    by = {s.instrument: s for s in scores}
    lines: list[Explained] = []
    for instrument, (title, top, about) in ABOUT.items():
        found = by.get(instrument)
        if found is None or found.total is None:
            continue
        band = BAND_WORDS.get(found.severity or "", "")
        value = f"{found.total:g} of {top}" + (f": {band}" if band else "")
        lines.append(Explained(title, value, about, attention=found.severity in ("moderate", "moderately_severe",
                                                                                    "severe")))
    pain_first = int(bool(lines) and lines[0].title == ABOUT["nrs"][0])
    lines[pain_first:pain_first] = _function_lines(by, psfs_activities)
    flags = by.get("red_flags")
    if flags is not None:
        if flags.total:
            lines.append(Explained("Safety check", "needs a doctor's review",
                                   "Some answers need a physician to look at them before you start exercising. "
                                   "Your exercises are on hold until then; we will contact you soon.", True))
        else:
            lines.append(Explained("Safety check", "nothing of concern", "None of the warning signs we ask about."))
    life = by.get("lifestyle")
    bmi = (life.subscores or {}).get("bmi") if life is not None else None
    if bmi is not None:
        category = str((life.subscores or {}).get("bmi_category") or "").replace("_", " ")
        lines.append(Explained("Body mass index", f"{bmi:.1f}" + (f" ({category})" if category else ""),
                               "Weight for height (WHO classes); one of many things your team considers."))
    return lines
