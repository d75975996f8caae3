"""Benzodiazepine identification by name and RxNorm ingredient code."""

from __future__ import annotations

import pytest

from openmsk.clinical.benzodiazepines import benzodiazepine_ingredients, is_benzodiazepine


@pytest.mark.parametrize("text", ["clonazePAM 0.25 MG Oral Tablet", "Diazepam 5 MG Oral Tablet",
                                  "Midazolam 1 MG/ML Injectable Solution", "Xanax", "lorazepam"])
def test_benzodiazepines_are_recognized_by_name(text):
    assert is_benzodiazepine(text)


@pytest.mark.parametrize("text", ["Zolpidem 10 MG Oral Tablet", "Oxycodone 5 MG", "diphenhydrAMINE 25 MG", None])
def test_other_drugs_are_not_benzodiazepines(text):
    assert not is_benzodiazepine(text)


def test_benzodiazepines_are_recognized_by_rxnorm_ingredient_code():
    # RxNorm ingredient RxCUIs (NLM RxNav): 596 alprazolam, 2598 clonazepam.
    assert benzodiazepine_ingredients(None, ["596", "2598", "7804"]) == ["alprazolam", "clonazepam"]
