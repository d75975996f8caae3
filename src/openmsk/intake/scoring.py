"""Public entry points: score an answer set, list instruments, describe one as plain data."""

from __future__ import annotations

from typing import Any

from openmsk.intake.instruments import REGISTRY
from openmsk.intake.instruments.base import Instrument, Item, Score, ScoringError


def instrument_ids() -> tuple[str, ...]:
    """Ids of every registered instrument, in registration order."""
    return tuple(REGISTRY)


def get_instrument(instrument_id: str) -> Instrument:
    """The instrument definition for an id; unknown ids raise ScoringError."""
    try:
        return REGISTRY[instrument_id][0]
    except KeyError:
        raise ScoringError(f"unknown instrument: {instrument_id}") from None


def score(instrument_id: str, answers: object) -> Score:
    """Validate and score one answer set (a list in item order, or a mapping of item id to answer)."""
    get_instrument(instrument_id)
    return REGISTRY[instrument_id][1](answers)


def instrument_as_dict(instrument_id: str) -> dict[str, Any]:
    """The instrument as plain data, shaped for rendering a FHIR R4 Questionnaire later."""
    instrument = get_instrument(instrument_id)
    return {
        "id": instrument.id,
        "title": instrument.name,
        "code": [{"system": "http://loinc.org", "code": instrument.loinc_panel}] if instrument.loinc_panel else [],
        "loinc": {"panel": instrument.loinc_panel, "total": instrument.loinc_total},
        "scoring": instrument.scoring,
        "bands": [{"upper": band.upper, "label": band.label} for band in instrument.bands],
        "bands_note": instrument.bands_note,
        "missing_rule": instrument.missing_rule,
        "source": instrument.source,
        "licence": instrument.licence,
        "ships_item_wording": instrument.ships_item_wording,
        "answer_shape": instrument.answer_shape,
        "items": [_item_as_dict(item) for item in instrument.items],
    }


def _item_as_dict(item: Item) -> dict[str, Any]:
    fhir_type = {"multi_choice": "choice", "text": "text"}.get(item.kind, item.kind)
    data: dict[str, Any] = {
        "linkId": item.id,
        "text": item.label,
        "type": "choice" if item.options and item.kind != "boolean" else fhir_type,
        "required": item.required,
        "repeats": item.kind == "multi_choice",
        "code": [{"system": "http://loinc.org", "code": item.loinc}] if item.loinc else [],
        "answerOption": [
            {"value": option.value, "display": option.label, "code": option.code} for option in item.options
        ],
    }
    if item.kind == "text":
        data["maxLength"] = None if item.maximum is None else int(item.maximum)
    else:
        data["minValue"] = item.minimum
        data["maxValue"] = item.maximum
    return data
