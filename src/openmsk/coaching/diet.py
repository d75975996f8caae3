"""The anti-inflammatory eating checklist a member ticks in the diet log.

Items follow the Mediterranean eating pattern studied in PREDIMED (Estruch R et al., N Engl J Med
2018;378:e34) and the pro-/anti-inflammatory food parameters of the Dietary Inflammatory Index
(Shivappa N et al., Public Health Nutr 2014;17(8):1689-1696). A checklist, not a score.
"""

CHECKLIST: dict[str, str] = {
    "olive_oil": "Used olive oil as the main fat",
    "oily_fish": "Ate oily fish (salmon, sardines, mackerel)",
    "whole_grains": "Chose whole grains over refined ones",
    "legumes": "Ate beans, lentils or chickpeas",
    "nuts_seeds": "Ate a handful of nuts or seeds",
    "leafy_greens": "Ate leafy greens",
    "no_processed_meat": "Skipped processed meat",
    "no_added_sugar_snacks": "Skipped sweets and pastries",
}
