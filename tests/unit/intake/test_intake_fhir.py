"""Instruments and submissions as FHIR R4 resources, validated with fhir.resources.R4B."""

from datetime import UTC, datetime

import pytest
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from openmsk.intake import fhir
from openmsk.intake.instruments.base import ScoringError
from openmsk.intake.scoring import get_instrument, instrument_ids

AT = datetime(2026, 11, 29, 9, 30, tzinfo=UTC)


def _codes(resource: dict) -> list[str]:
    return [c["code"] for c in resource["code"]["coding"]]


@pytest.mark.parametrize("instrument_id", instrument_ids())
def test_every_instrument_renders_as_a_valid_r4_questionnaire(instrument_id):
    resource = fhir.questionnaire(instrument_id)
    Questionnaire.model_validate(resource)
    assert [i["linkId"] for i in resource["item"]] == [i.id for i in get_instrument(instrument_id).items]


def test_phq9_questionnaire_carries_the_loinc_panel_and_answer_codes_with_their_scores():
    resource = fhir.questionnaire("phq9")
    assert resource["code"] == [{"system": "http://loinc.org", "code": "44249-1"}]
    item9 = resource["item"][8]
    assert item9["code"][0]["code"] == "44260-8"
    assert [o["valueCoding"]["code"] for o in item9["answerOption"]] == ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"]
    assert [o["extension"][0]["valueDecimal"] for o in item9["answerOption"]] == [0, 1, 2, 3]


@pytest.mark.parametrize(("instrument_id", "answers", "codes", "total"), [
    ("nrs", [7], [["72514-3"]], 7),
    ("phq9", [1, 2, 0, 1, 0, 1, 0, 0, 1], [["44249-1"], ["44261-6"]], 6),
    ("gad7", [3, 3, 2, 2, 1, 1, 0], [["69737-5"], ["70274-6"]], 12),
])
def test_a_submission_becomes_a_response_and_observations_with_loinc_codes(instrument_id, answers, codes, total):
    resources = fhir.submission_resources(instrument_id, answers, response_id="a1", member_id="m1", authored=AT)
    response, *observations = resources
    QuestionnaireResponse.model_validate(response)
    for observation in observations:
        Observation.model_validate(observation)
    assert response["subject"] == {"reference": "Patient/m1"} and len(response["item"]) == len(answers)
    assert [_codes(o) for o in observations] == codes
    assert observations[-1]["valueQuantity"]["value"] == total
    assert observations[-1]["derivedFrom"] == [{"reference": "QuestionnaireResponse/a1"}]
    if len(observations) == 2:
        assert observations[0]["hasMember"] == [{"reference": "Observation/a1-total"}]


def test_choice_answers_use_coded_values_and_red_flags_booleans():
    phq = fhir.questionnaire_response("phq9", [0] * 8 + [2], response_id="r", member_id="m", authored=AT)
    assert phq["item"][8]["answer"] == [{"valueCoding": {"system": "http://loinc.org", "code": "LA6570-1",
                                                         "display": "More than half the days"}}]
    flags = fhir.questionnaire_response("red_flags", [0, 1, 0, 0, 0, 0, 0, 0, 0], response_id="r", member_id="m",
                                        authored=AT)
    assert [i["answer"][0]["valueBoolean"] for i in flags["item"]][:2] == [False, True]


def test_lifestyle_answers_skip_blank_items_and_have_no_total_observation():
    answers = {"height_cm": 170, "goals": ["nutrition", "less_pain"], "body_regions": ["knee"]}
    resources = fhir.submission_resources("lifestyle", answers, response_id="r", member_id="m", authored=AT)
    assert len(resources) == 1
    assert [i["linkId"] for i in resources[0]["item"]] == ["height_cm", "goals", "body_regions"]
    assert len(resources[0]["item"][1]["answer"]) == 2


def test_invalid_answers_are_refused_before_any_resource_is_built():
    with pytest.raises(ScoringError, match="phq9 item 9"):
        fhir.submission_resources("phq9", [0] * 8 + [5], response_id="r", member_id="m", authored=AT)
