"""Intake instruments as data, each with a pure scoring function, keyed by instrument id."""

from __future__ import annotations

from collections.abc import Callable
from types import MappingProxyType

from openmsk.intake.instruments import (
    auditc, gad7, hoos_jr, koos_jr, lifestyle, ndi, nrs, odi, peg, phq9, psfs, pss4, quickdash, red_flags,
)
from openmsk.intake.instruments.base import Instrument, Score, ScoringError

Scorer = Callable[[object], Score]

_MODULES = (nrs, peg, phq9, gad7, psfs, odi, ndi, koos_jr, hoos_jr, quickdash, pss4, auditc, red_flags, lifestyle)

REGISTRY: MappingProxyType[str, tuple[Instrument, Scorer]] = MappingProxyType(
    {module.INSTRUMENT.id: (module.INSTRUMENT, module.score) for module in _MODULES}
)

__all__ = ["REGISTRY", "Instrument", "Score", "ScoringError", "Scorer"]
