"""Opioid identification and daily MME, table-driven from the CDC 2022 conversion factors."""

from __future__ import annotations

import pytest

from openmsk.clinical.opioids import daily_mme, is_opioid, opioid_ingredients
from openmsk.clinical.strength import Strength, strength_of

# CDC Clinical Practice Guideline for Prescribing Opioids for Pain, 2022 (MMWR 71(RR-3)), Table 1.
CDC_2022_FACTORS = {
    "codeine": 0.15, "hydrocodone": 1, "hydromorphone": 5, "methadone": 4.7, "morphine": 1,
    "oxycodone": 1.5, "oxymorphone": 3, "tapentadol": 0.4, "tramadol": 0.2,
}


@pytest.mark.parametrize(("ingredient", "factor"), sorted(CDC_2022_FACTORS.items()))
def test_daily_mme_is_strength_times_dose_times_frequency_times_cdc_factor(ingredient, factor):
    # 10 mg tablets, 2 tablets, 3 times a day: 60 mg/day of the ingredient.
    result = daily_mme(f"{ingredient.title()} Hydrochloride 10 MG Oral Tablet", 2, "tablet", 3)
    assert result.value == pytest.approx(60 * factor)
    assert result.reason is None


@pytest.mark.parametrize(("text", "mcg_per_hour"), [
    ("72 HR Fentanyl 0.025 MG/HR Transdermal System", 25),
    ("72 HR Fentanyl 0.05 MG/HR Transdermal System", 50),
    ("Fentanyl 12 MCG/HR Transdermal Patch", 12),
])
def test_transdermal_fentanyl_is_mcg_per_hour_times_2_4(text, mcg_per_hour):
    assert daily_mme(text, 1, None, None).value == pytest.approx(mcg_per_hour * 2.4)


def test_strength_is_parsed_from_combination_product_display_text():
    text = "Oxycodone Hydrochloride 5 MG / Acetaminophen 325 MG Oral Tablet"
    assert strength_of(text, "oxycodone") == Strength(5.0, "mg")
    assert strength_of("Acetaminophen 300 MG / HYDROcodone Bitartrate 5 MG Oral Tablet", "hydrocodone") == Strength(5.0, "mg")
    assert strength_of("Abuse-Deterrent 12 HR Oxycodone Hydrochloride 15 MG Extended Release Oral Tablet",
                       "oxycodone") == Strength(15.0, "mg")
    assert strength_of("1 ML Morphine Sulfate 5 MG/ML Injection", "morphine") == Strength(5.0, "mg/ml")


def test_percocet_5_325_one_tablet_every_6_hours_is_30_mme():
    # 5 mg x 1 x 4/day x 1.5 = 30 MME/day (hand computation).
    assert daily_mme("Oxycodone Hydrochloride 5 MG / Acetaminophen 325 MG Oral Tablet", 1, None, 4).value == 30


def test_morphine_solution_dose_in_ml_uses_the_concentration():
    # 2 mL of 5 mg/mL every 4 hours: 10 mg x 6 x 1 = 60 MME/day.
    assert daily_mme("1 ML Morphine Sulfate 5 MG/ML Injection", 2, "mL", 6).value == 60


@pytest.mark.parametrize(("args", "reason"), [
    (("Oxycodone Hydrochloride 5 MG Oral Tablet", None, None, 4), "dose quantity missing"),
    (("Oxycodone Hydrochloride 5 MG Oral Tablet", 1, None, None), "dosing frequency missing"),
    (("oxycodone tablets", 1, None, 4), "strength of oxycodone not stated"),
    (("1 ML Morphine Sulfate 5 MG/ML Injection", 1, None, 4), "dose unit not convertible to mg of morphine"),
    (("Meperidine Hydrochloride 50 MG Oral Tablet", 1, None, 4), "no CDC 2022 conversion factor for meperidine"),
    (("remifentanil 2 MG Injection", 1, "mg", 1), "no CDC 2022 conversion factor for remifentanil"),
    (("Ibuprofen 200 MG Oral Tablet", 1, None, 4), "no opioid ingredient identified"),
])
def test_mme_is_unknown_with_a_reason_never_guessed(args, reason):
    result = daily_mme(*args)
    assert result.value is None and result.reason == reason


@pytest.mark.parametrize("text", [
    "Meperidine Hydrochloride 50 MG Oral Tablet", "remifentanil 2 MG Injection", "Percocet", "HYDROcodone",
    "Buprenorphine 8 MG Sublingual Tablet",
])
def test_opioids_are_recognized_by_name(text):
    assert is_opioid(text)


@pytest.mark.parametrize("text", [
    "Acetaminophen 325 MG Oral Tablet", "naloxone hydrochloride 4 MG/ACTUAT Nasal Spray", "Naproxen sodium 220 MG",
    "Loratadine 5 MG Chewable Tablet", "",
])
def test_non_opioids_are_not_opioids(text):
    assert not is_opioid(text)


def test_opioids_are_recognized_by_rxnorm_ingredient_code():
    # RxNorm ingredient RxCUIs (NLM RxNav): 7804 oxycodone, 5489 hydrocodone.
    assert opioid_ingredients(None, ["7804", "5489", "161"]) == ["oxycodone", "hydrocodone"]
