"""Find drug ingredient names in free text (RxNorm display strings, medication text)."""

from __future__ import annotations

import re
from collections.abc import Mapping

_WORD = re.compile(r"[a-z]+")


def words(text: str | None) -> list[str]:
    """Lower-case alphabetic tokens of a text ("HYDROcodone Bitartrate" -> hydrocodone, bitartrate)."""
    return _WORD.findall(text.lower()) if text else []


def find_names(text: str | None, names: Mapping[str, str]) -> list[str]:
    """Canonical ingredient names whose (one-word) name or alias occurs in the text, in order, unique."""
    found: list[str] = []
    for word in words(text):
        canonical = names.get(word)
        if canonical is not None and canonical not in found:
            found.append(canonical)
    return found
