"""Strict answer validation: reject, never clip, round or guess."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TypeVar

from openmsk.intake.instruments.base import Instrument, Item, ScoringError

_N = TypeVar("_N", int, float)


def as_answer_list(instrument: Instrument, answers: object) -> list[object]:
    """The answers as a list in item order; a mapping is read by item id."""
    if isinstance(answers, Mapping):
        known = {item.id for item in instrument.items}
        for key in answers:
            if key not in known:
                raise ScoringError(f"{instrument.id} item {key}: unknown item")
        return [answers.get(item.id) for item in instrument.items]
    if isinstance(answers, (str, bytes)) or not isinstance(answers, Sequence):
        raise ScoringError(f"{instrument.id}: answers must be a list or a mapping of item id to answer")
    return list(answers)


def check_count(instrument: Instrument, answers: list[object], minimum: int | None = None) -> None:
    """Reject an answer list whose length does not match the instrument."""
    expected_max = len(instrument.items)
    expected_min = expected_max if minimum is None else minimum
    if not expected_min <= len(answers) <= expected_max:
        wanted = str(expected_max) if expected_min == expected_max else f"{expected_min} to {expected_max}"
        raise ScoringError(f"{instrument.id}: expected {wanted} answers, got {len(answers)}")


def integer_answer(instrument_id: str, item: Item, value: object) -> int | None:
    """Validate one integer item: None stays missing; bools, non-integers and out-of-range values raise."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ScoringError(f"{instrument_id} item {item.id}: expected an integer, got a boolean")
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            raise ScoringError(f"{instrument_id} item {item.id}: {value} is not an integer")
        value = int(value)
    if not isinstance(value, int):
        raise ScoringError(f"{instrument_id} item {item.id}: expected an integer, got {type(value).__name__}")
    return _in_range(instrument_id, item, value)


def decimal_answer(instrument_id: str, item: Item, value: object) -> float | None:
    """Validate one decimal item: finite number within the item's range."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ScoringError(f"{instrument_id} item {item.id}: expected a number, got {type(value).__name__}")
    if not math.isfinite(value):
        raise ScoringError(f"{instrument_id} item {item.id}: not a finite number")
    return _in_range(instrument_id, item, value)


def boolean_answer(instrument_id: str, item: Item, value: object) -> bool | None:
    """Validate a yes/no item given as true/false or 1/0."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise ScoringError(f"{instrument_id} item {item.id}: expected true/false or 1/0")


def choice_answer(instrument_id: str, item: Item, value: object) -> str | int | None:
    """Validate a single-choice item against its answer options."""
    if value is None:
        return None
    allowed = [option.value for option in item.options]
    if isinstance(value, bool) or value not in allowed:
        raise ScoringError(f"{instrument_id} item {item.id}: not one of {', '.join(map(str, allowed))}")
    return value  # type: ignore[return-value]


def multi_choice_answer(instrument_id: str, item: Item, value: object) -> tuple[str, ...] | None:
    """Validate a checklist: a list of distinct option values."""
    if value is None:
        return None
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise ScoringError(f"{instrument_id} item {item.id}: expected a list of options")
    allowed = {option.value for option in item.options}
    chosen = list(value)
    for choice in chosen:
        if not isinstance(choice, str) or choice not in allowed:
            raise ScoringError(f"{instrument_id} item {item.id}: an entry is not one of the allowed options")
    if len(set(chosen)) != len(chosen):
        raise ScoringError(f"{instrument_id} item {item.id}: repeated option")
    return tuple(chosen)


def text_answer(instrument_id: str, item: Item, value: object) -> str | None:
    """Validate free text: a string no longer than the item's maximum length."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ScoringError(f"{instrument_id} item {item.id}: expected text, got {type(value).__name__}")
    if item.maximum is not None and len(value) > item.maximum:
        raise ScoringError(f"{instrument_id} item {item.id}: longer than {int(item.maximum)} characters")
    return value


def integer_answers(instrument: Instrument, answers: object, *, max_missing: int = 0) -> list[int | None]:
    """Validate a whole list of integer items, allowing at most `max_missing` missing answers."""
    values = as_answer_list(instrument, answers)
    check_count(instrument, values)
    checked = [integer_answer(instrument.id, item, value) for item, value in zip(instrument.items, values)]
    check_missing(instrument, checked, max_missing)
    return checked


def check_missing(instrument: Instrument, checked: Sequence[object], max_missing: int) -> None:
    """Reject when more items are missing than the instrument's source allows."""
    missing = [item.id for item, value in zip(instrument.items, checked) if value is None]
    if len(missing) > max_missing:
        if max_missing == 0:
            raise ScoringError(f"{instrument.id} item {missing[0]}: missing; {instrument.id} allows no missing items")
        raise ScoringError(
            f"{instrument.id} items {', '.join(missing)}: {len(missing)} missing; at most {max_missing} allowed"
        )


def _in_range(instrument_id: str, item: Item, value: _N) -> _N:
    low, high = item.minimum, item.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        raise ScoringError(f"{instrument_id} item {item.id}: {value} is outside {_fmt(low)}..{_fmt(high)}")
    return value


def _fmt(bound: float | None) -> str:
    if bound is None:
        return ""
    return str(int(bound)) if float(bound).is_integer() else str(bound)
