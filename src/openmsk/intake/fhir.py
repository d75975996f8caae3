"""Instruments and submissions as FHIR R4 resources (pure; validated with fhir.resources.R4B, never R5).

Questionnaire per instrument; QuestionnaireResponse per submission; Observations for the totals with
their LOINC codes (pain NRS 72514-3; PHQ-9 total 44261-6 in panel 44249-1; GAD-7 total 70274-6 in
panel 69737-5: codes as published by LOINC and cited in each instrument module).
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from openmsk.intake.instruments.base import Instrument, Item
from openmsk.intake.instruments.validation import as_answer_list
from openmsk.intake.scoring import get_instrument, score

LOINC = "http://loinc.org"
OPTION_SYSTEM = "urn:openmsk:intake:answer"
CANONICAL = "urn:openmsk:intake:questionnaire:"
# HL7 core extension carrying the numeric score of a coded answer (R4 ordinalValue).
ORDINAL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
# HL7 terminology: observation-category "survey" (http://terminology.hl7.org/CodeSystem/observation-category).
SURVEY = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                      "code": "survey", "display": "Survey"}]}


def _dump(model: Any) -> dict:
    return model.model_dump(mode="json", exclude_none=True)


def _coding(item: Item, value: object) -> dict:
    for option in item.options:
        if option.value == value:
            coding = {"system": LOINC if option.code else OPTION_SYSTEM, "code": option.code or str(option.value),
                      "display": option.label}
            return coding
    raise ValueError(f"item {item.id}: answer is not an option")


def _item_type(item: Item) -> str:
    if item.kind == "boolean":
        return "boolean"
    if item.options:
        return "choice"
    return {"multi_choice": "choice", "text": "text"}.get(item.kind, item.kind)


def _q_item(item: Item) -> dict:
    data: dict[str, Any] = {"linkId": item.id, "text": item.label, "type": _item_type(item),
                            "required": item.required, "repeats": item.kind == "multi_choice"}
    if item.loinc:
        data["code"] = [{"system": LOINC, "code": item.loinc}]
    if item.options and item.kind != "boolean":
        data["answerOption"] = [
            {"valueCoding": _coding(item, o.value),
             **({"extension": [{"url": ORDINAL, "valueDecimal": o.value}]} if isinstance(o.value, int) else {})}
            for o in item.options]
    return data


def questionnaire(instrument_id: str) -> dict:
    """The instrument as a validated FHIR R4 Questionnaire (dict)."""
    instrument = get_instrument(instrument_id)
    data: dict[str, Any] = {
        "resourceType": "Questionnaire", "id": instrument.id.replace("_", "-"), "url": CANONICAL + instrument.id,
        "name": instrument.id, "title": instrument.name, "status": "active", "copyright": instrument.licence,
        "description": f"{instrument.scoring} Source: {instrument.source}",
        "item": [_q_item(item) for item in instrument.items],
    }
    if instrument.loinc_panel:
        data["code"] = [{"system": LOINC, "code": instrument.loinc_panel}]
    return _dump(Questionnaire.model_validate(data))


def _answer(item: Item, value: object) -> list[dict]:
    if value is None:
        return []
    if item.kind == "boolean":
        return [{"valueBoolean": bool(value)}]
    if item.kind == "multi_choice":
        return [{"valueCoding": _coding(item, v)} for v in value]  # type: ignore[union-attr]
    if item.options:
        return [{"valueCoding": _coding(item, value)}]
    key = {"integer": "valueInteger", "decimal": "valueDecimal", "text": "valueString"}[item.kind]
    return [{key: value}]


def questionnaire_response(instrument_id: str, answers: object, *, response_id: str, member_id: str,
                           authored: datetime) -> dict:
    """One submission as a validated FHIR R4 QuestionnaireResponse (answers are validated first)."""
    instrument = get_instrument(instrument_id)
    score(instrument_id, answers)  # reject invalid answers before shaping them
    values = _values(instrument, answers)
    items = [{"linkId": item.id, "text": item.label, "answer": _answer(item, value)}
             for item, value in zip(instrument.items, values) if value is not None]
    data = {"resourceType": "QuestionnaireResponse", "id": response_id, "status": "completed",
            "questionnaire": CANONICAL + instrument.id, "subject": {"reference": f"Patient/{member_id}"},
            "authored": authored.isoformat(), "item": items}
    return _dump(QuestionnaireResponse.model_validate(data))


def _values(instrument: Instrument, answers: object) -> list[object]:
    if isinstance(answers, Mapping):
        return [answers.get(item.id) for item in instrument.items]
    return as_answer_list(instrument, answers)


def observations(instrument_id: str, answers: object, *, response_id: str, member_id: str,
                 effective: datetime) -> list[dict]:
    """The total score as an Observation (plus its panel Observation where LOINC has one), validated."""
    instrument = get_instrument(instrument_id)
    result = score(instrument_id, answers)
    if not instrument.loinc_total or result.total is None:
        return []
    common = {"status": "final", "category": [SURVEY], "subject": {"reference": f"Patient/{member_id}"},
              "effectiveDateTime": effective.isoformat(),
              "derivedFrom": [{"reference": f"QuestionnaireResponse/{response_id}"}]}
    total_id = f"{response_id}-total"
    total: dict[str, Any] = {
        "resourceType": "Observation", "id": total_id, **common,
        "code": {"coding": [{"system": LOINC, "code": instrument.loinc_total}], "text": f"{instrument.name} total"},
        "valueQuantity": {"value": result.total, "unit": "{score}", "system": "http://unitsofmeasure.org",
                          "code": "{score}"}}
    if result.severity:
        total["interpretation"] = [{"text": result.severity}]
    resources = [total]
    if instrument.loinc_panel and instrument.loinc_panel != instrument.loinc_total:
        resources.insert(0, {"resourceType": "Observation", "id": f"{response_id}-panel", **common,
                             "code": {"coding": [{"system": LOINC, "code": instrument.loinc_panel}],
                                      "text": instrument.name},
                             "hasMember": [{"reference": f"Observation/{total_id}"}]})
    return [_dump(Observation.model_validate(r)) for r in resources]


def submission_resources(instrument_id: str, answers: object, *, response_id: str, member_id: str,
                         authored: datetime) -> list[dict]:
    """The QuestionnaireResponse and its Observations for one stored assessment (for export)."""
    return [questionnaire_response(instrument_id, answers, response_id=response_id, member_id=member_id,
                                   authored=authored),
            *observations(instrument_id, answers, response_id=response_id, member_id=member_id,
                          effective=authored)]
