"""Opioid identification (RxNorm ingredient codes and names) and daily MME (CDC 2022).

Ingredient list: the opioid agonists of CDC's "Opioid National Drug Code and Oral MME
Conversion File" (CDC Injury Center, 2023 update). RxCUIs are RxNorm ingredient (TTY=IN)
concepts as shown by NLM RxNav (https://mor.nlm.nih.gov/RxNav/).
Conversion factors: Dowell D, et al. CDC Clinical Practice Guideline for Prescribing Opioids
for Pain, United States, 2022. MMWR Recomm Rep 2022;71(No. RR-3):1-95, Table 1.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from openmsk.clinical.drug_names import find_names
from openmsk.clinical.strength import Strength, strength_of

# RxNorm ingredient RxCUI -> canonical ingredient name (source: NLM RxNav, TTY=IN).
OPIOID_INGREDIENT_RXCUI: dict[str, str] = {
    "2670": "codeine",
    "4337": "fentanyl",
    "5489": "hydrocodone",
    "3423": "hydromorphone",
    "6754": "meperidine",
    "6813": "methadone",
    "7052": "morphine",
    "7804": "oxycodone",
    "7814": "oxymorphone",
    "787390": "tapentadol",
    "10689": "tramadol",
    "1819": "buprenorphine",
    "73032": "remifentanil",
    "56795": "sufentanil",
    "480": "alfentanil",
    "6378": "levorphanol",
    "8001": "pentazocine",
    "1841": "butorphanol",
    "7676": "opium",
    "23088": "dihydrocodeine",
}

# Lower-case ingredient names and common US brand names (FDA Orange Book) -> ingredient.
OPIOID_NAMES: dict[str, str] = {name: name for name in OPIOID_INGREDIENT_RXCUI.values()} | {
    "pethidine": "meperidine",
    "demerol": "meperidine",
    "benzhydrocodone": "hydrocodone",
    "nalbuphine": "nalbuphine",
    "oliceridine": "oliceridine",
    "percocet": "oxycodone",
    "oxycontin": "oxycodone",
    "roxicodone": "oxycodone",
    "vicodin": "hydrocodone",
    "norco": "hydrocodone",
    "dilaudid": "hydromorphone",
    "duragesic": "fentanyl",
    "ultram": "tramadol",
    "nucynta": "tapentadol",
}

# CDC 2022 MMWR 71(RR-3) Table 1: morphine milligram equivalent conversion factors.
# Fentanyl's factor applies to transdermal fentanyl only, in mcg/h.
MME_FACTORS: dict[str, float] = {
    "codeine": 0.15,
    "fentanyl_transdermal": 2.4,
    "hydrocodone": 1.0,
    "hydromorphone": 5.0,
    "methadone": 4.7,
    "morphine": 1.0,
    "oxycodone": 1.5,
    "oxymorphone": 3.0,
    "tapentadol": 0.4,
    "tramadol": 0.2,
}

_COUNT_UNITS = frozenset(
    {"", "1", "{tbl}", "{tablet}", "tablet", "tablets", "tab", "tabs", "{capsule}", "capsule", "capsules",
     "cap", "caps", "{patch}", "patch", "patches", "each", "ea", "{actuat}", "actuation", "{dose}", "dose"}
)


@dataclass(frozen=True, slots=True)
class DailyMme:
    """Daily morphine milligram equivalents, or None with the reason it is unknown."""

    value: float | None
    reason: str | None
    ingredients: tuple[str, ...]
    detail: str = ""


def opioid_ingredients(text: str | None = None, rxcuis: Iterable[str] = ()) -> list[str]:
    """Opioid ingredient names found by RxNorm ingredient code or by name in the text."""
    found = [OPIOID_INGREDIENT_RXCUI[c] for c in rxcuis if c in OPIOID_INGREDIENT_RXCUI]
    return list(dict.fromkeys(found + find_names(text, OPIOID_NAMES)))


def is_opioid(text: str | None = None, rxcuis: Iterable[str] = ()) -> bool:
    """True when an opioid ingredient is named in the text or coded as an RxNorm ingredient."""
    return bool(opioid_ingredients(text, rxcuis))


def daily_mme(
    product_text: str | None,
    dose_value: float | None,
    dose_unit: str | None,
    doses_per_day: float | None,
    rxcuis: Iterable[str] = (),
) -> DailyMme:
    """Daily MME = strength x dose x doses per day x CDC factor; None plus a reason if anything is missing."""
    ingredients = tuple(opioid_ingredients(product_text, rxcuis))
    if not ingredients:
        return DailyMme(None, "no opioid ingredient identified", ingredients)
    total, details = 0.0, []
    for ingredient in ingredients:
        part = _ingredient_mme(ingredient, product_text, dose_value, dose_unit, doses_per_day)
        if isinstance(part, str):
            return DailyMme(None, part, ingredients)
        total += part[0]
        details.append(part[1])
    return DailyMme(round(total, 2), None, ingredients, "; ".join(details))


def _ingredient_mme(
    ingredient: str, text: str | None, dose: float | None, dose_unit: str | None, per_day: float | None
) -> tuple[float, str] | str:
    strength = strength_of(text, ingredient)
    if strength is None:
        return f"strength of {ingredient} not stated"
    if ingredient == "fentanyl" and strength.unit == "mcg/h":
        count = 1.0 if dose is None else dose
        if dose is not None and _unit(dose_unit) not in _COUNT_UNITS:
            return f"dose unit of {ingredient} not convertible"
        mme = strength.value * count * MME_FACTORS["fentanyl_transdermal"]
        return mme, f"fentanyl {strength.value:g} mcg/h x {count:g} x 2.4"
    factor = MME_FACTORS.get(ingredient)
    if factor is None:
        return f"no CDC 2022 conversion factor for {ingredient}"
    if dose is None:
        return "dose quantity missing"
    if per_day is None:
        return "dosing frequency missing"
    amount = _amount_mg(strength, dose, _unit(dose_unit))
    if amount is None:
        return f"dose unit not convertible to mg of {ingredient}"
    return amount * per_day * factor, f"{ingredient} {amount:g} mg x {per_day:g}/day x {factor:g}"


def _unit(unit: str | None) -> str:
    return (unit or "").strip().lower()


def _amount_mg(strength: Strength, dose: float, unit: str) -> float | None:
    if unit == "mg":
        return dose
    if strength.unit == "mg" and unit in _COUNT_UNITS:
        return dose * strength.value
    if strength.unit == "mg/ml" and unit == "ml":
        return dose * strength.value
    if strength.unit == "mg/actuat" and unit in _COUNT_UNITS:
        return dose * strength.value
    return None
