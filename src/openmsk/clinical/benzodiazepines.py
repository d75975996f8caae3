"""Benzodiazepine identification by RxNorm ingredient code or name.

Membership: WHO ATC classes N05BA, N05CD and N03AE (benzodiazepine derivatives), ATC/DDD
Index 2024. RxCUIs are RxNorm ingredient (TTY=IN) concepts as shown by NLM RxNav. The
co-prescription concern is CDC 2022 guideline recommendation 11 (MMWR 71(RR-3)).
"""

from __future__ import annotations

from collections.abc import Iterable

from openmsk.clinical.drug_names import find_names

BENZODIAZEPINE_INGREDIENT_RXCUI: dict[str, str] = {
    "596": "alprazolam",
    "2356": "chlordiazepoxide",
    "2598": "clonazepam",
    "3322": "diazepam",
    "6470": "lorazepam",
    "6960": "midazolam",
    "7781": "oxazepam",
    "10355": "temazepam",
    "10767": "triazolam",
    "21241": "clobazam",
}

# Ingredient names (ATC N05BA/N05CD/N03AE members marketed in the US) and common brand names.
BENZODIAZEPINE_NAMES: dict[str, str] = {name: name for name in BENZODIAZEPINE_INGREDIENT_RXCUI.values()} | {
    "clorazepate": "clorazepate",
    "estazolam": "estazolam",
    "flurazepam": "flurazepam",
    "quazepam": "quazepam",
    "remimazolam": "remimazolam",
    "xanax": "alprazolam",
    "klonopin": "clonazepam",
    "valium": "diazepam",
    "ativan": "lorazepam",
    "restoril": "temazepam",
    "halcion": "triazolam",
}


def benzodiazepine_ingredients(text: str | None = None, rxcuis: Iterable[str] = ()) -> list[str]:
    """Benzodiazepine ingredient names found by RxNorm ingredient code or by name in the text."""
    found = [BENZODIAZEPINE_INGREDIENT_RXCUI[c] for c in rxcuis if c in BENZODIAZEPINE_INGREDIENT_RXCUI]
    return list(dict.fromkeys(found + find_names(text, BENZODIAZEPINE_NAMES)))


def is_benzodiazepine(text: str | None = None, rxcuis: Iterable[str] = ()) -> bool:
    """True when a benzodiazepine is named in the text or coded as an RxNorm ingredient."""
    return bool(benzodiazepine_ingredients(text, rxcuis))
