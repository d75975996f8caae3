"""Whole-person intake: questionnaires as data and their pure scoring functions."""

from openmsk.intake.instruments.base import Instrument, Score, ScoringError
from openmsk.intake.scoring import get_instrument, instrument_as_dict, instrument_ids, score

__all__ = ["Instrument", "Score", "ScoringError", "get_instrument", "instrument_as_dict", "instrument_ids", "score"]
