"""Plain-language explanations of intake scores for members (pure).

Bands are the instruments' published ones (cited in each instrument module); the wording is ours.
"""

from collections.abc import Iterable
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


@dataclass(frozen=True)
class Explained:
    """One result as a member reads it."""

    title: str
    value: str
    meaning: str
    attention: bool = False


def explain_scores(scores: Iterable) -> list[Explained]:
    """Member-facing lines for pain, mood, anxiety, the safety check and body size."""
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
