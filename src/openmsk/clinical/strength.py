"""Parse an ingredient's strength out of an RxNorm display string.

RxNorm clinical drug names follow "<ingredient> <number> <unit>" per component, components
joined by " / " (NLM RxNorm Technical Documentation, section on normalized names).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class Strength:
    """Amount of one ingredient per unit: unit is mg, mg/ml, mg/actuat or mcg/h."""

    value: float
    unit: str


_UNIT_PATTERN = r"(\d+(?:\.\d+)?)\s*(MG|MCG|UG)(?:\s*/\s*(ML|HR|H|ACTUAT))?\b"


@lru_cache(maxsize=4096)
def _pattern(ingredient: str) -> re.Pattern[str]:
    # The strength follows the ingredient name within the same " / "-separated component.
    return re.compile(rf"\b{re.escape(ingredient)}\b[^/\d]*?{_UNIT_PATTERN}", re.IGNORECASE)


@lru_cache(maxsize=4096)
def strength_of(text: str | None, ingredient: str) -> Strength | None:
    """The strength of the named ingredient in an RxNorm-style text, or None when not stated."""
    if not text:
        return None
    match = _pattern(ingredient).search(text)
    if match is None:
        return None
    value, mass, per = float(match.group(1)), match.group(2).upper(), (match.group(3) or "").upper()
    if per in ("HR", "H"):
        mcg = value * 1000 if mass == "MG" else value
        return Strength(mcg, "mcg/h")
    mg = value / 1000 if mass in ("MCG", "UG") else value
    unit = {"": "mg", "ML": "mg/ml", "ACTUAT": "mg/actuat"}[per]
    return Strength(mg, unit)
